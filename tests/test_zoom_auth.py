"""The access-token cache: one token per process, shared by threads, refreshed before expiry."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import responses
from zoom_support import API, MEETING_ID, TOKEN, FakeTime, add_token, make_client, meeting_json

from zoomsvc.zoom.auth import REFRESH_MARGIN_S, TokenCache


class CountingFetch:
    """A token source that hands out ``token-1``, ``token-2``... with a fixed lifetime."""

    def __init__(self, lifetime: float = 3600.0) -> None:
        self.lifetime = lifetime
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> tuple[str, float]:
        with self._lock:
            self.calls += 1
            return f"token-{self.calls}", self.lifetime


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_the_first_get_fetches_a_token_and_later_gets_reuse_it():
    fetch, fake = CountingFetch(), FakeTime()
    cache = TokenCache(fetch, clock=fake.clock)
    assert [cache.get() for _ in range(5)] == ["token-1"] * 5
    assert fetch.calls == 1
    assert cache.requests == 1


def test_the_token_is_refreshed_sixty_seconds_before_it_expires():
    fetch, fake = CountingFetch(lifetime=3600), FakeTime()
    cache = TokenCache(fetch, clock=fake.clock)
    cache.get()
    fake.advance(3600 - REFRESH_MARGIN_S - 0.5)
    assert cache.get() == "token-1"
    fake.advance(0.5)
    assert cache.get() == "token-2"
    assert REFRESH_MARGIN_S == 60


def test_a_short_lived_token_is_refreshed_at_half_its_life():
    fetch, fake = CountingFetch(lifetime=100), FakeTime()
    cache = TokenCache(fetch, clock=fake.clock)
    cache.get()
    fake.advance(49)
    assert cache.get() == "token-1"
    fake.advance(1)
    assert cache.get() == "token-2"


def test_invalidating_the_current_token_forces_a_new_one():
    fetch, fake = CountingFetch(), FakeTime()
    cache = TokenCache(fetch, clock=fake.clock)
    cache.invalidate(cache.get())
    assert cache.get() == "token-2"


def test_invalidating_a_token_another_thread_already_replaced_keeps_the_new_one():
    fetch, fake = CountingFetch(), FakeTime()
    cache = TokenCache(fetch, clock=fake.clock)
    old = cache.get()
    cache.invalidate(old)
    assert cache.get() == "token-2"
    cache.invalidate(old)  # a second thread reporting the same dead token
    assert cache.get() == "token-2"
    assert fetch.calls == 2


def test_a_failed_fetch_leaves_no_token_behind_and_the_next_get_tries_again():
    fake = FakeTime()
    answers = iter([RuntimeError("down"), ("token-ok", 3600.0)])

    def fetch() -> tuple[str, float]:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    cache = TokenCache(fetch, clock=fake.clock)
    with pytest.raises(RuntimeError):
        cache.get()
    assert cache.get() == "token-ok"
    assert cache.requests == 1


def test_threads_racing_for_a_cold_cache_cause_one_fetch():
    fake = FakeTime()
    calls = 0
    gate = threading.Barrier(8)

    def slow_fetch() -> tuple[str, float]:
        nonlocal calls
        calls += 1
        return "shared", 3600.0

    cache = TokenCache(slow_fetch, clock=fake.clock)

    def worker() -> str:
        gate.wait()
        return cache.get()

    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda _: worker(), range(8)))
    assert tokens == ["shared"] * 8
    assert calls == 1


def test_a_hundred_calls_from_several_threads_cost_one_token_request(rsps):
    add_token(rsps)
    rsps.add(responses.GET, f"{API}/meetings/{MEETING_ID}", json=meeting_json())
    client = make_client(FakeTime())
    with ThreadPoolExecutor(max_workers=6) as pool:
        meetings = list(pool.map(lambda _: client.get_meeting(MEETING_ID), range(100)))
    assert all(m.id == MEETING_ID for m in meetings)
    assert client.token_requests == 1
    oauth_calls = [c for c in rsps.calls if "oauth/token" in c.request.url]
    assert len(oauth_calls) == 1
    api = [c for c in rsps.calls if c.request.url.startswith(API)]
    assert len(api) == 100
    assert {c.request.headers["Authorization"] for c in api} == {f"Bearer {TOKEN}"}


def test_a_call_after_the_refresh_point_uses_a_fresh_token(rsps):
    add_token(rsps, "first-token")
    add_token(rsps, "second-token")
    rsps.add(responses.GET, f"{API}/meetings/{MEETING_ID}", json=meeting_json())
    fake = FakeTime()
    client = make_client(fake)
    client.get_meeting(MEETING_ID)
    fake.advance(3600 - 61)
    client.get_meeting(MEETING_ID)
    assert client.token_requests == 1
    fake.advance(2)  # now inside the last minute of the first token's life
    client.get_meeting(MEETING_ID)
    assert client.token_requests == 2
    headers = [c.request.headers["Authorization"] for c in rsps.calls
               if c.request.url.startswith(API)]
    assert headers == ["Bearer first-token", "Bearer first-token", "Bearer second-token"]
