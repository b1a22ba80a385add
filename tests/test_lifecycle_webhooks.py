"""Zoom's webhook: signatures, replays, malformed bodies, the URL validation challenge, and the
meeting events — applied once, in any order, never over newer state."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import NOW, Clock
from lifecycle_support import (
    SECRET,
    ZOOM1,
    add_meeting,
    add_request,
    audit_count,
    meeting_event,
    meeting_status,
    signed,
)
from sqlalchemy import select

from zoomsvc.lifecycle import PoolFacts, handle_webhook
from zoomsvc.lifecycle.refusals import RefusalCounter
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.models import Meeting, MeetingSync, WebhookEvent
from zoomsvc.workflow import State

START = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
END = START + timedelta(hours=3)
ZOOM_ID = 81234567890
TS = int(NOW.timestamp() * 1000)
FACTS = PoolFacts({ZOOM1: 1}, ZoneInfo("Asia/Makassar"), "WITA")


def call(db: Database, clock: Clock, body: dict[str, Any] | bytes, *,
         headers: dict[str, str] | None = None, secret: str = SECRET,
         signing_secret: str = SECRET, timestamp: str | None = None,
         refusals: RefusalCounter | None = None) -> tuple[int, dict[str, Any]]:
    raw, signed_headers = signed(body, at=clock.now, secret=signing_secret, timestamp=timestamp)
    return handle_webhook(raw, headers if headers is not None else signed_headers,
                          secret=secret, db=db, clock=clock, facts=FACTS, remote="203.0.113.9",
                          refusals=refusals)


def attempts(db: Database) -> list[WebhookEvent]:
    with db.session() as session:
        return list(session.scalars(select(WebhookEvent).order_by(WebhookEvent.id)))


@pytest.fixture
def meeting(db: Database) -> str:
    """A sent request with its live meeting (Tuesday 09.00–12.00 WITA on Zoom 1)."""
    code = add_request(db, state=State.SENT, start=START, end=END, now=NOW)
    add_meeting(db, code, zoom_id=ZOOM_ID, start=START, end=END, now=NOW)
    return code


def test_the_url_validation_answer_follows_zooms_algorithm(db: Database, clock: Clock) -> None:
    body = {"event": "endpoint.url_validation", "event_ts": TS,
            "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}}
    status, answer = call(db, clock, body)
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert status == 200
    assert answer == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}
    assert attempts(db)[-1].outcome == "validation"


def test_an_unsigned_url_validation_is_refused(db: Database, clock: Clock) -> None:
    body = json.dumps({"event": "endpoint.url_validation",
                       "payload": {"plainToken": "abc"}}).encode()
    status, answer = handle_webhook(body, {}, secret=SECRET, db=db, clock=clock)
    assert status == 401
    assert "encryptedToken" not in answer


@pytest.mark.parametrize(("headers", "reason"), [
    ({}, "tidak ada"),
    ({"x-zm-request-timestamp": "1"}, "tidak ada"),
    ({"x-zm-signature": "v0=" + "0" * 64, "x-zm-request-timestamp": "{now}"}, "tidak cocok"),
    ({"x-zm-signature": "v0=ünïcödé", "x-zm-request-timestamp": "{now}"}, "tidak cocok"),
])
def test_a_forged_or_unsigned_call_is_refused_counted_and_not_stored(
        db: Database, clock: Clock, meeting: str, headers: dict[str, str], reason: str) -> None:
    stamp = str(int(clock.now.timestamp()))
    filled = {k: v.replace("{now}", stamp) for k, v in headers.items()}
    events = audit_count(db)
    refusals = RefusalCounter()
    status, answer = call(db, clock, meeting_event("meeting.deleted", ZOOM_ID, TS),
                          headers=filled, refusals=refusals)
    assert status == 401
    assert reason in answer["error"]
    assert meeting_status(db, meeting) == ["live"]
    assert audit_count(db) == events
    assert attempts(db) == []
    assert refusals.by_reason() == {"bad_signature": 1}


def test_a_thousand_bad_calls_store_nothing_and_log_one_summary(
        db: Database, clock: Clock, meeting: str, caplog: pytest.LogCaptureFixture) -> None:
    refusals = RefusalCounter(monotonic=lambda: 100.0)  # no time passes: one log line at most
    body = meeting_event("meeting.deleted", ZOOM_ID, TS)
    stamp = str(int(clock.now.timestamp()))
    with caplog.at_level(logging.WARNING, logger="zoomsvc.lifecycle.webhooks"):
        for number in range(1000):
            headers = ({} if number % 3 == 0 else
                       {"x-zm-signature": "v0=" + "0" * 64, "x-zm-request-timestamp": stamp}
                       if number % 3 == 1 else None)
            status, _ = call(db, clock, body, headers=headers, signing_secret="wrong",
                             refusals=refusals)
            assert status == 401
    assert attempts(db) == []
    assert meeting_status(db, meeting) == ["live"]
    assert refusals.total == 1000
    assert len([r for r in caplog.records if "refused" in r.getMessage()]) == 1


def test_the_refusal_summary_is_logged_again_once_the_interval_has_passed(
        caplog: pytest.LogCaptureFixture) -> None:
    moment = [0.0]
    refusals = RefusalCounter(log_every_s=60, monotonic=lambda: moment[0])
    with caplog.at_level(logging.WARNING, logger="zoomsvc.lifecycle.webhooks"):
        for second in range(0, 150, 5):
            moment[0] = float(second)
            refusals.refuse("replayed", "203.0.113.9")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3  # at 0, 60 and 120 s
    assert "since start: replayed 25" in lines[-1]  # the call at 120 s is the 25th
    assert "12 call(s)" in lines[-1]
    assert refusals.total == 30


def test_a_body_signed_with_another_secret_is_refused(db: Database, clock: Clock,
                                                      meeting: str) -> None:
    status, _ = call(db, clock, meeting_event("meeting.deleted", ZOOM_ID, TS),
                     signing_secret="another-secret")
    assert status == 401
    assert meeting_status(db, meeting) == ["live"]


def test_a_changed_body_under_a_valid_signature_is_refused(db: Database, clock: Clock,
                                                           meeting: str) -> None:
    raw, headers = signed(meeting_event("meeting.started", ZOOM_ID, TS), at=clock.now)
    status, _ = handle_webhook(raw.replace(b"started", b"deleted"), headers, secret=SECRET,
                               db=db, clock=clock)
    assert status == 401
    assert meeting_status(db, meeting) == ["live"]


@pytest.mark.parametrize("age", [timedelta(minutes=5, seconds=1), timedelta(hours=2),
                                 -timedelta(minutes=6)])
def test_a_replay_older_or_newer_than_five_minutes_is_refused(
        db: Database, clock: Clock, meeting: str, age: timedelta) -> None:
    stamp = str(int((clock.now - age).timestamp()))
    refusals = RefusalCounter()
    status, _ = call(db, clock, meeting_event("meeting.deleted", ZOOM_ID, TS), timestamp=stamp,
                     refusals=refusals)
    assert status == 401
    assert meeting_status(db, meeting) == ["live"]
    assert attempts(db) == []
    assert refusals.by_reason() == {"replayed": 1}


def test_a_call_just_under_five_minutes_old_is_accepted(db: Database, clock: Clock,
                                                        meeting: str) -> None:
    stamp = str(int((clock.now - timedelta(minutes=4, seconds=59)).timestamp()))
    status, _ = call(db, clock, meeting_event("meeting.started", ZOOM_ID, TS), timestamp=stamp)
    assert status == 200


@pytest.mark.parametrize("body", [
    b"not json", b"[1, 2]", b'{"payload": {}}', b"\xff\xfe",
    json.dumps({"event": "meeting.deleted", "payload": {"object": {"id": 1}}}).encode(),
    json.dumps(meeting_event("meeting.deleted", "abc", TS)).encode(),
    json.dumps({"event": "meeting.deleted", "event_ts": TS, "payload": {}}).encode(),
    json.dumps({"event": "endpoint.url_validation", "payload": {}}).encode(),
])
def test_a_malformed_body_with_a_valid_signature_is_a_400(db: Database, clock: Clock,
                                                          body: bytes) -> None:
    status, answer = call(db, clock, body)
    assert status == 400
    assert "error" in answer
    assert attempts(db)[-1].outcome == "malformed"


def sync_row(db: Database) -> tuple[object, ...] | None:
    with db.session() as session:
        row = session.scalars(select(MeetingSync)).one_or_none()
        return None if row is None else (row.last_change_ts, row.last_status_ts,
                                          row.started_at, row.ended_at, row.zoom_topic)


@pytest.mark.parametrize(("body", "named"), [
    pytest.param(meeting_event("meeting.deleted", ZOOM_ID, 10**28), "event_ts", id="ts-1e28"),
    pytest.param(meeting_event("meeting.started", ZOOM_ID, -TS), "event_ts", id="ts-negative"),
    pytest.param(meeting_event("meeting.deleted", ZOOM_ID, str(10**28)), "event_ts",
                 id="ts-1e28-text"),
    pytest.param(meeting_event("meeting.deleted", 10**30, TS), "payload.object.id",
                 id="id-1e30"),
    pytest.param(meeting_event("meeting.deleted", str(10**30), TS), "payload.object.id",
                 id="id-1e30-text"),
    pytest.param(meeting_event("meeting.updated", ZOOM_ID, TS,
                               start_time="9999-12-31T09:00:00Z", duration=60),
                 "start_time", id="updated-9999"),
    pytest.param(meeting_event("meeting.updated", ZOOM_ID, TS,
                               start_time="0001-01-01T00:00:00Z"), "start_time",
                 id="updated-year-1"),
    pytest.param(meeting_event("meeting.started", ZOOM_ID, TS, start_time="9999-12-31T09:00:00Z"),
                 "start_time", id="started-9999"),
    pytest.param(meeting_event("meeting.ended", ZOOM_ID, TS, end_time="9999-12-31T23:59:59Z"),
                 "end_time", id="ended-9999"),
    pytest.param(meeting_event("meeting.updated", ZOOM_ID, TS,
                               start_time="2026-11-24T01:00:00Z", duration=10**12),
                 "duration", id="duration-huge"),
])
def test_a_signed_event_with_a_number_or_time_out_of_range_is_a_400(
        db: Database, clock: Clock, meeting: str, body: dict[str, Any], named: str) -> None:
    before = audit_count(db)
    status, answer = call(db, clock, body)
    assert status == 400
    assert named in answer["error"]
    assert meeting_status(db, meeting) == ["live"]
    assert audit_count(db) == before
    assert sync_row(db) is None
    [attempt] = attempts(db)
    assert (attempt.outcome, attempt.event_ts, attempt.zoom_id) == ("malformed", None, None)


def test_a_signed_body_nested_100000_deep_is_a_400(db: Database, clock: Clock) -> None:
    status, answer = call(db, clock, b"[" * 100_000 + b"]" * 100_000)
    assert status == 400
    assert "JSON" in answer["error"]


@pytest.mark.parametrize("text", [r"Rapat\u0000Baru", r"Rapat \ud800 Baru"])
def test_control_characters_and_lone_surrogates_in_a_signed_event_are_not_stored(
        db: Database, clock: Clock, meeting: str, text: str) -> None:
    body = json.dumps(meeting_event("meeting.updated", ZOOM_ID, TS, topic="X")).replace(
        '"topic": "X"', f'"topic": "{text}"').replace(
        '"admin@kominfo.example"', f'"{text}"').encode()
    status, _ = call(db, clock, body)
    assert status == 200
    stored = sync_row(db)
    assert stored is not None
    assert stored[4] in ("RapatBaru", "Rapat  Baru")
    validation = json.dumps({"event": "endpoint.url_validation",
                             "payload": {"plainToken": "x"}}).replace('"x"', f'"{text}"')
    status, _ = call(db, clock, validation.encode())
    assert status == 400


def test_without_a_secret_token_every_call_is_refused(db: Database, clock: Clock) -> None:
    raw, headers = signed(meeting_event("meeting.deleted", ZOOM_ID, TS), secret="", at=clock.now)
    status, answer = handle_webhook(raw, headers, secret="", db=db, clock=clock)
    assert status == 503
    assert "webhook_secret_token" in answer["error"]


def test_an_oversized_body_is_refused_before_anything_else(db: Database, clock: Clock) -> None:
    status, _ = call(db, clock, b"{" + b" " * 300_000 + b"}")
    assert status == 413


def test_a_meeting_deleted_outside_is_flagged_for_staff(db: Database, clock: Clock,
                                                        meeting: str) -> None:
    status, answer = call(db, clock, meeting_event("meeting.deleted", ZOOM_ID, TS))
    assert (status, answer) == (200, {"status": "applied"})
    assert meeting_status(db, meeting) == ["gone_outside"]
    with db.session() as session:
        [item] = lrec.open_attention(session)
        assert (item.kind, item.request_code, item.zoom_id) == ("gone_outside", meeting, ZOOM_ID)
        assert "812 3456 7890" in item.detail
        assert "admin@kominfo.example" in item.detail
        assert [r.code for r in lrec.requests_needing_attention(session)] == [meeting]
        assert lrec.resolve_attention(session, item.id, by="staf", now=clock.now)
        assert not lrec.open_attention(session)


def test_a_repeated_delivery_is_applied_once(db: Database, clock: Clock, meeting: str) -> None:
    body = meeting_event("meeting.deleted", ZOOM_ID, TS)
    assert call(db, clock, body)[1] == {"status": "applied"}
    events = audit_count(db)
    assert call(db, clock, body) == (200, {"status": "duplicate"})
    assert audit_count(db) == events
    with db.session() as session:
        assert len(lrec.open_attention(session)) == 1


def test_object_id_as_a_string_or_a_number_finds_the_same_meeting(
        db: Database, clock: Clock, meeting: str) -> None:
    assert call(db, clock, meeting_event("meeting.started", str(ZOOM_ID), TS))[1] == {
        "status": "applied"}
    assert call(db, clock, meeting_event("meeting.ended", ZOOM_ID, TS + 1))[1] == {
        "status": "applied"}


def test_an_event_for_a_meeting_the_service_does_not_own_is_accepted_and_ignored(
        db: Database, clock: Clock) -> None:
    assert call(db, clock, meeting_event("meeting.deleted", 999, TS)) == (
        200, {"status": "unknown_meeting"})
    assert call(db, clock, {"event": "recording.completed", "event_ts": TS,
                            "payload": {"object": {"id": 1}}}) == (200, {"status": "ignored"})


def test_a_time_change_is_recorded_and_flagged(db: Database, clock: Clock, meeting: str) -> None:
    later = START + timedelta(hours=5)
    body = meeting_event("meeting.updated", ZOOM_ID, TS, start_time="2026-11-24T06:00:00Z",
                         duration=60, topic="Rapat Diubah")
    assert call(db, clock, body)[1] == {"status": "applied"}
    with db.session() as session:
        row = lrec.meeting_by_zoom_id(session, ZOOM_ID)
        assert row is not None
        assert (row.start_at, row.end_at) == (later, later + timedelta(hours=1))
        kinds = {i.kind: i.detail for i in lrec.open_attention(session)}
    assert set(kinds) == {"changed_outside"}
    assert "Selasa, 24 November 2026 09.00 – 12.00 WITA → " in kinds["changed_outside"]
    assert "14.00 – 15.00 WITA" in kinds["changed_outside"]
    assert "«Rapat Koordinasi» → «Rapat Diubah»" in kinds["changed_outside"]


def test_a_change_onto_another_meeting_of_the_host_is_flagged_as_a_clash(
        db: Database, clock: Clock, meeting: str) -> None:
    other_start = START + timedelta(days=1)
    other = add_request(db, state=State.SENT, start=other_start, end=other_start
                        + timedelta(hours=2), now=NOW)
    add_meeting(db, other, zoom_id=ZOOM_ID + 1, start=other_start,
                end=other_start + timedelta(hours=2), now=NOW)
    body = meeting_event("meeting.updated", ZOOM_ID, TS, start_time="2026-11-25T01:30:00Z")
    call(db, clock, body)
    with db.session() as session:
        flags = {i.kind: i.detail for i in lrec.open_attention(session)}
    assert set(flags) == {"changed_outside", "clash"}
    assert other in flags["clash"]


def test_an_older_delete_arriving_after_a_newer_update_changes_nothing(
        db: Database, clock: Clock, meeting: str) -> None:
    call(db, clock, meeting_event("meeting.updated", ZOOM_ID, TS + 2000, topic="Baru"))
    assert call(db, clock, meeting_event("meeting.deleted", ZOOM_ID, TS + 1000)) == (
        200, {"status": "stale"})
    assert meeting_status(db, meeting) == ["live"]


def test_an_older_update_arriving_after_a_delete_does_not_revive_the_meeting(
        db: Database, clock: Clock, meeting: str) -> None:
    call(db, clock, meeting_event("meeting.deleted", ZOOM_ID, TS + 2000))
    body = meeting_event("meeting.updated", ZOOM_ID, TS + 1000, start_time="2026-11-24T06:00:00Z")
    assert call(db, clock, body) == (200, {"status": "stale"})
    with db.session() as session:
        row = session.scalars(select(Meeting)).one()
        assert (row.status, row.start_at) == ("gone_outside", START)


def test_ended_may_come_twice_and_a_late_started_does_not_undo_it(
        db: Database, clock: Clock, meeting: str) -> None:
    call(db, clock, meeting_event("meeting.started", str(ZOOM_ID), TS,
                                  start_time="2026-11-24T01:01:00Z"))
    call(db, clock, meeting_event("meeting.ended", str(ZOOM_ID), TS + 3000,
                                  end_time="2026-11-24T03:00:00Z"))
    call(db, clock, meeting_event("meeting.ended", str(ZOOM_ID), TS + 4000,
                                  end_time="2026-11-24T03:05:00Z"))
    assert call(db, clock, meeting_event("meeting.started", str(ZOOM_ID), TS + 2000)) == (
        200, {"status": "stale"})
    with db.session() as session:
        sync = session.scalars(select(MeetingSync)).one()
        assert (sync.zoom_status, sync.ended_count) == ("ended", 2)
        assert sync.ended_at == datetime(2026, 11, 24, 3, 5, tzinfo=UTC)
        assert sync.started_at == datetime(2026, 11, 24, 1, 1, tzinfo=UTC)
    assert meeting_status(db, meeting) == ["live"]


def test_a_deletion_after_the_request_was_cancelled_needs_no_staff(
        db: Database, clock: Clock) -> None:
    code = add_request(db, state=State.CANCELLED, start=START, end=END, now=NOW)
    add_meeting(db, code, zoom_id=ZOOM_ID, start=START, end=END, now=NOW)
    call(db, clock, meeting_event("meeting.deleted", ZOOM_ID, TS))
    assert meeting_status(db, code) == ["deleted"]
    with db.session() as session:
        assert not lrec.open_attention(session)
        request = rec.request_by_code(session, code)
        assert request is not None
        assert request.state == "cancelled"
