"""Reconcile against the sandbox: meetings deleted or changed outside, markers the service does
not know, intents left by a crash; every repair done once, a second run changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import NOW, Clock
from lifecycle_support import (
    ZOOM1,
    ZOOM2,
    add_meeting,
    add_request,
    live_on_sandbox,
    meeting_status,
    sandbox_faults,
    sandbox_meeting,
    sandbox_stats,
    seed,
    state_of,
)

from zoomsvc.config import Config
from zoomsvc.lifecycle import Reconciler
from zoomsvc.lifecycle.reconcile import Change
from zoomsvc.marker import agenda_with_marker, new_owner_tag
from zoomsvc.provisioning import Provisioner
from zoomsvc.provisioning.service import INTENT_LEASE
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.workflow import State
from zoomsvc.zoom import ZoomClient
from zoomsvc.zoom.sandbox import SandboxServer

TUESDAY_9 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


@pytest.fixture
def reconciler(config: Config, db: Database, client: ZoomClient, clock: Clock) -> Reconciler:
    return Reconciler(config, db, client, clock=clock)


def run(reconciler: Reconciler, host: str | None = None) -> tuple[dict[str, int], list[Change]]:
    changes: list[Change] = []
    summary = reconciler.run(host, on_change=changes.append)
    return summary.as_dict(), changes


def flags(db: Database) -> list[str]:
    with db.session() as session:
        return sorted(f.kind for f in lrec.open_attention(session))


def test_when_nothing_drifted_nothing_changes_and_no_meeting_is_fetched_one_by_one(
        db: Database, sandbox: SandboxServer, reconciler: Reconciler) -> None:
    for hour in range(3):
        seed(db, sandbox.url, state=State.SENT, start=TUESDAY_9 + timedelta(hours=hour),
             now=NOW)
    summary, changes = run(reconciler)
    assert summary == {"checked": 3, "changed": 0, "reported": 0, "failed": 0}
    assert changes == []
    assert "GET light" not in sandbox_stats(sandbox.url)["requests"]


def test_a_meeting_deleted_outside_is_marked_and_flagged_once(
        db: Database, sandbox: SandboxServer, provisioner: Provisioner, client: ZoomClient,
        reconciler: Reconciler, make_request: Callable[..., dict[str, Any]]) -> None:
    result = provisioner.submit(make_request())
    assert result.meeting is not None
    client.delete_meeting(result.meeting.zoom_id)
    summary, changes = run(reconciler)
    assert (summary["changed"], [c.action for c in changes]) == (1, ["gone_outside"])
    assert meeting_status(db, result.code) == ["gone_outside"]
    assert flags(db) == ["gone_outside"]
    assert run(reconciler)[0]["changed"] == 0
    assert flags(db) == ["gone_outside"]


def test_a_meeting_moved_outside_is_followed_and_flagged_once(
        db: Database, sandbox: SandboxServer, client: ZoomClient,
        reconciler: Reconciler) -> None:
    item = seed(db, sandbox.url, state=State.SENT, start=TUESDAY_9, now=NOW)
    assert item.zoom_id is not None
    moved = TUESDAY_9 + timedelta(hours=4)
    client.update_meeting(item.zoom_id, start=moved, duration_minutes=90, topic="Topik Baru")
    changes = run(reconciler)[1]
    assert [c.action for c in changes] == ["updated"]
    assert "Topik Baru" in changes[0].detail
    with db.session() as session:
        row = lrec.meeting_by_zoom_id(session, item.zoom_id)
        assert row is not None
        assert (row.start_at, row.end_at) == (moved, moved + timedelta(minutes=90))
    assert flags(db) == ["changed_outside"]
    assert run(reconciler)[0] == {"checked": 1, "changed": 0, "reported": 0, "failed": 0}


def test_an_intent_left_by_a_crash_after_the_create_is_adopted_by_its_marker(
        db: Database, sandbox: SandboxServer, reconciler: Reconciler, clock: Clock) -> None:
    end = TUESDAY_9 + timedelta(hours=2)
    code = add_request(db, state=State.SCHEDULING, start=TUESDAY_9, end=end, now=NOW)
    tag = new_owner_tag()
    add_meeting(db, code, zoom_id=None, start=TUESDAY_9, end=end, now=NOW, status="intent",
                owner_tag=tag)
    zoom_id = sandbox_meeting(sandbox.url, TUESDAY_9, 120,
                              agenda=agenda_with_marker("Rapat", code, tag))
    changes = run(reconciler)[1]
    assert [(c.action, c.request) for c in changes] == [("pending", code)]
    assert meeting_status(db, code) == ["intent"]
    clock.advance(seconds=INTENT_LEASE.total_seconds())
    changes = run(reconciler)[1]
    assert [(c.action, c.zoom_id) for c in changes] == [("adopted", zoom_id)]
    assert state_of(db, code) == "scheduled"
    with db.session() as session:
        row = lrec.meeting_by_zoom_id(session, zoom_id)
        assert row is not None
        assert row.status == "live"
        assert row.passcode
    assert run(reconciler)[0]["changed"] == 0


@pytest.mark.parametrize("tagged", [False, True])
def test_a_scheduling_request_without_a_reservation_is_never_given_a_meeting_by_its_code(
        db: Database, sandbox: SandboxServer, reconciler: Reconciler, tagged: bool) -> None:
    end = TUESDAY_9 + timedelta(hours=1)
    code = add_request(db, state=State.SCHEDULING, start=TUESDAY_9, end=end, now=NOW)
    agenda = agenda_with_marker("", code, new_owner_tag()) if tagged else f"[{code}]"
    zoom_id = sandbox_meeting(sandbox.url, TUESDAY_9, 60, host=ZOOM2, agenda=agenda)
    assert [(c.action, c.zoom_id) for c in run(reconciler)[1]] == [("report", zoom_id)]
    assert (state_of(db, code), meeting_status(db, code)) == ("scheduling", [])
    assert zoom_id in live_on_sandbox(sandbox.url)
    assert flags(db) == ["marker_unknown"]


@pytest.mark.parametrize("state", [None, State.FULL, State.SENT])
def test_a_marker_nobody_is_waiting_for_is_reported_not_adopted(
        db: Database, sandbox: SandboxServer, reconciler: Reconciler,
        state: State | None) -> None:
    code = "ZM-2026-9999"
    if state is not None:
        code = add_request(db, state=state, start=TUESDAY_9,
                           end=TUESDAY_9 + timedelta(hours=1), now=NOW)
    zoom_id = sandbox_meeting(sandbox.url, TUESDAY_9, 60, agenda=f"[{code}]")
    summary, changes = run(reconciler)
    assert [(c.action, c.request, c.zoom_id) for c in changes] == [("report", code, zoom_id)]
    assert (summary["changed"], summary["reported"]) == (0, 1)
    assert flags(db) == ["marker_unknown"]
    assert run(reconciler)[0] == summary
    assert flags(db) == ["marker_unknown"]


def test_a_second_meeting_with_the_marker_of_a_scheduled_request_is_reported(
        db: Database, sandbox: SandboxServer, reconciler: Reconciler) -> None:
    item = seed(db, sandbox.url, state=State.SCHEDULED, start=TUESDAY_9, now=NOW)
    sandbox_meeting(sandbox.url, TUESDAY_9, 60,
                    agenda=agenda_with_marker("", item.code, new_owner_tag()))
    [change] = run(reconciler)[1]
    assert (change.action, "rapat ganda" in change.detail) == ("report", True)


def test_an_intent_zoom_knows_nothing_of_is_released_and_provisioning_can_run_again(
        db: Database, sandbox: SandboxServer, reconciler: Reconciler, clock: Clock,
        client: ZoomClient, provisioner: Provisioner,
        make_request: Callable[..., dict[str, Any]]) -> None:
    body = make_request()
    code = provisioner.submit(body).code
    with db.serialized_write() as session:  # a crash right after the intent was written
        request = rec.request_by_code(session, code)
        assert request is not None
        row = rec.active_meeting(session, request.id)
        assert row is not None
        assert row.zoom_id is not None
        row.status, row.zoom_id = "intent", None
        request.state = State.SCHEDULING.value
    for zoom_id in live_on_sandbox(sandbox.url):  # ... and Zoom lost the create
        client.delete_meeting(zoom_id)
    clock.advance(seconds=INTENT_LEASE.total_seconds())
    assert [c.action for c in run(reconciler)[1]] == ["released"]
    assert meeting_status(db, code) == []
    assert flags(db) == ["intent_released"]
    assert run(reconciler)[0]["changed"] == 0
    assert provisioner.provision(code).outcome == "scheduled"


def test_a_host_whose_list_cannot_be_read_is_skipped_not_taken_as_empty(
        db: Database, sandbox: SandboxServer, config: Config, clock: Clock) -> None:
    item = seed(db, sandbox.url, state=State.SENT, start=TUESDAY_9, now=NOW)
    quick = ZoomClient(replace(config.zoom, max_retries=0))
    sandbox_faults(sandbox.url, fail_next=1)
    summary, changes = run(Reconciler(config, db, quick, clock=clock), ZOOM1)
    assert (summary["failed"], changes) == (1, [])
    assert meeting_status(db, item.code) == ["live"]


def test_only_the_named_host_is_reconciled(db: Database, sandbox: SandboxServer,
                                          client: ZoomClient, reconciler: Reconciler) -> None:
    item = seed(db, sandbox.url, state=State.SENT, start=TUESDAY_9, now=NOW, host=ZOOM2)
    assert item.zoom_id is not None
    client.delete_meeting(item.zoom_id)
    assert run(reconciler, ZOOM1)[0]["changed"] == 0
    assert meeting_status(db, item.code) == ["live"]
    assert run(reconciler, ZOOM2)[0]["changed"] == 1


def test_a_meeting_beyond_the_list_horizon_is_fetched_and_found_unchanged(
        db: Database, sandbox: SandboxServer, reconciler: Reconciler) -> None:
    far = TUESDAY_9 + timedelta(days=200)  # Zoom lists about six months ahead
    seed(db, sandbox.url, state=State.SENT, start=far, now=NOW)
    summary, changes = run(reconciler)
    assert (summary["checked"], summary["changed"], changes) == (1, 0, [])
    assert sandbox_stats(sandbox.url)["requests"]["GET light"] == 1


def test_a_running_meeting_is_only_checked_for_existence(
        db: Database, sandbox: SandboxServer, client: ZoomClient, reconciler: Reconciler,
        clock: Clock) -> None:
    item = seed(db, sandbox.url, state=State.SENT, start=TUESDAY_9, now=NOW)
    assert item.zoom_id is not None
    client.update_meeting(item.zoom_id, topic="Judul di layar Zoom")
    clock.now = TUESDAY_9 + timedelta(minutes=10)
    assert run(reconciler)[0] == {"checked": 1, "changed": 0, "reported": 0, "failed": 0}
    client.delete_meeting(item.zoom_id)
    assert [c.action for c in run(reconciler)[1]] == ["gone_outside"]
