"""The cleanup never cuts off a running meeting: not one Zoom's webhook said started (and not
ended), not one Zoom reports as ``started`` when asked just before the DELETE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from conftest import NOW, Clock
from lifecycle_support import live_on_sandbox, meeting_event, seed, signed, state_of
from sandbox_support import make_sandbox

from zoomsvc.lifecycle import Cleaner, PoolFacts, handle_webhook
from zoomsvc.lifecycle.cleanup import STARTED_TRUST
from zoomsvc.store import Database
from zoomsvc.workflow import State
from zoomsvc.zoom import ZoomClient
from zoomsvc.zoom.sandbox import SandboxServer

TUESDAY_9 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
END = TUESDAY_9 + timedelta(hours=1)
GRACE = timedelta(hours=2)
SECRET = "sandbox-webhook-secret"
FACTS = PoolFacts({}, ZoneInfo("Asia/Makassar"), "WITA")


@pytest.fixture
def cleaner(db: Database, client: ZoomClient, clock: Clock) -> Cleaner:
    return Cleaner(db, client, clock=clock, grace=GRACE)


def webhook(db: Database, clock: Clock, event: str, zoom_id: int) -> None:
    raw, headers = signed(meeting_event(event, zoom_id, int(clock.now.timestamp() * 1000)),
                          at=clock.now)
    status, _ = handle_webhook(raw, headers, secret=SECRET, db=db, clock=clock, facts=FACTS)
    assert status == 200


def set_status(sandbox: SandboxServer, zoom_id: int, status: str) -> None:
    requests.post(f"{sandbox.url}/_sandbox/meetings/{zoom_id}/status", json={"status": status},
                  timeout=5).raise_for_status()


def test_a_meeting_the_webhook_said_started_and_not_ended_is_not_deleted(
        db: Database, sandbox: SandboxServer, cleaner: Cleaner, clock: Clock) -> None:
    item = seed(db, sandbox.url, state=State.SENT, start=TUESDAY_9, now=NOW)
    assert item.zoom_id is not None
    clock.now = TUESDAY_9 + timedelta(minutes=2)
    webhook(db, clock, "meeting.started", item.zoom_id)
    clock.now = END + GRACE  # the workshop overran: still going

    summary = cleaner.run()

    assert (summary.skipped, summary.deleted) == (1, 0)
    assert item.zoom_id in live_on_sandbox(sandbox.url)
    assert state_of(db, item.code) == "sent"
    webhook(db, clock, "meeting.ended", item.zoom_id)
    assert cleaner.run().deleted == 1
    assert item.zoom_id not in live_on_sandbox(sandbox.url)


def test_a_meeting_zoom_says_is_started_is_skipped_and_deleted_by_a_later_run(
        db: Database, sandbox: SandboxServer, cleaner: Cleaner, clock: Clock) -> None:
    item = seed(db, sandbox.url, state=State.SENT, start=TUESDAY_9, now=NOW)
    assert item.zoom_id is not None
    set_status(sandbox, item.zoom_id, "started")  # no webhook came
    clock.now = END + GRACE

    summary = cleaner.run()

    assert summary.as_dict() == {"checked": 1, "deleted": 0, "already_gone": 0, "failed": 0,
                                 "skipped": 1}
    assert item.zoom_id in live_on_sandbox(sandbox.url)
    set_status(sandbox, item.zoom_id, "waiting")
    assert cleaner.run().deleted == 1
    assert state_of(db, item.code) == "done"


def test_a_started_webhook_whose_end_never_came_stops_trusting_after_a_day(
        db: Database, sandbox: SandboxServer, cleaner: Cleaner, clock: Clock) -> None:
    item = seed(db, sandbox.url, state=State.SENT, start=TUESDAY_9, now=NOW)
    assert item.zoom_id is not None
    clock.now = TUESDAY_9
    webhook(db, clock, "meeting.started", item.zoom_id)
    clock.now = END + STARTED_TRUST - timedelta(seconds=1)
    assert cleaner.run().skipped == 1
    clock.now = END + STARTED_TRUST  # Zoom itself says the meeting is not running
    assert cleaner.run().deleted == 1


def test_the_sandbox_answers_a_meetings_status_and_lets_tests_start_it() -> None:
    box = make_sandbox()
    meeting_id = box.create_ok()["id"]
    assert box.get(f"/v2/meetings/{meeting_id}").get_json()["status"] == "waiting"
    answer = box.client.post(f"/_sandbox/meetings/{meeting_id}/status",
                             json={"status": "started"})
    assert answer.status_code == 200
    assert box.get(f"/v2/meetings/{meeting_id}").get_json()["status"] == "started"
    assert box.client.post(f"/_sandbox/meetings/{meeting_id}/status",
                           json={"status": "ended"}).status_code == 400
    assert box.client.post("/_sandbox/meetings/1/status",
                           json={"status": "started"}).status_code == 400
