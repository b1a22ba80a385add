"""The cleanup against the sandbox: what is due and what is not, grace, gone meetings, every
request state, cancelled requests, resuming, limits, tokens dying mid-run, Zoom failing.

The service's clock is the test's :class:`Clock`; the sandbox runs from the same Monday, so a
meeting on Tuesday exists there while the service's clock is moved past its end.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import NOW, Clock
from lifecycle_support import (
    ZOOM2,
    add_meeting,
    add_request,
    audit_count,
    live_on_sandbox,
    meeting_status,
    sandbox_faults,
    sandbox_stats,
    seed,
    state_of,
)
from sqlalchemy import func, select

from zoomsvc.config import Config
from zoomsvc.lifecycle import Cleaner
from zoomsvc.lifecycle.cleanup import ItemResult
from zoomsvc.lifecycle.drift import PoolFacts, mark_gone_outside
from zoomsvc.provisioning.service import INTENT_LEASE
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.models import AuditEvent, Meeting, Request
from zoomsvc.workflow import State
from zoomsvc.zoom import ZoomClient
from zoomsvc.zoom.sandbox import SandboxServer

TUESDAY_9 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09.00 WITA
END = TUESDAY_9 + timedelta(hours=1)
GRACE = timedelta(hours=2)


@pytest.fixture
def cleaner(db: Database, client: ZoomClient, clock: Clock) -> Cleaner:
    return Cleaner(db, client, clock=clock, grace=GRACE)


def sent_meeting(db: Database, sandbox: SandboxServer, state: State = State.SENT,
                 start: datetime = TUESDAY_9, **kwargs: Any) -> Any:
    return seed(db, sandbox.url, state=state, start=start, now=NOW, **kwargs)


def test_a_meeting_past_its_end_and_grace_is_deleted_and_its_request_done(
        db: Database, sandbox: SandboxServer, cleaner: Cleaner, clock: Clock) -> None:
    item = sent_meeting(db, sandbox)
    clock.now = END + GRACE
    summary = cleaner.run()
    assert summary.as_dict() == {"checked": 1, "deleted": 1, "already_gone": 0, "failed": 0,
                                 "skipped": 0}
    assert item.zoom_id not in live_on_sandbox(sandbox.url)
    assert state_of(db, item.code) == "done"
    assert meeting_status(db, item.code) == ["deleted"]


def test_a_meeting_one_second_before_end_plus_grace_is_left_alone(
        db: Database, sandbox: SandboxServer, cleaner: Cleaner, clock: Clock) -> None:
    item = sent_meeting(db, sandbox)
    clock.now = END + GRACE - timedelta(seconds=1)
    assert cleaner.run().checked == 0
    assert item.zoom_id in live_on_sandbox(sandbox.url)
    assert state_of(db, item.code) == "sent"
    clock.advance(seconds=1)
    assert cleaner.run().deleted == 1


def test_the_grace_period_is_the_callers(db: Database, sandbox: SandboxServer,
                                         client: ZoomClient, clock: Clock) -> None:
    item = sent_meeting(db, sandbox)
    clock.now = END
    assert Cleaner(db, client, clock=clock, grace=timedelta(days=1)).run().checked == 0
    assert Cleaner(db, client, clock=clock, grace=timedelta(0)).run().deleted == 1
    assert state_of(db, item.code) == "done"


def test_a_meeting_zoom_no_longer_has_counts_as_already_gone(
        db: Database, sandbox: SandboxServer, cleaner: Cleaner, clock: Clock) -> None:
    item = sent_meeting(db, sandbox, on_zoom=False)
    clock.now = END + GRACE
    summary = cleaner.run()
    assert (summary.deleted, summary.already_gone, summary.failed) == (0, 1, 0)
    assert meeting_status(db, item.code) == ["deleted"]
    assert state_of(db, item.code) == "done"


@pytest.mark.parametrize(("state", "after"), [
    (State.SENT, "done"), (State.RECEIVED, "done"), (State.SCHEDULED, "expired"),
    (State.DRAFT_READY, "expired"), (State.REVIEWED, "expired"), (State.SIGNED, "expired"),
    (State.CANCELLED, "cancelled"), (State.DONE, "done"), (State.EXPIRED, "expired"),
])
def test_each_state_ends_where_the_sop_says_and_the_meeting_is_deleted(
        db: Database, sandbox: SandboxServer, cleaner: Cleaner, clock: Clock, state: State,
        after: str) -> None:
    item = sent_meeting(db, sandbox, state=state)
    clock.now = END + GRACE
    assert cleaner.run().deleted == 1
    assert state_of(db, item.code) == after
    assert meeting_status(db, item.code) == ["deleted"]
    with db.session() as session:
        request = rec.request_by_code(session, item.code)
        assert request is not None
        last = session.scalars(select(AuditEvent).where(AuditEvent.request_id == request.id)
                               .order_by(AuditEvent.seq.desc())).first()
        assert last is not None
        assert (last.role, last.to_state) == ("system", after)
        assert "dihapus dari Zoom" in last.note


def test_a_cancelled_requests_meeting_is_deleted_before_its_time(
        db: Database, sandbox: SandboxServer, cleaner: Cleaner, clock: Clock) -> None:
    cancelled = sent_meeting(db, sandbox, state=State.CANCELLED)
    upcoming = sent_meeting(db, sandbox, state=State.SENT, host=ZOOM2)
    summary = cleaner.run()
    assert (summary.checked, summary.deleted) == (1, 1)
    assert state_of(db, cancelled.code) == "cancelled"
    assert meeting_status(db, cancelled.code) == ["deleted"]
    assert live_on_sandbox(sandbox.url) == {upcoming.zoom_id}


def test_requests_without_a_meeting_expire_or_finish_when_their_time_passes(
        db: Database, cleaner: Cleaner, clock: Clock) -> None:
    full = add_request(db, state=State.FULL, start=TUESDAY_9, end=END, now=NOW)
    approved = add_request(db, state=State.APPROVED, start=TUESDAY_9, end=END, now=NOW)
    full_letter_sent = add_request(db, state=State.SENT, start=TUESDAY_9, end=END, now=NOW)
    later = add_request(db, state=State.FULL, start=TUESDAY_9 + timedelta(days=1),
                        end=END + timedelta(days=1), now=NOW)
    clock.now = END + GRACE
    summary = cleaner.run()
    assert (summary.checked, summary.deleted, summary.failed) == (3, 0, 0)
    assert state_of(db, full) == state_of(db, approved) == "expired"
    assert state_of(db, full_letter_sent) == "done"
    assert state_of(db, later) == "full"


def test_an_intent_within_its_lease_is_skipped_and_a_stale_one_released(
        db: Database, cleaner: Cleaner, clock: Clock) -> None:
    code = add_request(db, state=State.SCHEDULING, start=TUESDAY_9, end=END, now=NOW)
    clock.now = END + GRACE
    add_meeting(db, code, zoom_id=None, start=TUESDAY_9, end=END, now=clock.now,
                status="intent")
    assert cleaner.run().skipped == 1
    assert (state_of(db, code), meeting_status(db, code)) == ("scheduling", ["intent"])
    clock.advance(seconds=INTENT_LEASE.total_seconds())
    assert cleaner.run().skipped == 0
    assert (state_of(db, code), meeting_status(db, code)) == ("expired", [])


def test_records_are_never_deleted_and_the_audit_chain_still_holds(
        db: Database, sandbox: SandboxServer, cleaner: Cleaner, clock: Clock) -> None:
    items = [sent_meeting(db, sandbox, start=TUESDAY_9 + timedelta(minutes=i)) for i in range(3)]
    add_request(db, state=State.FULL, start=TUESDAY_9, end=END, now=NOW)
    before = audit_count(db)
    clock.now = END + timedelta(minutes=5) + GRACE
    assert cleaner.run().deleted == 3
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Request)) == 4
        assert not list(rec.verify_chain(rec.all_events(session)))
    assert audit_count(db) == before + 4
    assert all(meeting_status(db, i.code) == ["deleted"] for i in items)


def test_a_second_run_finds_nothing_to_do(db: Database, sandbox: SandboxServer,
                                         cleaner: Cleaner, clock: Clock) -> None:
    sent_meeting(db, sandbox)
    clock.now = END + GRACE
    assert cleaner.run().deleted == 1
    events = audit_count(db)
    assert cleaner.run().as_dict() == {"checked": 0, "deleted": 0, "already_gone": 0,
                                       "failed": 0, "skipped": 0}
    assert audit_count(db) == events
    assert sandbox_stats(sandbox.url)["deletes"] == 1


def test_a_limit_leaves_the_rest_for_the_next_run(db: Database, sandbox: SandboxServer,
                                                  cleaner: Cleaner, clock: Clock) -> None:
    for i in range(5):
        sent_meeting(db, sandbox, start=TUESDAY_9 + timedelta(minutes=i))
    clock.now = END + timedelta(minutes=5) + GRACE
    assert cleaner.run(limit=2).deleted == 2
    assert cleaner.run(limit=2).deleted == 2
    assert cleaner.run(limit=2).deleted == 1
    assert sandbox_stats(sandbox.url)["deletes"] == 5


def test_the_plan_changes_nothing(db: Database, sandbox: SandboxServer, cleaner: Cleaner,
                                  clock: Clock) -> None:
    item = sent_meeting(db, sandbox)
    full = add_request(db, state=State.FULL, start=TUESDAY_9, end=END, now=NOW)
    clock.now = END + GRACE
    plan = cleaner.plan()
    assert [(t.code, t.zoom_id, t.over) for t in plan.meetings] == [(item.code, item.zoom_id,
                                                                     True)]
    assert plan.requests == [full]
    assert state_of(db, item.code) == "sent"
    assert sandbox_stats(sandbox.url)["requests"] == {}


def test_a_token_that_dies_mid_run_is_replaced_and_nothing_fails(
        db: Database, sandbox: SandboxServer, client: ZoomClient, clock: Clock) -> None:
    for i in range(6):
        sent_meeting(db, sandbox, start=TUESDAY_9 + timedelta(minutes=i))
    clock.now = END + timedelta(minutes=6) + GRACE
    seen: list[ItemResult] = []

    def expire_after_two(result: ItemResult) -> None:
        seen.append(result)
        if len(seen) == 2:
            sandbox_faults(sandbox.url, expire_tokens=True)

    summary = Cleaner(db, client, clock=clock, grace=GRACE, workers=1).run(
        on_item=expire_after_two)
    assert (summary.deleted, summary.failed) == (6, 0)
    assert sandbox_stats(sandbox.url)["token_requests"] == 2
    assert live_on_sandbox(sandbox.url) == set()


def test_zoom_down_fails_the_item_keeps_it_live_and_a_later_run_deletes_it(
        db: Database, sandbox: SandboxServer, config: Config, clock: Clock,
        caplog: pytest.LogCaptureFixture) -> None:
    quick = ZoomClient(replace(config.zoom, max_retries=0))
    item = sent_meeting(db, sandbox)
    clock.now = END + GRACE
    sandbox_faults(sandbox.url, fail_next=1)
    summary = Cleaner(db, quick, clock=clock, grace=GRACE).run()
    assert (summary.failed, summary.deleted) == (1, 0)
    assert meeting_status(db, item.code) == ["live"]
    assert state_of(db, item.code) == "sent"
    assert any(item.code in r.getMessage() and "HTTP 5" in r.getMessage()
               for r in caplog.records if r.levelname == "ERROR")
    assert Cleaner(db, quick, clock=clock, grace=GRACE).run().deleted == 1
    assert state_of(db, item.code) == "done"


def test_many_workers_delete_each_meeting_exactly_once(
        db: Database, sandbox: SandboxServer, client: ZoomClient, clock: Clock) -> None:
    items = [sent_meeting(db, sandbox, start=TUESDAY_9 + timedelta(minutes=i))
             for i in range(40)]
    clock.now = END + timedelta(minutes=40) + GRACE
    summary = Cleaner(db, client, clock=clock, grace=GRACE, workers=8).run()
    assert (summary.checked, summary.deleted, summary.failed) == (40, 40, 0)
    assert sandbox_stats(sandbox.url)["deletes"] == 40
    assert {state_of(db, i.code) for i in items} == {"done"}


def test_a_cancelled_request_gives_back_the_intent_it_still_holds(
        db: Database, cleaner: Cleaner, clock: Clock) -> None:
    later = TUESDAY_9 + timedelta(days=2)
    code = add_request(db, state=State.CANCELLED, start=later, end=later + timedelta(hours=1),
                       now=NOW)
    add_meeting(db, code, zoom_id=None, start=later, end=later + timedelta(hours=1), now=NOW,
                status="intent")
    assert cleaner.run().skipped == 1  # its worker may still be at Zoom
    clock.advance(seconds=INTENT_LEASE.total_seconds())
    assert cleaner.run().as_dict() == {"checked": 1, "deleted": 0, "already_gone": 0,
                                       "failed": 0, "skipped": 0}
    assert (state_of(db, code), meeting_status(db, code)) == ("cancelled", [])
    assert cleaner.run().checked == 0


def test_settling_a_request_closes_the_flags_nobody_can_act_on_any_more(
        db: Database, sandbox: SandboxServer, cleaner: Cleaner, clock: Clock) -> None:
    item = sent_meeting(db, sandbox, on_zoom=False)
    with db.serialized_write() as session:
        meeting = session.get(Meeting, item.meeting_id)
        assert meeting is not None
        mark_gone_outside(session, meeting, actor="test", now=NOW, at=NOW, operator="",
                          facts=PoolFacts())
        assert len(lrec.open_attention(session)) == 1
    clock.now = END + GRACE
    assert cleaner.run().checked == 1
    assert state_of(db, item.code) == "done"
    with db.session() as session:
        assert lrec.open_attention(session) == []
