"""Signed download links and the JSON API: what a valid token opens, and the many ways a token
is refused (expired, tampered, ``alg: none``, the wrong kind, revoked, without the scope); the API's
answers and errors; and the ``token`` and ``user`` commands that manage them."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest
from click.testing import CliRunner, Result
from web_support import (
    AGENCY_A,
    AGENCY_B,
    PASSWORD,
    SECRET_KEY,
    WebEnv,
    WebFactory,
    text_of,
)
from werkzeug.test import TestResponse

from zoomsvc.cli.context import AppContext
from zoomsvc.cli.web_commands import token as token_command
from zoomsvc.cli.web_commands import user as user_command
from zoomsvc.store import accounts
from zoomsvc.tokens import issue_download_token

# Every test here runs on the test database: CI repeats them on PostgreSQL.
pytestmark = pytest.mark.uses_db


def b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned(payload: dict[str, Any]) -> str:
    """A token claiming ``alg: none``, written by hand: header.payload. with no signature."""
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}."


def payload_of(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def tampered_signature(token: str) -> str:
    head, body, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{head}.{body}.{flipped}"


def with_payload(token: str, **changes: Any) -> str:
    """The same header and signature over a changed payload."""
    head, _, signature = token.split(".")
    return f"{head}.{b64(payload_of(token) | changes)}.{signature}"


# --- download links ---------------------------------------------------------------------------

def sent_request(env: WebEnv, make_request: Callable[..., dict[str, Any]]) -> tuple[str, bytes]:
    code = env.submit(make_request())
    return code, env.to_sent(code)


def link_token(env: WebEnv, code: str, *, what: str = "ttd", minutes: float = 60,
               secret: str = SECRET_KEY, role: str = "opd") -> str:
    now = env.clock()
    return issue_download_token(secret, code=code, what=what, role=role, issued_at=now,
                                expires_at=now + timedelta(minutes=minutes))


def test_staff_make_a_link_that_opens_the_signed_letter_without_signing_in(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, signed = sent_request(web, make_request)
    staff = web.as_role("staf")

    made = staff.post(f"/permohonan/{code}/tautan/ttd", form_page=f"/permohonan/{code}")
    page = text_of(staff.get(made.headers["Location"]))
    found = re.search(r"http://zoom\.test(/unduh/[A-Za-z0-9._-]+)", page)
    assert found, page
    assert "berlaku 60 menit" in page

    answer = web.browser().get(found.group(1))

    assert answer.status_code == 200
    assert answer.data == signed
    assert answer.mimetype == "application/pdf"
    assert web.state_of(code) == "received"  # the agency took the letter (SOP step 10)


def test_a_link_opens_nothing_after_it_expires(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, _ = sent_request(web, make_request)
    token = link_token(web, code, minutes=web.config.web.download_link_minutes)
    anonymous = web.browser()
    assert anonymous.get(f"/unduh/{token}").status_code == 200

    web.clock.advance(minutes=web.config.web.download_link_minutes, seconds=1)

    assert anonymous.get(f"/unduh/{token}").status_code == 403


def test_a_link_issued_already_expired_is_refused(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, _ = sent_request(web, make_request)

    assert web.browser().get(f"/unduh/{link_token(web, code, minutes=-1)}").status_code == 403


@pytest.mark.parametrize("forge", [
    pytest.param(tampered_signature, id="tampered-signature"),
    pytest.param(lambda token: with_payload(token, sub="ZM-2026-0002"), id="other-request"),
    pytest.param(lambda token: with_payload(token, what="draf"), id="other-file"),
    pytest.param(lambda token: with_payload(token, exp=payload_of(token)["exp"] + 86400),
                 id="longer-life"),
    pytest.param(lambda token: unsigned(payload_of(token)), id="alg-none"),
    pytest.param(lambda token: token.rsplit(".", 1)[0] + ".", id="signature-removed"),
    pytest.param(lambda token: "bukan.token.sama-sekali", id="garbage"),
])
def test_a_forged_link_opens_nothing(web: WebEnv, make_request: Callable[..., dict[str, Any]],
                                     forge: Callable[[str], str]) -> None:
    code, _ = sent_request(web, make_request)
    web.submit(make_request(start="2026-11-25T09:00", end="2026-11-25T10:00"))
    token = link_token(web, code)

    answer = web.browser().get(f"/unduh/{forge(token)}")

    assert answer.status_code == 403
    assert answer.mimetype == "text/html"
    assert web.state_of(code) == "sent"


def test_a_link_signed_with_another_key_opens_nothing(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, _ = sent_request(web, make_request)

    token = link_token(web, code, secret="kunci-orang-lain-" + "y" * 32)

    assert web.browser().get(f"/unduh/{token}").status_code == 403


def test_a_link_for_an_internal_file_opens_nothing_even_when_validly_signed(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, _ = sent_request(web, make_request)

    for what in ("draf", "pdf", "pindaian"):
        answer = web.browser().get(f"/unduh/{link_token(web, code, what=what)}")
        assert answer.status_code == 403, what


def test_staff_cannot_make_a_link_for_an_internal_file(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, _ = sent_request(web, make_request)

    answer = web.as_role("staf").post(f"/permohonan/{code}/tautan/draf",
                                      form_page=f"/permohonan/{code}")

    assert answer.status_code == 400


def test_a_link_to_a_request_that_does_not_exist_is_404(web: WebEnv) -> None:
    assert web.browser().get(f"/unduh/{link_token(web, 'ZM-2026-9999')}").status_code == 404


def test_a_link_is_not_an_api_token_and_an_api_token_is_not_a_link(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, _ = sent_request(web, make_request)
    link = link_token(web, code)
    api = web.api_token("requests:read", "requests:write")

    as_api = api_call(web, "GET", "/api/v1/permohonan", link)
    as_link = web.browser().get(f"/unduh/{api}")

    assert as_api.status_code == 401
    assert as_api.json["error"]["field"] == "Authorization"
    assert as_link.status_code == 403


# --- the API ----------------------------------------------------------------------------------

def api_call(env: WebEnv, method: str, url: str, token: str | None, **kwargs: Any
             ) -> TestResponse:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return env.browser().client.open(url, method=method, headers=headers, **kwargs)


def writer(env: WebEnv) -> str:
    return env.api_token("requests:read", "requests:write")


def test_the_api_creates_a_request_and_answers_like_the_provision_command(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    token = writer(web)
    body = make_request()

    created = api_call(web, "POST", "/api/v1/permohonan", token, json=body)

    assert created.status_code == 201
    data = created.json
    assert set(data) == {"request", "outcome", "state", "meeting", "alternatives", "existing",
                         "letter"}
    assert data["outcome"] == "scheduled"
    assert data["state"] == "draft_ready"
    assert data["existing"] is False
    assert set(data["meeting"]) == {"id", "passcode", "join_url", "host", "start", "end"}
    assert data["meeting"]["start"] == "2026-11-24T09:00:00+08:00"
    assert re.fullmatch(r"000\.8\.3\.3/\d{4}/DKISP-APTIKA/XI/2026", data["letter"]["number"])
    assert "start_url" not in json.dumps(data)

    again = api_call(web, "POST", "/api/v1/permohonan", token, json=body)

    assert again.status_code == 200
    assert again.json["request"] == data["request"]
    assert again.json["existing"] is True
    assert again.json["meeting"] == data["meeting"]
    assert again.json["letter"] == data["letter"]


def test_the_api_answers_full_with_alternatives(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    token = writer(web)
    for _ in range(4):
        web.submit(make_request())

    answer = api_call(web, "POST", "/api/v1/permohonan", token, json=make_request())

    assert answer.status_code == 201
    assert answer.json["outcome"] == "full"
    assert answer.json["meeting"] is None
    assert answer.json["alternatives"][0] == {"start": "2026-11-24T12:30:00+08:00",
                                              "end": "2026-11-24T15:30:00+08:00",
                                              "host": "zoom1@kominfo.tarakankota.go.id"}


def test_the_api_gets_one_request_and_lists_by_status(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    token = writer(web)
    first = api_call(web, "POST", "/api/v1/permohonan", token, json=make_request()).json
    second = web.submit(make_request(start="2026-11-25T09:00", end="2026-11-25T10:00"))
    web.to_signed(second)

    one = api_call(web, "GET", f"/api/v1/permohonan/{first['request']}", token)
    listed = api_call(web, "GET", "/api/v1/permohonan", token)
    signed = api_call(web, "GET", "/api/v1/permohonan?status=signed", token)

    assert one.status_code == 200
    assert one.json["meeting"] == first["meeting"]
    assert listed.json["total"] == 2
    assert [item["request"] for item in listed.json["items"]] == [second, first["request"]]
    assert set(listed.json["items"][0]) == {"request", "agency", "state", "topic", "start",
                                            "end"}
    assert signed.json == {"total": 1, "page": 1, "items": [listed.json["items"][0]]}
    assert api_call(web, "GET", "/api/v1/permohonan/ZM-2026-9999", token).status_code == 404


@pytest.mark.parametrize(("change", "field"), [
    pytest.param({"topic": None}, "topic", id="missing-field"),
    pytest.param({"start": "24-11-2026 09:00"}, "start", id="bad-date"),
    pytest.param({"end": "2026-11-24T08:00"}, "end", id="end-before-start"),
    pytest.param({"start": "2026-11-20T09:00", "end": "2026-11-20T10:00"}, "start",
                 id="past-date"),
    pytest.param({"participants": "banyak"}, "participants", id="participants-not-a-number"),
    pytest.param({"contact": {"name": "Rina", "phone": "0812-5500-1234", "email": "x"}},
                 "contact.email",
                 id="bad-email"),
    pytest.param({"warna": "biru"}, "warna", id="unknown-field"),
    pytest.param({"agency": "Dinas Yang Tidak Ada"}, "agency", id="unknown-agency"),
])
def test_an_api_error_is_json_naming_the_field(
        web: WebEnv, make_request: Callable[..., dict[str, Any]], change: dict[str, Any],
        field: str) -> None:
    body = {key: value for key, value in (make_request() | change).items() if value is not None}

    answer = api_call(web, "POST", "/api/v1/permohonan", writer(web), json=body)

    assert answer.status_code == 400
    assert answer.is_json
    assert answer.json["error"]["field"] == field
    assert answer.json["error"]["message"]
    assert api_call(web, "GET", "/api/v1/permohonan", writer(web)).json["total"] == 0


@pytest.mark.parametrize("raw", [
    pytest.param(b"[1, 2, 3]", id="a-list"),
    pytest.param(b'"teks"', id="a-string"),
    pytest.param(b"{bukan json", id="not-json"),
    pytest.param(b"", id="empty"),
])
def test_an_api_body_that_is_not_an_object_is_refused(web: WebEnv, raw: bytes) -> None:
    answer = api_call(web, "POST", "/api/v1/permohonan", writer(web), data=raw,
                      content_type="application/json")

    assert answer.status_code == 400
    assert answer.json["error"]["field"] == "(permohonan)"


def expired_token(env: WebEnv) -> str:
    return env.api_token("requests:read", issued=env.clock() - timedelta(days=31), days=30)


def revoked_token(env: WebEnv) -> str:
    token = env.api_token("requests:read")
    with env.services.db.session() as session:
        record = accounts.find_token(session, payload_of(token)["jti"])
        assert record is not None
        record.revoked_at = env.clock()
    return token


def unrecorded_token(env: WebEnv) -> str:
    now = env.clock()
    return jwt.encode({"jti": "tidak-tercatat", "scope": "requests:read", "aud": "zoomsvc-api",
                       "iat": now, "exp": now + timedelta(days=1)}, SECRET_KEY,
                      algorithm="HS256")


@pytest.mark.parametrize("make", [
    pytest.param(lambda env: None, id="missing"),
    pytest.param(lambda env: "sampah", id="garbage"),
    pytest.param(expired_token, id="expired"),
    pytest.param(revoked_token, id="revoked"),
    pytest.param(unrecorded_token, id="never-recorded"),
    pytest.param(lambda env: unsigned(payload_of(env.api_token("requests:read"))),
                 id="alg-none"),
    pytest.param(lambda env: tampered_signature(env.api_token("requests:read")),
                 id="tampered"),
    pytest.param(lambda env: with_payload(env.api_token("requests:read"),
                                          scope="requests:read requests:write"),
                 id="scope-added"),
    pytest.param(lambda env: jwt.encode(payload_of(env.api_token("requests:read")),
                                        "kunci-lain-" + "z" * 32, algorithm="HS256"),
                 id="other-key"),
    pytest.param(lambda env: jwt.encode(payload_of(env.api_token("requests:read")),
                                        SECRET_KEY, algorithm="HS512"), id="other-algorithm"),
])
def test_the_api_refuses_a_bad_token_with_401_json(
        web: WebEnv, make: Callable[[WebEnv], str | None]) -> None:
    token = make(web)

    for method, url in (("GET", "/api/v1/permohonan"), ("GET", "/api/v1/permohonan/ZM-1"),
                        ("POST", "/api/v1/permohonan")):
        answer = api_call(web, method, url, token, json={})
        assert answer.status_code == 401, (method, url)
        assert answer.json["error"]["field"] == "Authorization"


def test_a_token_expires_on_the_services_clock(web: WebEnv) -> None:
    token = web.api_token("requests:read", days=1)
    assert api_call(web, "GET", "/api/v1/permohonan", token).status_code == 200

    web.clock.advance(days=1, seconds=1)

    answer = api_call(web, "GET", "/api/v1/permohonan", token)
    assert answer.status_code == 401
    assert "kedaluwarsa" in answer.json["error"]["message"]


def test_the_api_wants_a_bearer_token_not_other_schemes(web: WebEnv) -> None:
    token = web.api_token("requests:read")

    answer = web.browser().get("/api/v1/permohonan", headers={"Authorization": f"Basic {token}"})

    assert answer.status_code == 401


def test_a_read_only_token_cannot_create(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    token = web.api_token("requests:read")

    answer = api_call(web, "POST", "/api/v1/permohonan", token, json=make_request())

    assert answer.status_code == 403
    assert "requests:write" in answer.json["error"]["message"]
    assert api_call(web, "GET", "/api/v1/permohonan", token).json["total"] == 0


def test_a_write_only_token_cannot_read(web: WebEnv) -> None:
    token = web.api_token("requests:write")

    assert api_call(web, "GET", "/api/v1/permohonan", token).status_code == 403


def test_the_api_needs_no_csrf_token_and_sets_no_cookie(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    answer = api_call(web, "POST", "/api/v1/permohonan", writer(web), json=make_request())

    assert answer.status_code == 201
    assert "Set-Cookie" not in answer.headers


# --- the commands -----------------------------------------------------------------------------

def run(env: WebEnv, command: Any, *args: str) -> Result:
    """Run a ``token``/``user`` subcommand on the web app's configuration, database and clock."""
    context = AppContext(None, config=env.config)
    context.__dict__["services"] = env.services
    return CliRunner().invoke(command, list(args), obj=context)


def test_token_create_makes_a_token_the_api_accepts(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    made = run(web, token_command, "create", "--name", "Portal Kota", "--scope", "requests:read",
               "--scope", "requests:write", "--opd", AGENCY_A, "--days", "7")

    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    claims = payload_of(token)
    assert claims["agency"] == AGENCY_A
    assert claims["scope"] == "requests:read requests:write"
    assert claims["exp"] - claims["iat"] == 7 * 86400
    assert f"id {claims['jti']}" in made.stderr
    answer = api_call(web, "POST", "/api/v1/permohonan", token, json=make_request())
    assert answer.status_code == 201


def test_token_create_defaults_to_read_only(web: WebEnv) -> None:
    made = run(web, token_command, "create", "--name", "Dasbor Wali Kota")

    token = made.stdout.strip()
    assert payload_of(token)["scope"] == "requests:read"
    assert payload_of(token)["exp"] - payload_of(token)["iat"] == \
        web.config.web.api_token_days * 86400
    assert api_call(web, "POST", "/api/v1/permohonan", token, json={}).status_code == 403


def test_token_list_shows_tokens_without_their_secret_and_revoke_stops_one(web: WebEnv) -> None:
    token = run(web, token_command, "create", "--name", "Portal Kota").stdout.strip()
    jti = payload_of(token)["jti"]

    listed = [json.loads(line) for line in
              run(web, token_command, "list").stdout.splitlines()]

    assert listed == [{"id": jti, "name": "Portal Kota", "scopes": "requests:read", "opd": None,
                       "expires": listed[0]["expires"], "revoked": False}]
    assert token not in run(web, token_command, "list").output
    revoked = run(web, token_command, "revoke", jti)
    assert revoked.exit_code == 0
    assert json.loads(run(web, token_command, "list").stdout)["revoked"] is True
    assert api_call(web, "GET", "/api/v1/permohonan", token).status_code == 401
    missing = run(web, token_command, "revoke", "tidak-ada")
    assert missing.exit_code == 1
    assert "tidak ada" in missing.output


def test_token_create_needs_the_signing_key(web_factory: WebFactory) -> None:
    env = web_factory(web={"secret_key": ""})

    made = run(env, token_command, "create", "--name", "Portal")

    assert made.exit_code == 2
    assert "web.secret_key" in made.output


def test_user_add_creates_an_account_that_can_sign_in(web: WebEnv) -> None:
    added = run(web, user_command, "add", "Sari", "--name", "Sari Staf", "--role", "staf",
                "--password", "kata-sandi-sari-123")

    assert added.exit_code == 0, added.output
    assert "sari" in added.output
    assert web.browser().login("sari", "kata-sandi-sari-123").status_code == 302
    listed = [json.loads(line) for line in run(web, user_command, "list").stdout.splitlines()]
    assert {"username": "sari", "name": "Sari Staf", "role": "staf", "opd": None,
            "active": True} in listed
    assert PASSWORD not in run(web, user_command, "list").output


def test_user_add_makes_an_opd_account_bound_to_its_agency(web: WebEnv) -> None:
    added = run(web, user_command, "add", "operator-disdik", "--name", "Operator", "--role",
                "opd", "--opd", AGENCY_B, "--password", "kata-sandi-opd-123")

    assert added.exit_code == 0, added.output
    browser = web.browser()
    assert browser.login("operator-disdik", "kata-sandi-opd-123").headers["Location"] == \
        "/portal"
    assert AGENCY_B in text_of(browser.get("/portal"))


@pytest.mark.parametrize(("args", "words"), [
    pytest.param(["--role", "staf", "--password", "pendek"], "minimal 10", id="short-password"),
    pytest.param(["--role", "opd", "--password", "kata-sandi-panjang"], "--opd",
                 id="opd-without-agency"),
    pytest.param(["--role", "staf", "--opd", AGENCY_A, "--password", "kata-sandi-panjang"],
                 "hanya untuk peran opd", id="agency-for-staff"),
    pytest.param(["--role", "opd", "--opd", "Dinas Entah", "--password", "kata-sandi-panjang"],
                 "tidak ada dalam [[opd]]", id="unknown-agency"),
    pytest.param(["--role", "raja", "--password", "kata-sandi-panjang"], "raja",
                 id="unknown-role"),
])
def test_user_add_refuses_bad_accounts(web: WebEnv, args: list[str], words: str) -> None:
    added = run(web, user_command, "add", "baru", "--name", "Orang Baru", *args)

    assert added.exit_code == 2
    assert words in added.output
    assert web.browser().login("baru", "kata-sandi-panjang").status_code == 401


def test_user_add_refuses_an_existing_name(web: WebEnv) -> None:
    added = run(web, user_command, "add", "RINA", "--name", "Rina Lain", "--role", "staf",
                "--password", "kata-sandi-panjang")

    assert added.exit_code == 1
    assert "sudah ada" in added.output


def test_user_disable_signs_the_account_out_everywhere(web: WebEnv) -> None:
    staff = web.as_role("staf")

    disabled = run(web, user_command, "disable", "rina")

    assert disabled.exit_code == 0
    assert staff.get("/dasbor").headers["Location"].startswith("/masuk")
    assert web.browser().login("rina").status_code == 401
    listed = [json.loads(line) for line in run(web, user_command, "list").stdout.splitlines()]
    assert next(row for row in listed if row["username"] == "rina")["active"] is False
    assert run(web, user_command, "disable", "tidak-ada").exit_code == 1
