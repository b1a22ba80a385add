"""Shared fakes for the Zoom client tests: fake time, a configured client, canned Zoom answers.

Nothing here touches the network: every test registers its answers with ``responses`` and the
client gets a fake monotonic clock and a recording ``sleep`` so no test really waits. The
fixtures ``rsps`` and ``fake`` are loaded for every test module by ``tests/conftest.py``.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import responses

from zoomsvc.config import ZoomSettings, build_config, demo_document
from zoomsvc.zoom import ZoomClient

SETTINGS = build_config(demo_document(), {}, "test").zoom
API = SETTINGS.api_base_url.rstrip("/")
OAUTH = SETTINGS.oauth_url
TOKEN = "eyJ-test-access-token-DO-NOT-LOG"
MEETING_ID = 81234567890123  # beyond 32 bits: Zoom ids are int64
HOST = SETTINGS.hosts[0].user
TRACKING_ID = "v=2.0;clid=aw1;rid=WEB_4b1d3c0ffee"
START_URL = "https://zoom.us/s/81234567890123?zak=eyJzdGFydC11cmwtc2VjcmV0In0"
DAILY_LIMIT_MESSAGE = (
    "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests "
    "permitted for this particular user. You may resume these requests at GMT 00:00:00."
)
PER_SECOND_MESSAGE = (
    "You have reached the maximum per-second rate limit for this API. Try again later."
)


class FakeTime:
    """A monotonic clock that only moves when something sleeps (or a test advances it)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def settings(**changes: Any) -> ZoomSettings:
    """The demo configuration's Zoom settings, with ``changes`` applied."""
    return dataclasses.replace(SETTINGS, **changes)


def make_client(fake: FakeTime, zoom: ZoomSettings | None = None, seed: int = 7) -> ZoomClient:
    """A client on fake time with a seeded jitter source."""
    return ZoomClient(zoom or SETTINGS, clock=fake.clock, sleep=fake.sleep,
                      rng=random.Random(seed))


def add_token(rsps: responses.RequestsMock, token: str = TOKEN, expires_in: int = 3600) -> None:
    """Register one successful Server-to-Server OAuth answer."""
    rsps.add(responses.POST, OAUTH, status=200, json={
        "access_token": token, "token_type": "bearer", "expires_in": expires_in,
        "scope": "meeting:write:meeting:admin meeting:read:meeting:admin",
        "api_url": "https://api.zoom.us",
    })


def meeting_json(**changes: Any) -> dict[str, Any]:
    """A meeting as Zoom's create/get answers describe it."""
    body: dict[str, Any] = {
        "id": MEETING_ID,
        "uuid": "4444AAAiAAAAAiAiAiiAii==",
        "host_id": "KDcuGIm1QgePTO8WbOqwIQ",
        "host_email": HOST,
        "topic": "Rapat Koordinasi",
        "type": 2,
        "status": "waiting",
        "start_time": "2026-11-25T01:00:00Z",
        "duration": 60,
        "timezone": "Asia/Singapore",
        "agenda": "",
        "created_at": "2026-11-24T03:00:00Z",
        "start_url": START_URL,
        "join_url": "https://zoom.us/j/81234567890123?pwd=Zk9xUnQ",
        "password": "Zk9xUnQ2",
        "h323_password": "123456",
        "pstn_password": "123456",
        "encrypted_password": "Zk9xUnQencrypted",
        "pre_schedule": False,
        "settings": {"waiting_room": True, "join_before_host": False},
    }
    body.update(changes)
    return body


def zoom_error(code: int, message: str, **extra: Any) -> dict[str, Any]:
    """Zoom's JSON error body."""
    return {"code": code, "message": message, **extra}


def api_calls(rsps: responses.RequestsMock, method: str | None = None) -> list[Any]:
    """The recorded calls to the REST API (not to OAuth), optionally of one method."""
    return [c for c in rsps.calls if c.request.url.startswith(API)
            and (method is None or c.request.method == method)]


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """Zoom's answers, registered by the test; the token endpoint already answers."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        add_token(mock)
        yield mock


@pytest.fixture
def fake() -> FakeTime:
    """The client's clock and sleep: time moves only when the client sleeps."""
    return FakeTime()
