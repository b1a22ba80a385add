"""Who may open what: every route of the application × every role (and anonymous visitors).

The table below is checked against the application's ``url_map``: a route added without a row
here fails :func:`test_every_route_and_method_has_a_row_in_the_table`. Each POST carries a valid
CSRF token, so the role check, not CSRF, decides. Outcomes: a status code, ``LOGIN`` (a redirect
to the sign-in page) or a path (a redirect there).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, Clock
from web_support import (
    ACCOUNTS,
    SECRET_KEY,
    WebEnv,
    csrf_token_in,
    web_document,
    web_environment,
)

from zoomsvc.config import build_config, demo_document
from zoomsvc.tokens import issue_download_token
from zoomsvc.web import create_app
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

LOGIN = "LOGIN"
ROLES = (None, "staf", "subkoordinator", "kabid", "kadis", "admin", "opd", "opd_b")
STAFF = ("staf", "subkoordinator", "kabid", "kadis", "admin")
# The sign-in page, the front door, the QR verification page, signed download links, static
# files, the JSON API (bearer token) and Zoom's webhook (HMAC signature): nothing else.
PUBLIC = {"static", "auth.login", "auth.index", "verify.letter", "downloads.by_link",
          "api.create", "api.get_one", "api.list_all", "zoom_webhook.zoom_webhook"}
DETAIL = "/permohonan/{code}"


def table(anonymous: Any = LOGIN, *, staff: Any = 403, opd: Any = 403, opd_b: Any = None,
          **roles: Any) -> dict[str | None, Any]:
    """Expected outcome per role: ``staff`` for the office's roles unless named one by one,
    ``opd`` for agency A's account, ``opd_b`` (default: as ``opd``) for agency B's."""
    expected: dict[str | None, Any] = {None: anonymous, "opd": opd,
                                       "opd_b": opd if opd_b is None else opd_b}
    for role in STAFF:
        expected[role] = roles.get(role, staff)
    return expected


def only(roles: tuple[str, ...], allowed: Any) -> dict[str | None, Any]:
    """``allowed`` for these roles, 403 for every other signed-in role."""
    return table(**{role: allowed for role in roles})


@dataclass(frozen=True)
class Case:
    """One sample request to a route: URL template, form data, and the outcome per role."""

    url: str
    expected: dict[str | None, Any]
    data: dict[str, Any] = field(default_factory=dict)
    fresh: bool = False  # needs its own session (signing out ends it)
    label: str = ""


EVERYONE_200 = dict.fromkeys(ROLES, 200)
CASES: dict[tuple[str, str], list[Case]] = {
    ("static", "GET"): [Case("/static/style.css", EVERYONE_200),
                        Case("/static/app.js", EVERYONE_200, label="js")],
    ("auth.login", "GET"): [Case("/masuk", EVERYONE_200)],
    ("auth.login", "POST"): [Case("/masuk", dict.fromkeys(ROLES, 401),
                                  {"username": "tidak-ada", "password": "salah"})],
    ("auth.logout", "POST"): [Case("/keluar", dict.fromkeys(ROLES, LOGIN), fresh=True)],
    ("auth.index", "GET"): [Case("/", table("/masuk", staff="/dasbor", opd="/portal"))],
    ("pages.dashboard", "GET"): [Case("/dasbor", table(staff=200))],
    ("pages.request_list", "GET"): [Case("/permohonan?status=draft_ready", table(staff=200))],
    ("pages.new_request", "GET"): [Case("/permohonan/baru", only(("staf", "subkoordinator"),
                                                                  200))],
    # An empty form: the entry roles get it back with its errors.
    ("pages.new_request", "POST"): [Case("/permohonan/baru",
                                         only(("staf", "subkoordinator"), 400))],
    ("pages.detail", "GET"): [Case(DETAIL, table(staff=200, opd=200, opd_b=404))],
    # The actions answer with a redirect to the request's page (their refusals are flashed).
    ("actions.retry", "POST"): [Case(DETAIL + "/ulang", only(("staf", "subkoordinator"),
                                                              DETAIL))],
    ("actions.use_slot", "POST"): [Case(DETAIL + "/alternatif/0",
                                        only(("staf", "subkoordinator"), DETAIL))],
    # No meeting was deleted outside: the service refuses, the role may still try.
    ("actions.recreate", "POST"): [Case(DETAIL + "/buat-ulang", only(("staf", "subkoordinator"),
                                                                      DETAIL))],
    ("actions.rerender", "POST"): [Case(DETAIL + "/susun", only(("staf", "subkoordinator"),
                                                                 DETAIL))],
    # Returning without a note is refused by the service: the state stays for the next case.
    ("actions.review", "POST"): [Case(DETAIL + "/periksa", only(("kabid",), DETAIL),
                                      {"keputusan": "kembali", "note": ""})],
    ("actions.sign", "POST"): [Case(DETAIL + "/tandatangan", only(("kadis",), DETAIL))],
    ("actions.send", "POST"): [Case(DETAIL + "/kirim", only(("staf", "subkoordinator",
                                                              "kadis"), DETAIL))],
    # An attention flag that does not exist: closing it is still the role's to try.
    ("actions.resolve_flag", "POST"): [Case(DETAIL + "/perhatian/999/selesai",
                                            only(("staf", "subkoordinator", "kabid", "admin"),
                                                 DETAIL))],
    ("calendar.grid", "GET"): [Case("/kalender?tanggal=2026-11-24", table(staff=200))],
    ("calendar.data", "GET"): [Case("/kalender/data?dari=2026-11-23&sampai=2026-11-29",
                                    table(staff=200))],
    ("portal.index", "GET"): [Case("/portal", table(opd=200))],
    ("verify.letter", "GET"): [Case("/verifikasi/{verify}", EVERYONE_200)],
    ("downloads.download", "GET"): [
        # The invitation carries the passcode: the agency gets it once the letter is sent.
        Case(DETAIL + "/unduh/ics", table(staff=200, opd=403, opd_b=404), label="ics"),
        Case("/permohonan/{signed}/unduh/ttd", table(staff=200, opd=200, opd_b=404),
             label="signed"),
        Case(DETAIL + "/unduh/draf", table(staff=200, opd=403, opd_b=404), label="draft"),
        Case("/permohonan/{signed}/unduh/final", table(staff=200, opd=403, opd_b=404),
             label="record"),
    ],
    ("downloads.make_link", "POST"): [Case("/permohonan/{signed}/tautan/ttd",
                                           table(staff="/permohonan/{signed}"))],
    ("downloads.by_link", "GET"): [Case("/unduh/{link}", EVERYONE_200)],
    # The API takes a bearer token only: a signed-in browser session is not enough.
    ("api.create", "POST"): [Case("/api/v1/permohonan", dict.fromkeys(ROLES, 401))],
    ("api.get_one", "GET"): [Case("/api/v1/permohonan/{code}", dict.fromkeys(ROLES, 401))],
    ("api.list_all", "GET"): [Case("/api/v1/permohonan", dict.fromkeys(ROLES, 401))],
    # Changes: each sample is refused by the service (no data, no reason), so the request stays.
    ("changes.reschedule", "POST"): [Case(DETAIL + "/jadwal-baru",
                                          only(("staf", "subkoordinator"), DETAIL))],
    ("changes.edit", "POST"): [Case(DETAIL + "/ubah-data",
                                    only(("staf", "subkoordinator"), DETAIL))],
    ("changes.cancel", "POST"): [Case(DETAIL + "/batalkan",
                                      only(("staf", "subkoordinator", "kabid", "admin"), DETAIL),
                                      {"reason": ""})],
    ("changes.dismiss", "POST"): [Case(DETAIL + "/permintaan/999/tutup",
                                       only(("staf", "subkoordinator"), DETAIL))],
    ("changes.ask", "POST"): [Case(DETAIL + "/minta", table(opd=DETAIL, opd_b=404),
                                   {"kind": "ubah", "note": ""})],
    ("changes.choose", "POST"): [Case(DETAIL + "/pilih/99", table(opd=DETAIL, opd_b=404))],
    ("inbox.index", "GET"): [Case("/tugas", table(staff=200, opd=200))],
    ("inbox.preference", "POST"): [Case("/tugas/surel", table(staff="/tugas", opd="/tugas"),
                                        {"notify": "1"})],
    # Zoom's webhook answers to Zoom's signature alone; a session (or its absence) changes nothing.
    ("zoom_webhook.zoom_webhook", "POST"): [Case("/zoom/webhook", dict.fromkeys(ROLES, 401),
                                                 {"event": "meeting.deleted"})],
}


def app_routes() -> set[tuple[str, str]]:
    """Every (endpoint, method) the application answers (HEAD and OPTIONS aside)."""
    app = create_app(build_config(demo_document(), {}, source="test"))
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}


def test_every_route_and_method_has_a_row_in_the_table() -> None:
    routes = app_routes()

    assert routes - set(CASES) == set(), "routes without access expectations"
    assert set(CASES) - routes == set(), "expectations for routes that no longer exist"


def test_only_the_public_routes_let_anonymous_visitors_in() -> None:
    open_to_anonymous = {endpoint for (endpoint, _), cases in CASES.items()
                         for case in cases if case.expected[None] != LOGIN}

    assert open_to_anonymous == PUBLIC


@dataclass
class Sample:
    """The environment and the values the URL templates need."""

    env: WebEnv
    values: dict[str, str]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    """One app for the whole table: a drafted request and a sent one of agency A."""
    tmp: Path = tmp_path_factory.mktemp("access")
    started = time.time()
    options = SandboxOptions(clock=lambda: NOW.timestamp() + time.time() - started)
    clock = Clock()
    with SandboxServer(options) as sandbox:
        # Every role's browser fails to sign in as the same unknown name: more often than an
        # account may fail before its attempts must wait (tests/test_web_signin_throttle.py).
        document = web_document(sandbox.url, f"sqlite:///{tmp / 'zoomsvc.db'}", tmp,
                                web={"login_max_failures": 20})
        with web_environment(document, sandbox, clock, tmp) as env:
            body: dict[str, Any] = {
                "agency": "Dinas Kesehatan", "letter_date": "2026-11-20",
                "subject": "Permohonan Fasilitasi Zoom Meeting", "topic": "Rapat Koordinasi",
                "participants": 50, "contact": {"name": "Rina", "phone": "0812-5500-1234",
                                                "email": "rina@dinkes.example.go.id"}}
            code = env.submit({**body, "letter_number": "440/1/2026",
                               "start": "2026-11-24T09:00", "end": "2026-11-24T10:00"})
            signed = env.submit({**body, "letter_number": "440/2/2026",
                                 "start": "2026-11-25T09:00", "end": "2026-11-25T10:00"})
            env.to_sent(signed)
            link = issue_download_token(SECRET_KEY, code=signed, what="ttd", role="opd",
                                        issued_at=clock(), expires_at=clock() + timedelta(
                                            days=30))
            yield Sample(env, {"code": code, "signed": signed, "link": link,
                               "verify": env.verify_token(signed)})


def params() -> Iterator[Any]:
    for (endpoint, method), cases in sorted(CASES.items()):
        for case in cases:
            for role in ROLES:
                name = f"{endpoint}-{method}{'-' + case.label if case.label else ''}-" \
                       f"{role or 'anonim'}"
                yield pytest.param(endpoint, method, case, role, id=name)


@pytest.mark.parametrize(("endpoint", "method", "case", "role"), list(params()))
def test_route_answers_each_role_as_designed(sample: Sample, endpoint: str, method: str,
                                             case: Case, role: str | None) -> None:
    env = sample.env
    url = case.url.format(**sample.values)
    path = url.split("?")[0]
    assert env.app.url_map.bind("localhost").match(path, method)[0] == endpoint
    browser = env.as_role(role) if case.fresh else env.signed_in(role)

    if method == "GET":
        answer = browser.get(url)
    else:
        token = csrf_token_in(browser.get("/masuk").get_data(as_text=True))
        answer = browser.client.post(url, data={**case.data, "csrf_token": token})

    expected = case.expected[role]
    if isinstance(expected, str):
        expected = expected.format(**sample.values)
    where = answer.headers.get("Location", "")
    if expected == LOGIN:
        assert (answer.status_code, where.split("?")[0]) == (302, "/masuk")
    elif isinstance(expected, str):
        assert (answer.status_code, where) == (302, expected)
    else:
        assert answer.status_code == expected, where
    if expected == 403:
        assert "tidak berwenang" in answer.get_data(as_text=True)


def test_the_sign_in_redirect_remembers_the_page(sample: Sample) -> None:
    answer = sample.env.browser().get("/permohonan?status=reviewed")

    assert answer.headers["Location"] == "/masuk?next=/permohonan?status%3Dreviewed"


def test_every_role_of_the_table_has_an_account() -> None:
    assert {role for role in ROLES if role} == set(ACCOUNTS)
