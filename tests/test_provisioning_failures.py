"""Provisioning when things go wrong: lost answers, crashes, 5xx, limits, expired tokens, Zoom down,
meetings made by hand, a full pool, repeated and concurrent submissions.

The rule under test is the design's: one request never owns two meetings, and a meeting that
exists is never reported as failed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from conftest import NOW, Clock
from service_support import live_sandbox_meetings, set_sandbox_faults
from sqlalchemy import select

from zoomsvc.config import Config, demo_document
from zoomsvc.marker import read_marker
from zoomsvc.provisioning import Provisioner, ProvisioningFailed, ProvisionResult
from zoomsvc.provisioning.service import INTENT_LEASE
from zoomsvc.store import Database
from zoomsvc.store import records as rec
from zoomsvc.store.models import AuditEvent, Meeting, Request
from zoomsvc.workflow import Role, State
from zoomsvc.zoom import NewMeeting, ZoomClient, ZoomMeeting
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

ZOOM1 = "zoom1@kominfo.tarakankota.go.id"
ZOOM2 = "zoom2@kominfo.tarakankota.go.id"
ZOOM3 = "zoom3@kominfo.tarakankota.go.id"
CONCURRENCY = {ZOOM1: 2, ZOOM2: 2, ZOOM3: 1}
BUFFER = timedelta(minutes=15)
# Tuesday 24 November 2026, 09.00–12.00 WITA: the default window of make_request.
TUESDAY_9 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
ZOOM_DOWN = 10**6

Create = Callable[..., ZoomMeeting]


@pytest.fixture
def sandbox(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    """A sandbox whose clock runs from the service's "now" (Monday 08.00 WITA), so what is
    upcoming for the service is upcoming for the sandbox whatever the wall clock says.
    Parametrize indirectly with a dict of SandboxOptions fields to change more."""
    started = time.time()
    options = SandboxOptions(clock=lambda: NOW.timestamp() + time.time() - started,
                             **getattr(request, "param", {}))
    with SandboxServer(options) as server:
        yield server


@pytest.fixture
def config_document(sandbox: SandboxServer, db_url: str) -> dict[str, Any]:
    """The demo configuration, with one retry instead of four so Zoom-down cases stay fast."""
    document = demo_document(sandbox.url)
    document["database"] = {"url": db_url}
    document["zoom"]["max_retries"] = 1
    return document


def stats(sandbox: SandboxServer) -> dict[str, Any]:
    answer = requests.get(f"{sandbox.url}/_sandbox/stats", timeout=5)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result


def seed_meeting(sandbox: SandboxServer, host: str, start: datetime, minutes: int) -> int:
    """A meeting staff made by hand on Zoom (the service does not know it)."""
    answer = requests.post(f"{sandbox.url}/_sandbox/meetings", timeout=5, json={
        "host": host, "topic": "Rapat dibuat manual", "type": 2, "duration": minutes,
        "start_time": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")})
    answer.raise_for_status()
    meeting_id: int = answer.json()["id"]
    return meeting_id


def stored(db: Database, code: str) -> tuple[Request, list[Meeting]]:
    with db.session() as session:
        request = session.scalars(select(Request).where(Request.code == code)).one()
        return request, list(request.meetings)


def active(meetings: list[Meeting]) -> list[Meeting]:
    return [m for m in meetings if m.status in ("intent", "live")]


def only_request_code(db: Database) -> str:
    with db.session() as session:
        code: str = session.scalars(select(Request.code)).one()
        return code


def wrap_create(client: ZoomClient, monkeypatch: pytest.MonkeyPatch,
                before: Callable[[], None] = lambda: None,
                after: Callable[[ZoomMeeting], None] = lambda _: None) -> None:
    """Run ``before`` right before the client's create and ``after`` right after it."""
    real: Create = client.create_meeting

    def create(host: str, meeting: NewMeeting, passcode: str | None = None) -> ZoomMeeting:
        before()
        made = real(host, meeting, passcode)
        after(made)
        return made

    monkeypatch.setattr(client, "create_meeting", create)


def process_died(*_: object) -> None:
    raise KeyboardInterrupt


def fresh_provisioner(config: Config, db: Database, clock: Clock) -> Provisioner:
    """What a restarted process would build: a new client, a new cache, the same database."""
    return Provisioner(config, db, ZoomClient(config.zoom), clock=clock)


def peak_overlap(intervals: list[tuple[datetime, datetime]]) -> int:
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def sandbox_intervals(sandbox: SandboxServer) -> dict[str, list[tuple[datetime, datetime]]]:
    by_host: dict[str, list[tuple[datetime, datetime]]] = {}
    for m in live_sandbox_meetings(sandbox):
        start = datetime.fromisoformat(m["start_time"].replace("Z", "+00:00"))
        by_host.setdefault(m["host_email"], []).append(
            (start, start + timedelta(minutes=m["duration"])))
    return by_host


def markers(sandbox: SandboxServer) -> list[str]:
    found = [read_marker(m["agenda"]) for m in live_sandbox_meetings(sandbox)]
    return [marker.code for marker in found if marker is not None]


# A lost answer ---------------------------------------------------------------------------------

def test_a_create_whose_answer_is_lost_is_found_by_its_marker_and_adopted(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    set_sandbox_faults(sandbox, drop_next_create=1)
    result = provisioner.submit(make_request())
    live = live_sandbox_meetings(sandbox)
    assert len(live) == 1
    assert stats(sandbox)["drops"] == 1
    assert result.outcome == "scheduled"
    assert result.meeting is not None
    assert result.meeting.zoom_id == live[0]["id"]
    assert result.meeting.passcode == live[0]["password"]
    request, meetings = stored(db, result.code)
    assert request.state == "scheduled"
    assert request.last_error is None
    assert [(m.status, m.zoom_id) for m in meetings] == [("live", live[0]["id"])]


# Crashes ---------------------------------------------------------------------------------------

def test_a_crash_after_zoom_created_the_meeting_is_repaired_by_adopting_it(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, config: Config,
        clock: Clock, make_request: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_request()
    wrap_create(provisioner.client, monkeypatch, after=process_died)
    with pytest.raises(KeyboardInterrupt):
        provisioner.submit(body)
    assert len(live_sandbox_meetings(sandbox)) == 1
    code = only_request_code(db)
    request, meetings = stored(db, code)
    assert request.state == "scheduling"
    assert [m.status for m in meetings] == ["intent"]

    clock.advance(seconds=INTENT_LEASE.total_seconds() + 1)
    result = fresh_provisioner(config, db, clock).submit(body)

    live = live_sandbox_meetings(sandbox)
    assert len(live) == 1
    assert stats(sandbox)["creates"] == 1
    assert (result.code, result.outcome, result.created) == (code, "scheduled", False)
    assert result.meeting is not None
    assert result.meeting.zoom_id == live[0]["id"]
    assert result.meeting.passcode == live[0]["password"]
    with db.session() as session:
        notes = session.scalars(select(AuditEvent.note).order_by(AuditEvent.seq)).all()
    assert "(diadopsi)" in notes[-1]


def test_a_rerun_while_the_first_run_may_still_be_at_zoom_waits_instead_of_creating(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, config: Config,
        clock: Clock, make_request: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_request()
    wrap_create(provisioner.client, monkeypatch, before=process_died)
    with pytest.raises(KeyboardInterrupt):
        provisioner.submit(body)
    requests_before = stats(sandbox)["requests"]

    with pytest.raises(ProvisioningFailed, match="sedang diproses") as caught:
        fresh_provisioner(config, db, clock).submit(body)

    assert caught.value.code == only_request_code(db)
    assert stats(sandbox)["requests"] == requests_before
    request, meetings = stored(db, caught.value.code)
    assert request.last_error is None
    assert [m.status for m in meetings] == ["intent"]


def test_a_crash_before_the_zoom_call_is_repaired_by_creating_exactly_one_meeting(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, config: Config,
        clock: Clock, make_request: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_request()
    wrap_create(provisioner.client, monkeypatch, before=process_died)
    with pytest.raises(KeyboardInterrupt):
        provisioner.submit(body)
    assert stats(sandbox)["creates"] == 0
    assert [m.status for m in stored(db, only_request_code(db))[1]] == ["intent"]

    clock.advance(seconds=INTENT_LEASE.total_seconds() + 1)
    result = fresh_provisioner(config, db, clock).submit(body)

    assert result.outcome == "scheduled"
    assert stats(sandbox)["creates"] == 1
    live = live_sandbox_meetings(sandbox)
    assert result.meeting is not None
    assert [m["id"] for m in live] == [result.meeting.zoom_id]
    assert [m.status for m in stored(db, result.code)[1]] == ["live"]


def test_a_run_that_outlived_its_lease_deletes_its_late_duplicate(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, config: Config,
        clock: Clock, make_request: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_request()
    at_zoom, go_on = threading.Event(), threading.Event()

    def stall() -> None:
        at_zoom.set()
        assert go_on.wait(10)

    wrap_create(provisioner.client, monkeypatch, before=stall)
    slow: list[ProvisionResult] = []
    first = threading.Thread(target=lambda: slow.append(provisioner.submit(body)))
    first.start()
    assert at_zoom.wait(10)
    clock.advance(seconds=INTENT_LEASE.total_seconds() + 1)
    taken_over = fresh_provisioner(config, db, clock).submit(body)
    go_on.set()
    first.join(10)

    assert taken_over.meeting is not None
    assert [m["id"] for m in live_sandbox_meetings(sandbox)] == [taken_over.meeting.zoom_id]
    assert stats(sandbox)["creates"] == 2
    assert stats(sandbox)["deletes"] == 1
    assert slow[0].meeting == taken_over.meeting
    assert len(active(stored(db, taken_over.code)[1])) == 1


# 5xx and Zoom down -----------------------------------------------------------------------------

def test_a_5xx_on_create_fails_retryably_and_the_rerun_creates_one_meeting(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database,
        make_request: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_request()
    once = iter([True])
    wrap_create(provisioner.client, monkeypatch,
                before=lambda: next(once, False) and set_sandbox_faults(sandbox, fail_next=1))
    with pytest.raises(ProvisioningFailed) as caught:
        provisioner.submit(body)
    assert stats(sandbox)["injected_5xx"] == 1
    assert live_sandbox_meetings(sandbox) == []
    request, meetings = stored(db, caught.value.code)
    assert request.state == "scheduling"
    assert request.last_error is not None
    assert "belum pasti" in request.last_error
    assert [m.status for m in meetings] == ["intent"]  # kept: the outcome was unknown

    result = provisioner.submit(body)

    assert result.outcome == "scheduled"
    assert result.meeting is not None
    assert [m["id"] for m in live_sandbox_meetings(sandbox)] == [result.meeting.zoom_id]
    assert [m.status for m in stored(db, result.code)[1]] == ["live"]


def test_a_lost_answer_and_zoom_going_down_never_report_an_existing_meeting_as_failed(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database,
        make_request: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_request()
    once = iter([True])
    set_sandbox_faults(sandbox, drop_next_create=1)
    real_find = provisioner.upcoming.find_owned

    def find_while_down(*args: Any) -> ZoomMeeting | None:
        if next(once, False):
            set_sandbox_faults(sandbox, fail_next=ZOOM_DOWN)
        return real_find(*args)

    monkeypatch.setattr(provisioner.upcoming, "find_owned", find_while_down)
    with pytest.raises(ProvisioningFailed) as caught:
        provisioner.submit(body)
    # The meeting exists on Zoom: the request must stay retryable, not be marked as failed.
    assert len(live_sandbox_meetings(sandbox)) == 1
    request, meetings = stored(db, caught.value.code)
    assert request.state == "scheduling"
    assert [m.status for m in meetings] == ["intent"]

    set_sandbox_faults(sandbox, fail_next=0)
    result = provisioner.submit(body)

    assert result.outcome == "scheduled"
    live = live_sandbox_meetings(sandbox)
    assert result.meeting is not None
    assert [m["id"] for m in live] == [result.meeting.zoom_id]
    assert stats(sandbox)["creates"] == 1


def test_zoom_down_fails_retryably_without_leaving_a_reservation(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    body = make_request()
    set_sandbox_faults(sandbox, fail_next=ZOOM_DOWN)
    with pytest.raises(ProvisioningFailed) as caught:
        provisioner.submit(body)
    request, meetings = stored(db, caught.value.code)
    assert request.state == "scheduling"
    assert request.last_error is not None
    assert "Zoom" in request.last_error
    assert meetings == []
    assert stats(sandbox)["creates"] == 0

    set_sandbox_faults(sandbox, fail_next=0)
    result = provisioner.submit(body)

    assert (result.code, result.outcome) == (caught.value.code, "scheduled")
    assert stored(db, result.code)[0].last_error is None
    assert len(live_sandbox_meetings(sandbox)) == 1


def test_zoom_going_down_after_the_reservation_leaves_it_for_the_rerun_to_resolve(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database,
        make_request: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_request()
    once = iter([True])
    wrap_create(provisioner.client, monkeypatch,
                before=lambda: next(once, False) and set_sandbox_faults(sandbox,
                                                                        fail_next=ZOOM_DOWN))
    with pytest.raises(ProvisioningFailed) as caught:
        provisioner.submit(body)
    request, meetings = stored(db, caught.value.code)
    assert [m.status for m in meetings] == ["intent"]
    assert request.last_error is not None

    set_sandbox_faults(sandbox, fail_next=0)
    result = provisioner.submit(body)

    assert result.outcome == "scheduled"
    assert stats(sandbox)["creates"] == 1
    assert [m.status for m in stored(db, result.code)[1]] == ["live"]


def test_many_workers_failing_at_once_all_record_their_error(
        config: Config, sandbox: SandboxServer, db: Database, clock: Clock,
        make_request: Callable[..., dict[str, Any]]) -> None:
    # No retries: the failures come quickly, so the workers' database writes collide.
    hasty = replace(config, zoom=replace(config.zoom, max_retries=0))
    provisioner = Provisioner(hasty, db, ZoomClient(hasty.zoom), clock=clock)
    set_sandbox_faults(sandbox, fail_next=ZOOM_DOWN)
    bodies = [make_request() for _ in range(64)]
    outcomes: list[str] = []
    gate = threading.Barrier(8)

    def work(mine: list[dict[str, Any]]) -> None:
        gate.wait(10)
        for body in mine:
            try:
                provisioner.submit(body)
            except ProvisioningFailed:
                outcomes.append("failed")
            except Exception as exc:  # a raw database error is what must not happen
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=work, args=(bodies[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes == ["failed"] * 64
    with db.session() as session:
        errors = session.scalars(select(Request.last_error)).all()
    assert len(errors) == 64
    assert all(errors)


# Limits and tokens -----------------------------------------------------------------------------

@pytest.mark.parametrize("sandbox", [{"daily_limit": 1}], indirect=True)
def test_a_host_at_its_daily_limit_is_passed_over_for_the_next_eligible_one(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, client: ZoomClient,
        make_request: Callable[..., dict[str, Any]]) -> None:
    # Zoom 1 spends its one create of the day on another day's meeting.
    client.create_meeting(ZOOM1, NewMeeting("Rapat lain", TUESDAY_9 + timedelta(days=2), 60))

    result = provisioner.submit(make_request())

    assert result.outcome == "scheduled"
    assert result.meeting is not None
    assert result.meeting.host == ZOOM2
    assert stats(sandbox)["rate_limited"]["daily"] == 1
    assert stats(sandbox)["creates"] == 2
    assert [(m.status, m.host) for m in stored(db, result.code)[1]] == [("live", ZOOM2)]


@pytest.mark.parametrize("sandbox", [{"daily_limit": 1}], indirect=True)
def test_hosts_at_their_daily_limit_make_a_request_wait_not_full(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, client: ZoomClient,
        make_request: Callable[..., dict[str, Any]]) -> None:
    client.create_meeting(ZOOM1, NewMeeting("Rapat lain", TUESDAY_9 + timedelta(days=2), 60))
    assert provisioner.submit(make_request()).outcome == "scheduled"  # on Zoom 2, its last

    with pytest.raises(ProvisioningFailed, match="batas harian") as caught:
        provisioner.submit(make_request())

    # Zoom 1 was not asked again: the service remembers its limit until the reset.
    assert stats(sandbox)["rate_limited"]["daily"] == 2
    request, meetings = stored(db, caught.value.code)
    assert (request.state, request.full_reason, meetings) == ("scheduling", None, [])
    assert request.last_error is not None
    assert "08.00 WITA" in request.last_error


def test_a_token_that_expires_mid_run_is_renewed_once(
        provisioner: Provisioner, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    once = iter([True])
    wrap_create(provisioner.client, monkeypatch,
                before=lambda: next(once, False) and set_sandbox_faults(sandbox,
                                                                        expire_tokens=True))
    result = provisioner.submit(make_request())

    assert result.outcome == "scheduled"
    counters = stats(sandbox)
    assert counters["token_requests"] == 2
    assert provisioner.client.token_requests == 2
    assert counters["creates"] == 1
    assert len(live_sandbox_meetings(sandbox)) == 1


# The calendar ----------------------------------------------------------------------------------

def test_meetings_made_by_hand_on_zoom_send_the_request_to_a_free_host(
        provisioner: Provisioner, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    for _ in range(2):
        seed_meeting(sandbox, ZOOM1, TUESDAY_9, 180)
    result = provisioner.submit(make_request())
    assert result.meeting is not None
    assert result.meeting.host == ZOOM2


def test_meetings_made_by_hand_on_both_licensed_hosts_make_a_long_request_full(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    for host in (ZOOM1, ZOOM2):
        for _ in range(2):
            seed_meeting(sandbox, host, TUESDAY_9, 180)
    # 50 people fit the Basic Zoom 3, but a 3-hour meeting does not.
    result = provisioner.submit(make_request(participants=50))

    assert result.outcome == "full"
    assert result.meeting is None
    assert stats(sandbox)["creates"] == 0
    assert 1 <= len(result.alternatives) <= 3
    assert all(slot.host in (ZOOM1, ZOOM2) for slot in result.alternatives)
    busy_start, busy_end = TUESDAY_9 - BUFFER, TUESDAY_9 + timedelta(hours=3) + BUFFER
    assert all(slot.end <= busy_start or slot.start >= busy_end for slot in result.alternatives)
    request, meetings = stored(db, result.code)
    assert request.state == "full"
    assert request.alternatives_json is not None
    assert ZOOM3 not in request.alternatives_json
    assert meetings == []


def test_a_short_small_meeting_may_go_to_the_basic_host_when_the_licensed_ones_are_busy(
        provisioner: Provisioner, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    for host in (ZOOM1, ZOOM2):
        for _ in range(2):
            seed_meeting(sandbox, host, TUESDAY_9, 180)
    result = provisioner.submit(make_request(participants=50, start="2026-11-24T10:00",
                                             end="2026-11-24T10:40"))
    assert result.meeting is not None
    assert result.meeting.host == ZOOM3


def test_a_full_pool_answers_full_with_alternatives_clear_of_every_meeting(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    placed = [provisioner.submit(make_request()) for _ in range(4)]
    assert [r.outcome for r in placed] == ["scheduled"] * 4

    result = provisioner.submit(make_request())

    assert result.outcome == "full"
    assert result.reason == "all_busy"
    assert stats(sandbox)["creates"] == 4
    assert 1 <= len(result.alternatives) <= 3
    busy = sandbox_intervals(sandbox)
    for slot in result.alternatives:
        padded = (slot.start - BUFFER, slot.end + BUFFER)
        overlapping = [b for b in busy.get(slot.host, []) if b[0] < padded[1] and padded[0] < b[1]]
        assert len(overlapping) < CONCURRENCY[slot.host], slot
        assert slot.end - slot.start == timedelta(hours=3)
    for one in result.alternatives:
        assert all(one == other or one.end <= other.start or other.end <= one.start
                   for other in result.alternatives)
    request, meetings = stored(db, result.code)
    assert (request.state, request.full_reason, meetings) == ("full", "all_busy", [])
    assert provisioner.submit(make_request(letter_number=request.letter_number)).alternatives \
        == result.alternatives


# Repeats and concurrency -----------------------------------------------------------------------

def test_submitting_the_same_letter_again_returns_the_same_request_without_calling_zoom(
        provisioner: Provisioner, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    body = make_request()
    first = provisioner.submit(body)
    calls = stats(sandbox)["requests"]

    again = provisioner.submit({**body, "topic": "Judul yang diubah"})

    assert (again.code, again.created, again.meeting) == (first.code, False, first.meeting)
    assert first.created is True
    assert stats(sandbox)["requests"] == calls


def test_the_same_letter_submitted_from_several_threads_makes_one_meeting(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    body = make_request()
    answers: list[object] = []
    gate = threading.Barrier(6)

    def work() -> None:
        gate.wait(10)
        try:
            answers.append(provisioner.submit(dict(body)))
        except ProvisioningFailed as exc:
            answers.append(exc)
        except Exception as exc:
            answers.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(answers) == 6
    assert not [a for a in answers if isinstance(a, str)]
    assert {a.code for a in answers if not isinstance(a, str)} == {only_request_code(db)}
    assert len(live_sandbox_meetings(sandbox)) == 1
    assert sum(1 for a in answers if isinstance(a, ProvisionResult) and a.created) <= 1
    assert any(isinstance(a, ProvisionResult) for a in answers)
    final = provisioner.submit(dict(body))
    assert final.outcome == "scheduled"


def test_eight_threads_never_overbook_a_host_nor_give_a_request_two_meetings(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    # Two-hour meetings starting every half hour from 09.00: every one overlaps the next three.
    bodies = [make_request(start=f"2026-11-24T{9 + i // 2:02d}:{30 * (i % 2):02d}",
                           end=f"2026-11-24T{11 + i // 2:02d}:{30 * (i % 2):02d}")
              for i in range(8)]
    results: list[ProvisionResult] = []
    problems: list[str] = []
    gate = threading.Barrier(8)

    def work(body: dict[str, Any]) -> None:
        gate.wait(10)
        try:
            results.append(provisioner.submit(body))
        except Exception as exc:
            problems.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=work, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert problems == []
    assert len(results) == 8
    assert {r.outcome for r in results} <= {"scheduled", "full"}
    scheduled = [r for r in results if r.outcome == "scheduled"]
    assert len(scheduled) >= 4
    for host, intervals in sandbox_intervals(sandbox).items():
        assert peak_overlap(intervals) <= CONCURRENCY[host], host
    assert sorted(markers(sandbox)) == sorted(r.code for r in scheduled)
    with db.session() as session:
        rows = session.scalars(select(Meeting)).all()
    assert sorted(m.marker for m in rows if m.status == "live") == sorted(markers(sandbox))
    assert not [m for m in rows if m.status == "intent"]


def test_a_full_request_submitted_again_after_its_letter_was_drafted_still_answers_full(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, clock: Clock,
        make_request: Callable[..., dict[str, Any]]) -> None:
    for host in (ZOOM1, ZOOM2):
        for _ in range(2):
            seed_meeting(sandbox, host, TUESDAY_9, 180)
    body = make_request(participants=50)
    assert provisioner.submit(body).outcome == "full"
    with db.serialized_write() as session:  # the "penuh" letter was drafted
        request = session.scalars(select(Request)).one()
        rec.transition(session, request, State.DRAFT_READY, actor="staf", role=Role.STAF,
                       now=clock())

    again = provisioner.submit(body)

    # The README's contract: outcome is scheduled | full; where it stands is in state.
    assert (again.outcome, again.state, again.created) == ("full", "draft_ready", False)
    assert again.as_dict(ZoneInfo("Asia/Makassar"))["outcome"] == "full"
