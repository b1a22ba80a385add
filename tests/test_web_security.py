"""Security of the web application: CSRF on every form, strict headers, cookie flags, sign-in
throttling that tells nobody which accounts exist, disabled accounts, redirects that never leave
the site, and user text that is always escaped."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from web_support import (
    ACCOUNTS,
    PASSWORD,
    Browser,
    WebEnv,
    WebFactory,
    csrf_token_in,
    form_fields,
    text_of,
)
from werkzeug.test import TestResponse

from zoomsvc.store import accounts
from zoomsvc.web.auth import hash_password
from zoomsvc.web.signin_guard import ADDRESS_LIMIT

# Every test here runs on the test database: CI repeats them on PostgreSQL.
pytestmark = pytest.mark.uses_db


def flash_text(response: TestResponse) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(
        r'<div class="flash[^"]*" role="status">(.*?)</div>', text_of(response), re.S)]


# --- CSRF -------------------------------------------------------------------------------------

def csrf_cases(code: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("/masuk", {"username": "rina", "password": PASSWORD}),
        ("/keluar", {}),
        ("/permohonan/baru", form_fields()),
        (f"/permohonan/{code}/periksa", {"keputusan": "setuju"}),
        (f"/permohonan/{code}/kirim", {}),
        (f"/permohonan/{code}/tautan/ttd", {}),
    ]


def test_a_post_without_a_csrf_token_is_refused(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    staff = web.signed_in("staf")

    for url, data in csrf_cases(code):
        answer = staff.post(url, data, csrf=False)
        assert answer.status_code == 400, url
        assert "Sesi Anda berakhir" in text_of(answer), url
        assert "CSRF" not in text_of(answer), url
    assert web.state_of(code) == "draft_ready"
    assert staff.get("/dasbor").status_code == 200  # still signed in: /keluar was refused too


def test_a_post_with_a_wrong_or_foreign_csrf_token_is_refused(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    kabid = web.as_role("kabid")
    foreign = web.as_role("staf").csrf()  # valid, but for another session

    for token in ("salah", foreign, kabid.csrf() + "x"):
        answer = kabid.post(f"/permohonan/{code}/periksa",
                            {"keputusan": "setuju", "csrf_token": token})
        assert answer.status_code == 400, token
    assert web.state_of(code) == "draft_ready"

    accepted = kabid.post(f"/permohonan/{code}/periksa", {"keputusan": "setuju"},
                          form_page=f"/permohonan/{code}")
    assert accepted.status_code == 302
    assert web.state_of(code) == "reviewed"


def test_signing_out_takes_a_post(web: WebEnv) -> None:
    staff = web.as_role("staf")

    assert staff.get("/keluar").status_code == 405
    assert staff.get("/dasbor").status_code == 200
    assert staff.post("/keluar").status_code == 302
    assert staff.get("/dasbor").headers["Location"].startswith("/masuk")


# --- headers and cookies ----------------------------------------------------------------------

def test_every_kind_of_response_carries_the_security_headers(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    staff = web.signed_in("staf")
    answers = [staff.get(url) for url in ("/masuk", "/dasbor", "/permohonan", f"/permohonan/{code}",
                                          "/permohonan/baru", "/kalender", "/tidak-ada",
                                          "/static/style.css", "/api/v1/permohonan")]
    answers.append(web.browser().get("/verifikasi/tidak-dikenal"))

    for answer in answers:
        csp = answer.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp
        assert "'unsafe-eval'" not in csp
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in answer.headers  # plain HTTP here


def test_pages_use_no_inline_script_or_style_the_policy_would_block(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    pages = [web.signed_in(role).get(url) for role, url in [
        ("staf", "/dasbor"), ("staf", "/permohonan"), ("staf", f"/permohonan/{code}"),
        ("staf", "/permohonan/baru"), ("staf", "/kalender?rentang=minggu"),
        ("kabid", f"/permohonan/{code}"), ("opd", "/portal"), (None, "/masuk")]]
    pages.append(web.browser().get(f"/verifikasi/{web.verify_token(code)}"))

    for page in pages:
        body = page.get_data(as_text=True)
        assert page.status_code == 200
        assert " style=" not in body
        assert "<style" not in body
        assert not re.search(r"<script(?![^>]*\bsrc=)", body)
        assert not re.search(r"\bon[a-z]+=", body)  # no inline event handlers


def set_cookies(answer: TestResponse) -> dict[str, str]:
    """The answer's Set-Cookie headers by cookie name (a sign-in sets the session cookie and
    the device cookie)."""
    return {header.partition("=")[0]: header for header in answer.headers.getlist("Set-Cookie")}


def test_the_session_cookie_is_http_only_and_same_site_lax(web: WebEnv) -> None:
    answer = web.browser().login("rina")

    cookies = set_cookies(answer)
    assert len(cookies) == 2
    assert "zoomsvc_session" in cookies
    assert any(name.startswith("zoomsvc_perangkat_") for name in cookies)
    for cookie in cookies.values():
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie


def test_the_session_cookie_is_secure_and_hsts_is_sent_behind_https(
        web_factory: WebFactory) -> None:
    env = web_factory(web={"session_cookie_secure": True})
    client = env.browser().client
    https = {"base_url": "https://zoom.test", "headers": {"Referer": "https://zoom.test/masuk"}}
    form = client.get("/masuk", **https)
    token = csrf_token_in(form.get_data(as_text=True))

    answer = client.post("/masuk", data={"username": "rina", "password": PASSWORD,
                                         "csrf_token": token}, **https)

    assert answer.status_code == 302
    cookies = set_cookies(answer)
    assert len(cookies) == 2
    for cookie in cookies.values():
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    assert client.get("/dasbor", **https).status_code == 200


# --- signing in -------------------------------------------------------------------------------

WRONG = "salah-sekali"


def failed_login(browser: Browser, username: str, password: str = WRONG) -> TestResponse:
    return browser.login(username, password)


def test_an_account_must_wait_after_repeated_failures_and_opens_again_later(
        web: WebEnv) -> None:
    browser = web.browser()
    limit = web.config.web.login_max_failures

    for _ in range(limit):
        assert failed_login(browser, "rina").status_code == 401
    waiting = browser.login("rina")  # the right password, but the account's attempts must wait

    assert waiting.status_code == 429
    assert int(waiting.headers["Retry-After"]) >= 1
    assert web.as_role("kabid").get("/dasbor").status_code == 200  # others need not wait
    web.clock.advance(seconds=int(waiting.headers["Retry-After"]))
    assert browser.login("rina").status_code == 302


def test_a_good_sign_in_forgets_earlier_failures(web: WebEnv) -> None:
    browser = web.browser()
    limit = web.config.web.login_max_failures
    for _ in range(limit - 1):
        failed_login(browser, "rina")
    assert web.browser().login("rina").status_code == 302

    for _ in range(limit - 1):
        failed_login(browser, "rina")

    assert web.browser().login("rina").status_code == 302


def answer_of(response: TestResponse) -> tuple[int, tuple[str, ...], str | None]:
    return response.status_code, tuple(flash_text(response)), response.headers.get("Retry-After")


def test_the_answer_never_tells_whether_an_account_exists(web: WebEnv) -> None:
    limit = web.config.web.login_max_failures
    with web.services.db.session() as session:
        row = accounts.find_user(session, "budi")
        assert row is not None
        row.active = False
    for name in ("hendra", "tidak-ada-yang-lain"):
        for _ in range(limit):
            failed_login(web.browser(f"192.0.2.{len(name)}"), name)  # both must now wait

    failures = {
        "wrong password": failed_login(web.browser(), "rina"),
        "unknown user": failed_login(web.browser(), "tidak-ada-orangnya"),
        "disabled account, right password": web.browser().login("budi"),
    }
    waits = {
        "waiting account, right password": web.browser().login("hendra"),
        "waiting unknown user": failed_login(web.browser(), "tidak-ada-yang-lain"),
    }

    seen = {answer_of(a) for a in failures.values()}
    assert seen == {(401, ("Nama pengguna atau kata sandi salah, atau akunnya tidak aktif.",),
                     None)}, {name: answer_of(a) for name, a in failures.items()}
    seen = {answer_of(a) for a in waits.values()}
    assert len(seen) == 1, {name: answer_of(a) for name, a in waits.items()}
    [(status, messages, _)] = seen
    assert status == 429
    assert messages[0].startswith("Terlalu banyak percobaan masuk yang gagal; tunggu")


def test_one_address_failing_too_often_must_wait_for_names_it_already_tried(
        web: WebEnv) -> None:
    attacker = web.browser("203.0.113.9")
    names = [f"tebakan{i}" for i in range(ADDRESS_LIMIT)]
    for name in names:
        assert failed_login(attacker, name).status_code == 401

    assert failed_login(attacker, "tebakan0").status_code == 429
    assert web.browser("198.51.100.7").login("rina").status_code == 302
    # An account that has not failed is not refused for the address's failures: behind a
    # reverse proxy the whole office shares that address.
    assert web.browser("203.0.113.9").login("hendra").status_code == 302


def test_an_office_behind_one_address_can_all_sign_in(web: WebEnv) -> None:
    for _ in range(ADDRESS_LIMIT + 5):
        assert web.browser("192.0.2.1").login("rina").status_code == 302


def test_usernames_are_matched_without_regard_to_case(web: WebEnv) -> None:
    assert web.browser().login("  RINA ").status_code == 302


def test_a_disabled_accounts_live_session_is_signed_out(web: WebEnv) -> None:
    staff = web.as_role("staf")
    assert staff.get("/dasbor").status_code == 200

    with web.services.db.session() as session:
        row = accounts.find_user(session, "rina")
        assert row is not None
        row.active = False

    answer = staff.get("/dasbor")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/masuk")
    assert staff.get("/permohonan").headers["Location"].startswith("/masuk")


def test_a_password_change_ends_the_other_sessions(web: WebEnv) -> None:
    staff = web.as_role("staf")
    with web.services.db.session() as session:
        row = accounts.find_user(session, "rina")
        assert row is not None
        row.password_hash = hash_password("kata-sandi-yang-baru-sekali")

    assert staff.get("/dasbor").headers["Location"].startswith("/masuk")
    assert web.browser().login("rina", "kata-sandi-yang-baru-sekali").status_code == 302


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example/", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "evil.example",
])
def test_sign_in_never_redirects_to_another_site(web: WebEnv, target: str) -> None:
    answer = web.browser().login("rina", next_url=quote(target, safe=""))

    assert answer.status_code == 302
    assert answer.headers["Location"] == "/dasbor"


def test_a_next_address_with_a_control_character_is_refused_outright(web: WebEnv) -> None:
    # Browsers drop a tab inside "/\t/evil.example" and read "//evil.example"; the guard
    # refuses control characters in the query before the sign-in sees them.
    browser = web.browser()
    url = "/masuk?next=" + quote("/\t/evil.example", safe="")
    token = browser.csrf()

    answer = browser.client.post(url, data={"username": "rina", "password": PASSWORD,
                                            "csrf_token": token})

    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert browser.get(url).status_code == 400


def test_sign_in_returns_to_the_page_that_asked_for_it(web: WebEnv) -> None:
    browser = web.browser()
    asked = browser.get("/permohonan?status=reviewed")
    assert asked.status_code == 302
    login_url = asked.headers["Location"]

    answer = browser.post(login_url, {"username": "rina", "password": PASSWORD},
                          form_page=login_url)

    assert answer.headers["Location"] == "/permohonan?status=reviewed"


def test_an_opd_account_lands_on_its_portal(web: WebEnv) -> None:
    assert web.browser().login(ACCOUNTS["opd"].username).headers["Location"] == "/portal"


# --- escaping ---------------------------------------------------------------------------------

SCRIPT = '<script>alert("x")</script>'


def test_user_text_is_escaped_on_every_page(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request(topic=f"Rapat {SCRIPT}", subject=f"Hal {SCRIPT}",
                                   contact={"name": f"Nama {SCRIPT}", "phone": "0812-5500-1234",
                                            "email": "rina@dinkes.example.go.id"}))
    kabid = web.as_role("kabid")
    kabid.post(f"/permohonan/{code}/periksa", {"keputusan": "kembali", "note": f"Catatan {SCRIPT}"},
               form_page=f"/permohonan/{code}")
    pages = {
        "detail": web.signed_in("staf").get(f"/permohonan/{code}"),
        "list": web.signed_in("staf").get("/permohonan?q=Rapat"),
        "dashboard": web.signed_in("staf").get("/dasbor"),
        "portal": web.signed_in("opd").get("/portal"),
        "search echo": web.signed_in("staf").get("/permohonan", query_string={"q": SCRIPT}),
    }

    for name, page in pages.items():
        body = page.get_data(as_text=True)
        assert page.status_code == 200, name
        assert "<script>alert" not in body, name
        assert "&lt;script&gt;" in body, name
    # The calendar gets titles as JSON, which the component writes as text, never as markup.
    data = web.signed_in("staf").get("/kalender/data?dari=2026-11-24&sampai=2026-11-24")
    assert data.mimetype == "application/json"
    assert any(SCRIPT in event["title"] for event in data.get_json()["events"])


def test_a_form_error_echoing_input_is_escaped(web: WebEnv) -> None:
    staff = web.as_role("staf")

    answer = staff.post("/permohonan/baru", form_fields(contact_email=SCRIPT),
                        form_page="/permohonan/baru")

    assert answer.status_code == 400
    assert "<script>alert" not in answer.get_data(as_text=True)
