"""The Zoom-call budget the leases are cut from: the transport never waits longer than it."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import requests
from zoom_support import FakeTime, settings

from zoomsvc.lifecycle.lock import LOCK_TTL
from zoomsvc.provisioning.service import INTENT_LEASE
from zoomsvc.workflow import TRANSITIONS, State
from zoomsvc.zoom import ZoomRateLimited, ZoomUnavailable
from zoomsvc.zoom.budget import ZOOM_CALL_BUDGET, worst_case_call
from zoomsvc.zoom.transport import ADAPTER_CONNECT_RETRIES, BACKOFF_CAP_S, Call, Transport


def answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None
           ) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers.update({"Content-Type": "application/json", **(headers or {})})
    return response


class SlowZoom:
    """A session whose every API attempt takes the longest the timeouts allow, then fails."""

    def __init__(self, fake: FakeTime, fail: str) -> None:
        self.fake, self.fail = fake, fail
        self.attempts = 0

    def post(self, *_args: Any, **_kwargs: Any) -> requests.Response:
        return answer(200, {"access_token": "t", "expires_in": 3600})

    def request(self, *_args: Any, timeout: tuple[float, float], **_kwargs: Any
                ) -> requests.Response:
        self.attempts += 1
        connect, read = timeout
        # Each attempt: the adapter's connection attempts, then the whole read timeout.
        self.fake.advance(connect * (ADAPTER_CONNECT_RETRIES + 1) + read)
        if self.fail == "timeout":
            raise requests.ReadTimeout("no answer")
        return answer(429, {"code": 429, "message": "too many"},
                      {"Retry-After": str(int(BACKOFF_CAP_S))})


@pytest.mark.parametrize("fail", ["timeout", "rate_limited"])
@pytest.mark.parametrize("retries", [0, 4, 10])
def test_one_call_never_outlasts_its_worst_case(fail: str, retries: int) -> None:
    zoom = settings(max_retries=retries, connect_timeout=5.0, read_timeout=20.0)
    fake = FakeTime()
    session = SlowZoom(fake, fail)
    transport = Transport(zoom, session=session, clock=fake.clock,  # type: ignore[arg-type]
                          sleep=fake.sleep, rng=random.Random(3))
    transport.tokens.get()  # the token is a call of its own; this one is counted apart
    started = fake.clock()
    with pytest.raises(ZoomUnavailable if fail == "timeout" else ZoomRateLimited):
        transport.send(Call("GET", "/meetings/1", "light"))
    assert session.attempts == retries + 1
    assert fake.clock() - started <= worst_case_call(zoom).total_seconds()


def test_the_default_settings_fit_the_declared_budget() -> None:
    assert worst_case_call(settings()) <= ZOOM_CALL_BUDGET
    assert worst_case_call(settings(read_timeout=60.0)) > ZOOM_CALL_BUDGET


def test_both_leases_outlast_two_calls_and_the_intent_ends_within_step_5() -> None:
    for lease in (INTENT_LEASE, LOCK_TTL):
        assert lease >= 2 * ZOOM_CALL_BUDGET
    limit = TRANSITIONS[(State.SCHEDULING, State.SCHEDULED)].sla
    assert limit is not None
    assert limit > INTENT_LEASE
