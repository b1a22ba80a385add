"""The sign-in throttle counts failures only and cannot lock out the office or an official:
behind a reverse proxy each client is counted by its own address (``web.trusted_proxies``),
nobody who has not failed is refused for others' failures, an account's attempts wait longer and
longer (up to a cap) instead of being locked, and a browser the official signed in from before
(signed device cookie) skips that wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import Clock
from web_support import PASSWORD, Browser, WebEnv, WebFactory, text_of
from werkzeug.test import TestResponse

from zoomsvc.config import ConfigError, build_config, demo_document
from zoomsvc.store import accounts
from zoomsvc.web import signin_guard
from zoomsvc.web.signin_guard import ADDRESS_LIMIT, DEVICE_COOKIE, SigninGuard

pytestmark = pytest.mark.uses_db

WRONG = "salah-sekali"
PROXY = "10.0.0.5"  # the reverse proxy: every request reaches the application from here


def user_id(env: WebEnv, username: str) -> int:
    with env.services.db.session() as session:
        row = accounts.find_user(session, username)
        assert row is not None
        return row.id


def behind_proxy(env: WebEnv, client_address: str) -> Browser:
    """A browser whose requests pass the proxy, which appends the client's address."""
    browser = env.browser(PROXY)
    browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
    return browser


def device_cookie(browser: Browser, env: WebEnv, username: str) -> str:
    cookie = browser.client.get_cookie(DEVICE_COOKIE.format(user_id=user_id(env, username)),
                                       path="/masuk")
    assert cookie is not None
    return cookie.value


def attack(env: WebEnv, username: str, times: int, address: str = "203.0.113.9") -> None:
    """``times`` bad guesses at an account from browsers that never signed in to it, each made
    as soon as the account's wait allows."""
    failed = 0
    while failed < times:
        answer = env.browser(address).login(username, WRONG)
        if answer.status_code == 429:
            env.clock.advance(seconds=int(answer.headers.get("Retry-After", 60)))
        else:
            assert answer.status_code == 401
            failed += 1


def must_wait(answer: TestResponse) -> int:
    assert answer.status_code == 429, answer.status_code
    assert "Terlalu banyak percobaan masuk yang gagal; tunggu" in text_of(answer)
    return int(answer.headers["Retry-After"])


# --- the office behind one address ------------------------------------------------------------

def test_behind_a_trusted_proxy_one_clients_guesses_do_not_stop_another(
        web_factory: WebFactory) -> None:
    env = web_factory(web={"trusted_proxies": 1})
    attacker = behind_proxy(env, "203.0.113.9")
    for name in ["hendra", *(f"tebakan{i}" for i in range(ADDRESS_LIMIT + 5))]:
        assert attacker.login(name, WRONG).status_code == 401

    # The attacker's address is over its limit: a name it already tried must wait ...
    assert attacker.login("hendra").status_code == 429
    # ... even when it sends its own X-Forwarded-For (the proxy appends the real address) ...
    forged = env.browser(PROXY)
    forged.client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7, 203.0.113.9"
    assert forged.login("hendra").status_code == 429
    # ... while a colleague behind the same proxy signs in to that very account at once.
    assert behind_proxy(env, "198.51.100.7").login("hendra").status_code == 302


def test_without_a_trusted_proxy_others_failures_never_refuse_a_correct_password(
        web: WebEnv) -> None:
    # Everyone shares the proxy's address: others mistype and guess well past the limit.
    for i in range(ADDRESS_LIMIT + 5):
        web.browser(PROXY).login(f"pegawai{i}", WRONG)

    for username in ("rina", "hendra", "kadis"):
        assert web.browser(PROXY).login(username).status_code == 302


def test_successful_sign_ins_are_never_counted(web: WebEnv) -> None:
    for _ in range(ADDRESS_LIMIT + 5):
        assert web.browser(PROXY).login("rina").status_code == 302
    attack(web, "hendra", 1, address=PROXY)

    assert web.browser(PROXY).login("hendra").status_code == 302


# --- the per-account delay ----------------------------------------------------------------------

def test_the_delay_doubles_with_every_failure_up_to_the_cap(web_factory: WebFactory) -> None:
    env = web_factory(web={"login_max_failures": 3, "login_lockout_minutes": 1})
    browser = env.browser()
    for _ in range(3):
        assert browser.login("rina", WRONG).status_code == 401

    waits = []
    for _ in range(7):
        wait = must_wait(browser.login("rina", WRONG))
        waits.append(wait)
        # While waiting even the right password is refused unseen, and the wait does not grow.
        assert must_wait(browser.login("rina")) == wait
        env.clock.advance(seconds=wait)
        assert browser.login("rina", WRONG).status_code == 401

    assert waits == [2, 4, 8, 16, 32, 60, 60]
    env.clock.advance(seconds=60)
    assert browser.login("rina").status_code == 302


def test_the_wait_shrinks_as_time_passes_and_says_so_in_indonesian(web: WebEnv) -> None:
    attack(web, "rina", web.config.web.login_max_failures + 3)  # waits 16 seconds
    web.clock.advance(seconds=10)

    answer = web.browser().login("rina")

    assert must_wait(answer) == 6
    assert "tunggu 6 detik lalu coba lagi" in text_of(answer)


def test_old_failures_are_forgotten_after_a_day(web: WebEnv) -> None:
    attack(web, "rina", web.config.web.login_max_failures + 20)  # waits the longest
    web.clock.advance(days=1, minutes=web.config.web.login_lockout_minutes)

    attack(web, "rina", 1)  # the first failure again, not the 26th

    assert web.browser().login("rina").status_code == 302


# --- the device cookie --------------------------------------------------------------------------

def test_the_official_signs_in_from_their_usual_browser_during_an_attack(web: WebEnv) -> None:
    laptop = web.browser("192.0.2.10")
    assert laptop.login("hendra").status_code == 302
    laptop.post("/keluar")

    attack(web, "hendra", 30)  # from elsewhere, never signed in to hendra

    assert laptop.login("hendra").status_code == 302
    assert must_wait(web.browser("192.0.2.10").login("hendra")) > 60  # a new browser waits
    # The official's success does not give the attacker fresh guesses.
    assert must_wait(web.browser().login("hendra", WRONG)) > 60


def test_a_known_browser_failing_too_often_loses_trust_until_it_succeeds(web: WebEnv) -> None:
    limit = web.config.web.login_max_failures
    laptop = web.browser()
    assert laptop.login("hendra").status_code == 302
    attack(web, "hendra", limit)
    # The trusted browser's own typos are counted against it, not against the account ...
    for _ in range(limit):
        assert laptop.login("hendra", WRONG).status_code == 401

    # ... and once too many, its cookie no longer skips the account's delay.
    wait = must_wait(laptop.login("hendra"))
    web.clock.advance(seconds=wait)
    assert laptop.login("hendra").status_code == 302
    attack(web, "hendra", limit)
    assert laptop.login("hendra").status_code == 302  # the new cookie is trusted again


def test_a_tampered_device_cookie_is_ignored(web: WebEnv) -> None:
    laptop = web.browser()
    assert laptop.login("hendra").status_code == 302
    name = DEVICE_COOKIE.format(user_id=user_id(web, "hendra"))
    value = device_cookie(laptop, web, "hendra")
    attack(web, "hendra", web.config.web.login_max_failures)

    forged = web.browser()
    forged.client.set_cookie(name, value[:-2] + ("AA" if value[-2:] != "AA" else "BB"),
                             path="/masuk")
    assert must_wait(forged.login("hendra")) >= 1
    copied = web.browser()
    copied.client.set_cookie(name, value, path="/masuk")
    assert copied.login("hendra").status_code == 302  # the genuine value does vouch


def test_a_device_cookie_vouches_only_for_its_own_account(web: WebEnv) -> None:
    rina_laptop = web.browser()
    assert rina_laptop.login("rina").status_code == 302
    attack(web, "hendra", web.config.web.login_max_failures)

    # Rina's cookie, renamed to the cookie name of hendra's account.
    borrowed = web.browser()
    borrowed.client.set_cookie(DEVICE_COOKIE.format(user_id=user_id(web, "hendra")),
                               device_cookie(rina_laptop, web, "rina"), path="/masuk")

    assert must_wait(borrowed.login("hendra")) >= 1


def test_a_device_cookie_expires(web: WebEnv) -> None:
    laptop = web.browser()
    assert laptop.login("hendra").status_code == 302
    web.clock.advance(days=signin_guard.DEVICE_DAYS + 1)
    attack(web, "hendra", web.config.web.login_max_failures)

    assert must_wait(laptop.login("hendra")) >= 1


# --- the form -----------------------------------------------------------------------------------

def test_an_empty_sign_in_form_is_answered_in_indonesian(web: WebEnv) -> None:
    answer = web.browser().post("/masuk", {"username": "", "password": ""})

    assert answer.status_code == 400
    assert "Nama pengguna wajib diisi." in text_of(answer)
    assert "Kata sandi wajib diisi." in text_of(answer)


def test_a_too_long_user_name_is_answered_in_indonesian(web: WebEnv) -> None:
    answer = web.browser().login("a" * 81, PASSWORD)

    assert answer.status_code == 400
    assert "Nama pengguna paling panjang 80 karakter." in text_of(answer)


# --- configuration and memory -------------------------------------------------------------------

@pytest.mark.parametrize("value", [-1, 6, "1"])
def test_trusted_proxies_is_a_small_count(value: object) -> None:
    document = demo_document("http://127.0.0.1:9")
    document["web"] = {"trusted_proxies": value}

    with pytest.raises(ConfigError) as caught:
        build_config(document, {}, source="test")

    assert caught.value.key == "web.trusted_proxies"


def guard(clock: Clock) -> SigninGuard:
    return SigninGuard(clock, "k" * 40, threshold=5, longest=timedelta(minutes=15),
                       secure_cookie=True)


def test_sprayed_user_names_cannot_grow_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signin_guard, "MAX_ENTRIES", 3)
    throttle = guard(Clock(datetime(2026, 3, 2, tzinfo=UTC)))
    for i in range(10):
        name = f"tebakan{i}"
        throttle.set_unknown_name(name, throttle.after_failure(throttle.unknown_name(name)))

    remembered = [i for i in range(10) if throttle.unknown_name(f"tebakan{i}").count]
    assert remembered == [7, 8, 9]


def test_unknown_names_are_forgotten_like_accounts() -> None:
    clock = Clock(datetime(2026, 3, 2, tzinfo=UTC))
    throttle = guard(clock)
    throttle.set_unknown_name("tebakan", throttle.after_failure(throttle.unknown_name("x")))
    assert throttle.unknown_name("tebakan").count == 1

    clock.advance(days=1, seconds=1)

    assert throttle.unknown_name("tebakan").count == 0
