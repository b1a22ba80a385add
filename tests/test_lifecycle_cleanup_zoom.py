"""The cleanup against Zoom's answers as ``responses`` plays them: a GET of the status before each
DELETE, 404 as already gone, 429 storms (short and long), a running meeting, refused
credentials. No real waiting: the client runs on fake time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import responses
from conftest import NOW
from lifecycle_support import add_meeting, add_request, meeting_status, state_of
from zoom_support import (
    API,
    PER_SECOND_MESSAGE,
    FakeTime,
    add_token,
    api_calls,
    make_client,
    zoom_error,
)

from zoomsvc.lifecycle import Cleaner
from zoomsvc.store import Database
from zoomsvc.workflow import State

START = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
LATER = END + timedelta(hours=3)


def expired(db: Database, count: int) -> list[tuple[str, int]]:
    """``count`` sent requests whose meetings ended an hour before ``LATER`` minus grace."""
    items = []
    for i in range(count):
        code = add_request(db, state=State.SENT, start=START, end=END, now=NOW)
        zoom_id = 81234567890000 + i
        add_meeting(db, code, zoom_id=zoom_id, start=START, end=END, now=NOW)
        items.append((code, zoom_id))
    return items


def cleaner(db: Database, fake: FakeTime) -> Cleaner:
    return Cleaner(db, make_client(fake), clock=lambda: LATER, workers=1)


def url(zoom_id: int) -> str:
    return f"{API}/meetings/{zoom_id}"


def status(rsps: responses.RequestsMock, zoom_id: int, value: str = "waiting") -> None:
    """Zoom's answer to the GET the cleanup sends before a DELETE."""
    rsps.add(responses.GET, url(zoom_id), json={"id": zoom_id, "status": value})


def test_the_status_is_asked_before_each_delete_and_404_means_already_gone(
        db: Database) -> None:
    (gone_code, gone), (live_code, live) = expired(db, 2)
    with responses.RequestsMock() as rsps:
        add_token(rsps)
        rsps.add(responses.GET, url(gone), status=404,
                 json=zoom_error(3001, f"Meeting does not exist: {gone}."))
        status(rsps, live)
        rsps.add(responses.DELETE, url(live), status=204)
        summary = cleaner(db, FakeTime()).run()
        methods = [(c.request.method, c.request.url.split("?")[0]) for c in api_calls(rsps)]
        assert methods == [("GET", url(gone)), ("GET", url(live)), ("DELETE", url(live))]
        assert all("schedule_for_reminder=false" in c.request.url
                   for c in api_calls(rsps, "DELETE"))
    assert (summary.deleted, summary.already_gone, summary.failed) == (1, 1, 0)
    assert state_of(db, gone_code) == state_of(db, live_code) == "done"


def test_a_meeting_zoom_reports_as_started_is_skipped_not_deleted(db: Database) -> None:
    [(code, zoom_id)] = expired(db, 1)
    with responses.RequestsMock() as rsps:
        add_token(rsps)
        status(rsps, zoom_id, "started")
        summary = cleaner(db, FakeTime()).run()
        assert api_calls(rsps, "DELETE") == []
    assert (summary.skipped, summary.deleted, summary.failed) == (1, 0, 0)
    assert meeting_status(db, code) == ["live"]
    assert state_of(db, code) == "sent"


def test_a_short_429_storm_is_waited_out(db: Database) -> None:
    [(code, zoom_id)] = expired(db, 1)
    fake = FakeTime()
    with responses.RequestsMock() as rsps:
        add_token(rsps)
        status(rsps, zoom_id)
        for _ in range(3):
            rsps.add(responses.DELETE, url(zoom_id), status=429,
                     json=zoom_error(429, PER_SECOND_MESSAGE))
        rsps.add(responses.DELETE, url(zoom_id), status=204)
        summary = cleaner(db, fake).run()
    assert (summary.deleted, summary.failed) == (1, 0)
    assert len([s for s in fake.sleeps if s > 0]) >= 3  # backed off between attempts
    assert state_of(db, code) == "done"


def test_a_storm_longer_than_the_retries_fails_the_item_and_says_why(
        db: Database, caplog: pytest.LogCaptureFixture) -> None:
    [(code, zoom_id)] = expired(db, 1)
    with responses.RequestsMock() as rsps:
        add_token(rsps)
        status(rsps, zoom_id)
        rsps.add(responses.DELETE, url(zoom_id), status=429,
                 json=zoom_error(429, PER_SECOND_MESSAGE))
        summary = cleaner(db, FakeTime()).run()
        attempts = len(api_calls(rsps, "DELETE"))
    assert attempts == 5  # the first try and the client's four retries
    assert (summary.deleted, summary.failed) == (0, 1)
    assert meeting_status(db, code) == ["live"]
    assert state_of(db, code) == "sent"
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(code in m and "per-second rate limit" in m for m in errors)


def test_a_meeting_still_running_is_skipped_for_the_next_run(db: Database) -> None:
    [(code, zoom_id)] = expired(db, 1)
    with responses.RequestsMock() as rsps:
        add_token(rsps)
        status(rsps, zoom_id)
        rsps.add(responses.DELETE, url(zoom_id), status=400,
                 json=zoom_error(3002, "Sorry, you cannot delete this meeting since it is in "
                                       "progress."))
        summary = cleaner(db, FakeTime()).run()
    assert (summary.skipped, summary.failed) == (1, 0)
    assert meeting_status(db, code) == ["live"]


def test_refused_credentials_stop_the_run_after_the_first_failure(db: Database) -> None:
    items = expired(db, 3)
    with responses.RequestsMock() as rsps:
        add_token(rsps)
        rsps.add(responses.GET, url(items[0][1]), status=401,
                 json=zoom_error(4700, "Invalid access token, does not contain scopes."))
        summary = Cleaner(db, make_client(FakeTime()), clock=lambda: LATER, workers=1).run()
        assert len(api_calls(rsps)) == 1
    assert summary.failed == 1
    assert summary.checked < 3
    assert all(meeting_status(db, code) == ["live"] for code, _ in items)
