"""No input ever yields a traceback or a 500: REQUEST.json documents with hostile values (huge
and negative numbers, floats, NaN and infinities, extreme dates and offsets, lone surrogates,
NUL and other control characters, deep nesting, wrong types, missing and unknown fields) are fed
to ``zoomsvc provision``, the new-request form and the JSON API; query strings to the lists.

Hypothesis runs derandomized (a fixed seed) so the suite is repeatable; each target is built
once per module, not per example. The generated examples alone reach every crash the issue
listed for ``provision`` (huge participants, deep nesting, surrogates, years 1 and 9999); those
are pinned as explicit examples as well.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from cli_support import toml_text, workday
from click.testing import CliRunner
from conftest import PG_URL_ENV, Clock, _postgres_schema_url
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from web_support import (
    Browser,
    WebEnv,
    csrf_token_in,
    web_document,
    web_environment,
)

from zoomsvc.cli.context import AppContext
from zoomsvc.cli.request_commands import provision
from zoomsvc.config import build_config, demo_document
from zoomsvc.store.migrate import upgrade
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

pytestmark = pytest.mark.uses_db


def fixed_seed(examples: int) -> settings:
    """Derandomized runs of ``examples`` examples, without time limits per example."""
    return settings(derandomize=True, max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


REQUIRED = ("agency", "letter_number", "letter_date", "subject", "topic", "start", "end",
            "participants", "contact")
# A JSON literal spliced into the document as written (what json.dumps cannot produce).
RAW = "\x00raw:"

EXTREME_MOMENTS = ["0001-01-01T01:00+05:00", "9999-12-31T09:00", "9999-12-31T23:59-23:59",
                   "0001-01-01T00:00", "2026-02-30T09:00", "2026-11-24T25:00", "24:00",
                   "2026-11-24T09:00+24:00", "2026-11-24T09:00Z", "+002026-11-24T09:00"]
EXTREME_DAYS = ["0001-01-01", "9999-12-31", "2026-13-01", "20261124", "1970-01-01"]
HOSTILE_CHARS = st.sampled_from(["\x00", "\ud800", "\udfff", "\x1b", "\r", "\n", "\t", "\x7f",
                                 "\u200b", "\ufeff", "\u202e", "'", '"', "\\", "<", "%"])
hostile_text = st.lists(st.one_of(HOSTILE_CHARS, st.text(max_size=5)), max_size=8).map("".join)
# Integers as JSON literals: past 64 bits, past 1e28, past Python's 4,300-digit limit.
huge_int = st.one_of(st.integers(), st.sampled_from([19, 29, 4301, 5000, 9000]).map(
    lambda digits: RAW + "9" * digits), st.sampled_from([10**28, -10**28, 2**63, 2**64]))
deep = st.integers(min_value=500, max_value=100_000).map(
    lambda depth: RAW + "[" * depth + "]" * depth)
scalar = st.one_of(st.none(), st.booleans(), huge_int,
                   st.floats(allow_nan=True, allow_infinity=True), hostile_text,
                   st.sampled_from(EXTREME_MOMENTS + EXTREME_DAYS))
hostile = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)),
    max_leaves=6) | deep


def moment_text(day: date) -> st.SearchStrategy[str]:
    """Start/end times near ``day``: plausible, in odd zones, or extreme."""
    offsets = st.sampled_from(["", "+08:00", "+05:00", "-12:00", "+14:00", "Z", "+23:59"])
    near = st.builds(lambda shift, hour, offset: f"{day + timedelta(days=shift)}T{hour:02d}:00"
                     f"{offset}", st.integers(-3, 800), st.integers(0, 23), offsets)
    return st.one_of(st.sampled_from(EXTREME_MOMENTS), near)


def valid_request(day: date) -> dict[str, Any]:
    return {"agency": "Dinas Kesehatan", "letter_number": "440/1/DINKES/2026",
            "letter_date": f"{day - timedelta(days=3)}", "subject": "Permohonan Zoom",
            "topic": "Rapat Koordinasi", "agenda": "Koordinasi", "start": f"{day}T09:00",
            "end": f"{day}T12:00", "participants": 100,
            "contact": {"name": "Rina", "phone": "0812-5500-1234", "email": "rina@x.go.id"}}


# Valid text with one hostile character in it: the rest of the field is fine, so the character
# is what the validation has to catch.
spiked_text = st.builds(lambda char, head: f"{head or 'Rapat'} {char} Koordinasi", HOSTILE_CHARS,
                        st.text(max_size=4))


def hostile_for(key: str, day: date) -> st.SearchStrategy[Any]:
    """Values for ``key`` that get past a type check: extreme ones of its own kind."""
    if key in ("start", "end"):
        return moment_text(day)
    if key == "letter_date":
        return st.sampled_from(EXTREME_DAYS)
    if key == "participants":
        return st.one_of(huge_int, st.floats(allow_nan=True, allow_infinity=True),
                         huge_int.map(lambda n: str(n).removeprefix(RAW)))
    if key == "contact":
        return st.fixed_dictionaries({"name": spiked_text, "phone": st.just("0812-5500-1234"),
                                      "email": st.just("rina@x.go.id")})
    return spiked_text


@st.composite
def request_documents(draw: st.DrawFn, day: date) -> Any:
    """A REQUEST.json document: mostly a valid request with one field (sometimes two or three)
    given an extreme value of its kind, a value of any kind, or left out; now and then
    something that is not a request at all."""
    if draw(st.integers(0, 19)) == 0:
        return draw(hostile)
    body: dict[str, Any] = valid_request(day)
    body["letter_number"] = f"440/{draw(st.integers(0, 10**6))}/DINKES/2026"
    count = draw(st.sampled_from([1, 1, 1, 1, 2, 3]))
    # Times and numbers are where conversions overflow: they are picked more often.
    keys = [*REQUIRED, "agenda", "srikandi_agenda", "start", "start", "end", "participants"]
    for key in draw(st.lists(st.sampled_from(keys), min_size=count, max_size=count,
                             unique=True)):
        choice = draw(st.integers(0, 5))
        if choice == 0:
            body.pop(key, None)
        elif choice == 1:
            body[key] = draw(hostile)
        else:
            body[key] = draw(hostile_for(key, day))
    if draw(st.integers(0, 9)) == 0:
        body[draw(hostile_text)] = draw(hostile)
    return body


def as_json(document: Any) -> str:
    """The document as JSON text, with the RAW values spliced in as literals."""
    raws: list[str] = []

    def mark(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(RAW):
            raws.append(value[len(RAW):])
            return f"{RAW}{len(raws) - 1}"
        if isinstance(value, list):
            return [mark(item) for item in value]
        if isinstance(value, dict):
            return {key: mark(item) for key, item in value.items()}
        return value

    text = json.dumps(mark(document))  # ASCII: lone surrogates become \ud800 escapes
    for index, raw in enumerate(raws):
        text = text.replace(json.dumps(f"{RAW}{index}"), raw, 1)
    return text


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    """One sandbox for the module, on the wall clock."""
    with SandboxServer(SandboxOptions()) as server:
        yield server


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite in the module's folder, or a fresh PostgreSQL schema."""
    base = os.environ.get(PG_URL_ENV)
    if base:
        yield from _postgres_schema_url(base)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('properties') / 'zoomsvc.db'}"


# (a) zoomsvc provision --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cli_app(sandbox: SandboxServer, db_url: str, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[AppContext, Path]]:
    """The command's context with its services built once, and a folder for REQUEST.json."""
    folder = tmp_path_factory.mktemp("cli")
    document = demo_document(sandbox.url)
    document["database"] = {"url": db_url}
    document["zoom"]["max_retries"] = 0
    document["letters"].update(output_dir=str(folder / "letters"),
                               files_dir=str(folder / "files"))
    path = folder / "zoomsvc.toml"
    path.write_text(toml_text(document), encoding="utf-8")
    app = AppContext(str(path), build_config(document, {}, source="test"))
    upgrade(app.raw_db)
    yield app, folder
    app.raw_db.dispose()


@fixed_seed(400)
@given(document=request_documents(workday()))
@example(document={**valid_request(workday()), "participants": RAW + "9" * 5000})
@example(document={**valid_request(workday()), "participants": 10**28})
@example(document=RAW + "[" * 100_000 + "]" * 100_000)
@example(document={**valid_request(workday()), "topic": "Rapat \ud800"})
@example(document={**valid_request(workday()), "start": "0001-01-01T01:00+05:00"})
@example(document={**valid_request(workday()), "start": "9999-12-31T09:00",
                   "end": "9999-12-31T12:00"})
def test_provision_never_crashes(cli_app: tuple[AppContext, Path], document: Any) -> None:
    app, folder = cli_app
    request_file = folder / "REQUEST.json"
    request_file.write_text(as_json(document), encoding="utf-8")

    result = CliRunner().invoke(provision, [str(request_file)], obj=app)

    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    assert "Traceback" not in result.output


# (b) the new-request form, (c) the JSON API, (d) query strings ---------------------------------

@pytest.fixture(scope="module")
def web(sandbox: SandboxServer, db_url: str, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[WebEnv]:
    """The web application, built once for the module, its clock at the wall clock's now
    (the sandbox's clock)."""
    folder = tmp_path_factory.mktemp("web")
    document = web_document(sandbox.url, db_url, folder)
    with web_environment(document, sandbox, Clock(datetime.now(UTC)), folder) as env:
        yield env


@pytest.fixture(scope="module")
def staff(web: WebEnv) -> tuple[Browser, str]:
    """A signed-in staff browser and the CSRF token of its session."""
    browser = web.as_role("staf")
    return browser, csrf_token_in(browser.get("/permohonan/baru").get_data(as_text=True))


def form_text(value: Any) -> str:
    """What a browser would send for a field: text, numbers as written."""
    if isinstance(value, str):
        return value[len(RAW):] if value.startswith(RAW) else value
    return json.dumps(value) if not isinstance(value, float) else repr(value)


@fixed_seed(150)
@given(document=request_documents(workday()), day=st.one_of(
    st.just(f"{workday()}"), st.sampled_from(EXTREME_DAYS), hostile_text))
def test_the_request_form_never_answers_5xx(staff: tuple[Browser, str], document: Any,
                                            day: str) -> None:
    browser, token = staff
    body = document if isinstance(document, dict) else {}
    contact = body.get("contact") if isinstance(body.get("contact"), dict) else {}
    fields = {"csrf_token": token, "day": day, "start": "09:00", "end": "12:00", "host": ""}
    for key in ("agency", "letter_number", "letter_date", "subject", "topic", "agenda",
                "participants", "srikandi_agenda"):
        if key in body:
            fields[key] = form_text(body[key])
    for key in ("name", "phone", "email"):
        if key in contact:
            fields[f"contact_{key}"] = form_text(contact[key])
    # Percent-encoded as a raw client may send it, lone surrogates included.
    encoded = urlencode(fields, encoding="utf-8", errors="surrogatepass")

    answer = browser.client.post("/permohonan/baru", data=encoded,
                                 content_type="application/x-www-form-urlencoded")

    assert answer.status_code < 500, answer.status_code


@pytest.fixture(scope="module")
def api_token(web: WebEnv) -> str:
    return web.api_token("requests:read", "requests:write")


@fixed_seed(150)
@given(document=request_documents(workday()))
@example(document=RAW + "[" * 100_000 + "]" * 100_000)
def test_the_api_never_answers_5xx(web: WebEnv, api_token: str, document: Any) -> None:
    answer = web.app.test_client().post(
        "/api/v1/permohonan", data=as_json(document), content_type="application/json",
        headers={"Authorization": f"Bearer {api_token}"})

    assert answer.status_code < 500, answer.get_data(as_text=True)[:300]


QUERY_VALUES = st.one_of(huge_int.map(form_text), st.sampled_from(EXTREME_DAYS), hostile_text)


@fixed_seed(150)
@given(url=st.sampled_from(["/permohonan", "/kalender", "/api/v1/permohonan", "/portal"]),
       name=st.sampled_from(["hal", "dari", "sampai", "tanggal", "q", "status", "opd",
                             "rentang"]), value=QUERY_VALUES)
def test_query_strings_never_answer_5xx(web: WebEnv, staff: tuple[Browser, str],
                                        api_token: str, url: str, name: str,
                                        value: str) -> None:
    query = f"{name}={quote(value, encoding='utf-8', errors='surrogatepass')}"
    if url.startswith("/api/"):
        answer = web.app.test_client().get(f"{url}?{query}",
                                           headers={"Authorization": f"Bearer {api_token}"})
    elif url == "/portal":
        answer = web.signed_in("opd").get(f"{url}?{query}")
    else:
        answer = staff[0].get(f"{url}?{query}")

    assert answer.status_code < 500, (url, query, answer.status_code)
