"""Replays of the forged-marker scenarios against the sandbox: only a meeting proven to be the
service's own (its agenda ends with exactly the intent's marker and owner tag, on the reserved
host and time) is ever adopted, and a meeting on record for another request, made by hand, or
kept by another database is never adopted nor deleted.

Each replay counts the foreign meetings adopted and deleted; every count must be 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import Clock
from lifecycle_support import live_on_sandbox, sandbox_faults, sandbox_meeting, sandbox_stats
from service_support import live_sandbox_meetings
from sqlalchemy import select

from zoomsvc.config import Config
from zoomsvc.domain import InvalidInput, parse_request
from zoomsvc.lifecycle import Cleaner, Reconciler
from zoomsvc.marker import agenda_with_marker, marker_like, read_marker
from zoomsvc.provisioning import Provisioner, ProvisioningFailed
from zoomsvc.provisioning.recording import record_request
from zoomsvc.provisioning.service import INTENT_LEASE
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.migrate import upgrade
from zoomsvc.store.models import Meeting
from zoomsvc.workflow import Role
from zoomsvc.zoom import NewMeeting, ZoomClient, ZoomMeeting
from zoomsvc.zoom.sandbox import SandboxServer

ZOOM1 = "zoom1@kominfo.tarakankota.go.id"
WITA = ZoneInfo("Asia/Makassar")
TUESDAY = "2026-11-24"


def live_of(db: Database, code: str) -> int | None:
    """The Zoom id of the request's live meeting, if any."""
    with db.session() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        return next((m.zoom_id for m in request.meetings if m.status == "live"), None)


def last_error(db: Database, code: str) -> str | None:
    with db.session() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        return request.last_error


def open_flags(db: Database) -> list[str]:
    with db.session() as session:
        return sorted(f.kind for f in lrec.open_attention(session))


def record_unchecked(db: Database, clock: Clock, body: dict[str, Any], agenda: str) -> str:
    """A request recorded with ``agenda`` as it was accepted before marker-like text was
    refused (validation today would refuse it)."""
    data = replace(parse_request(body, WITA), agenda=agenda)
    code, _ = record_request(db, data, actor="test", role=Role.STAF, now=clock())
    return code


def crash_after_zoom(client: ZoomClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every create reaches Zoom, then the process dies before it hears the answer."""
    real = client.create_meeting

    def create(host: str, meeting: NewMeeting, passcode: str | None = None) -> ZoomMeeting:
        real(host, meeting, passcode)
        raise KeyboardInterrupt

    monkeypatch.setattr(client, "create_meeting", create)


def at(hour: str) -> str:
    return f"{TUESDAY}T{hour}"


@pytest.fixture
def other_db(tmp_path: Path) -> Iterator[Database]:
    """A second database (a restored backup or a staging instance) on the same Zoom account."""
    database = Database(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(database)
    yield database
    database.dispose()


# (a) A request's agenda cites another's code, and the other's create answer is lost --------

def test_a_lost_answer_never_adopts_nor_deletes_the_meeting_of_a_request_citing_its_code(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, clock: Clock,
        make_request: Callable[..., dict[str, Any]]) -> None:
    b_code = record_unchecked(db, clock, make_request(start=at("09:00"), end=at("10:00")),
                              "Tindak lanjut [ZM-2026-0002]")
    b_meeting = provisioner.provision(b_code, preferred_host=ZOOM1).meeting
    assert b_meeting is not None
    sandbox_faults(sandbox.url, drop_next_create=1)

    a = provisioner.submit(make_request(start=at("10:30"), end=at("12:00")),
                           preferred_host=ZOOM1)

    assert (b_code, a.code, a.outcome) == ("ZM-2026-0001", "ZM-2026-0002", "scheduled")
    assert a.meeting is not None
    foreign_adopted = int(a.meeting.zoom_id == b_meeting.zoom_id)
    foreign_deleted = int(b_meeting.zoom_id not in live_on_sandbox(sandbox.url))
    assert (foreign_adopted, foreign_deleted) == (0, 0)
    assert live_of(db, b_code) == b_meeting.zoom_id
    assert sandbox_stats(sandbox.url)["deletes"] == 0


def test_a_meeting_on_record_for_another_request_is_never_deleted_and_stops_with_a_flag(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, client: ZoomClient,
        make_request: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    b = provisioner.submit(make_request(start=at("09:00"), end=at("10:00")))
    assert b.meeting is not None
    b_zoom = client.get_meeting(b.meeting.zoom_id)
    # Zoom (or a bug) hands the other request's meeting back as if this run had created it.
    monkeypatch.setattr(provisioner.client, "create_meeting", lambda *_, **__: b_zoom)

    with pytest.raises(ProvisioningFailed, match="sudah tercatat untuk permohonan") as caught:
        provisioner.submit(make_request(start=at("10:30"), end=at("12:00")))

    assert b.meeting.zoom_id in live_on_sandbox(sandbox.url)
    assert live_of(db, b.code) == b.meeting.zoom_id
    a_code = caught.value.code
    assert live_of(db, a_code) is None
    assert "tidak dihapus" in (last_error(db, a_code) or "")
    assert open_flags(db) == ["ownership_conflict"]
    with db.session() as session:
        request = rec.request_by_code(session, a_code)
        assert request is not None
        assert (request.state, [m.status for m in request.meetings]) == ("scheduling",
                                                                         ["intent"])


# (b) A meeting made by hand mentions a request code ------------------------------------------

def test_a_meeting_made_by_hand_that_mentions_a_code_is_neither_adopted_nor_deleted(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, config: Config,
        client: ZoomClient, clock: Clock,
        make_request: Callable[..., dict[str, Any]]) -> None:
    early = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # Tuesday 07.00 WITA, before the request
    by_hand = sandbox_meeting(sandbox.url, early, 60, host=ZOOM1,
                              agenda="Persiapan rapat [ZM-2026-0001]", topic="Dibuat manual")
    sandbox_faults(sandbox.url, drop_next_create=1)

    result = provisioner.submit(make_request(), preferred_host=ZOOM1)

    assert (result.code, result.outcome) == ("ZM-2026-0001", "scheduled")
    assert result.meeting is not None
    foreign_adopted = int(result.meeting.zoom_id == by_hand)
    changes: list[Any] = []
    Reconciler(config, db, client, clock=clock).run(on_change=changes.append)
    assert [(c.action, c.zoom_id) for c in changes] == [("report", by_hand)]
    assert open_flags(db) == ["marker_unknown"]
    clock.now = datetime(2026, 11, 24, 4, 0, tzinfo=UTC) + timedelta(hours=3)
    summary = Cleaner(db, client, clock=clock).run()
    foreign_deleted = int(by_hand not in live_on_sandbox(sandbox.url))
    assert (foreign_adopted, foreign_deleted) == (0, 0)
    assert summary.deleted == 1
    assert result.meeting.zoom_id not in live_on_sandbox(sandbox.url)


def test_reconcile_never_gives_a_waiting_intent_a_meeting_made_by_hand(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, config: Config,
        client: ZoomClient, clock: Clock, make_request: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    def died(*_: object, **__: object) -> ZoomMeeting:
        raise KeyboardInterrupt  # the process died before it reached Zoom

    monkeypatch.setattr(provisioner.client, "create_meeting", died)
    with pytest.raises(KeyboardInterrupt):
        provisioner.submit(make_request(), preferred_host=ZOOM1)
    start = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    by_hand = sandbox_meeting(sandbox.url, start, 180, host=ZOOM1, agenda="[ZM-2026-0001]")
    clock.advance(seconds=INTENT_LEASE.total_seconds() + 1)

    changes: list[Any] = []
    Reconciler(config, db, ZoomClient(config.zoom), clock=clock).run(on_change=changes.append)

    assert live_of(db, "ZM-2026-0001") is None
    assert sorted(c.action for c in changes) == ["released", "report"]
    assert by_hand in live_on_sandbox(sandbox.url)
    assert open_flags(db) == ["intent_released", "marker_unknown"]


# (c) Several markers in one agenda ------------------------------------------------------------

def test_reconcile_reads_only_the_last_line_when_an_agenda_carries_several_markers(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, config: Config,
        clock: Clock, make_request: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    a_code = record_unchecked(db, clock, make_request(start=at("09:00"), end=at("10:00")),
                              "Lanjutan dari [ZM-2026-0002]")
    c_code = record_unchecked(db, clock, make_request(start=at("13:00"), end=at("14:00")),
                              "Rapat lanjutan")
    crash_after_zoom(provisioner.client, monkeypatch)
    for code in (a_code, c_code):
        with pytest.raises(KeyboardInterrupt):
            provisioner.provision(code, preferred_host=ZOOM1)
    # Which meeting Zoom made for which request, told apart by their times.
    by_start = {m["start_time"]: m["id"] for m in live_sandbox_meetings(sandbox)}
    made = {a_code: by_start["2026-11-24T01:00:00Z"], c_code: by_start["2026-11-24T05:00:00Z"]}
    clock.advance(seconds=INTENT_LEASE.total_seconds() + 1)

    changes: list[Any] = []
    Reconciler(config, db, ZoomClient(config.zoom), clock=clock).run(on_change=changes.append)

    assert sorted((c.action, c.request) for c in changes) == [("adopted", a_code),
                                                              ("adopted", c_code)]
    assert (live_of(db, a_code), live_of(db, c_code)) == (made[a_code], made[c_code])
    foreign_adopted = int(live_of(db, c_code) == made[a_code])
    foreign_deleted = len(set(made.values()) - live_on_sandbox(sandbox.url))
    assert (foreign_adopted, foreign_deleted) == (0, 0)
    assert open_flags(db) == []


# (d) Two databases on one Zoom account, with the same request codes ----------------------------

def test_two_databases_sharing_a_zoom_account_never_take_each_others_meetings(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, other_db: Database,
        config: Config, clock: Clock, make_request: Callable[..., dict[str, Any]]) -> None:
    first = provisioner.submit(make_request(start=at("09:00"), end=at("10:00")),
                               preferred_host=ZOOM1)
    other = Provisioner(config, other_db, ZoomClient(config.zoom), clock=clock)
    sandbox_faults(sandbox.url, drop_next_create=1)

    second = other.submit(make_request(start=at("10:30"), end=at("12:00")),
                          preferred_host=ZOOM1)

    assert first.code == second.code == "ZM-2026-0001"
    assert first.meeting is not None
    assert second.meeting is not None
    foreign_adopted = int(second.meeting.zoom_id == first.meeting.zoom_id)
    for database in (db, other_db):
        changes: list[Any] = []
        Reconciler(config, database, ZoomClient(config.zoom), clock=clock).run(
            on_change=changes.append)
        assert [c.action for c in changes] == ["report"]
        foreign_adopted += sum(1 for c in changes if c.action == "adopted")
    clock.now = datetime(2026, 11, 24, 4, 0, tzinfo=UTC) + timedelta(hours=3)
    assert Cleaner(other_db, ZoomClient(config.zoom), clock=clock).run().deleted == 1
    foreign_deleted = int(first.meeting.zoom_id not in live_on_sandbox(sandbox.url))
    assert (foreign_adopted, foreign_deleted) == (0, 0)
    assert live_of(db, first.code) == first.meeting.zoom_id
    assert second.meeting.zoom_id not in live_on_sandbox(sandbox.url)


# The proof itself --------------------------------------------------------------------------

def test_a_meeting_with_the_right_marker_at_another_time_is_not_adopted(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, clock: Clock,
        make_request: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    def died(*_: object, **__: object) -> ZoomMeeting:
        raise KeyboardInterrupt

    real = provisioner.client.create_meeting
    monkeypatch.setattr(provisioner.client, "create_meeting", died)
    with pytest.raises(KeyboardInterrupt):
        provisioner.submit(make_request(), preferred_host=ZOOM1)
    with db.session() as session:
        intent = session.scalars(select(Meeting)).one()
        tag, code = intent.owner_tag, intent.marker
    assert tag is not None
    # The right marker line, one hour off: not the reserved slot, so not the intent's meeting.
    moved = sandbox_meeting(sandbox.url, datetime(2026, 11, 24, 2, 0, tzinfo=UTC), 180,
                            host=ZOOM1, agenda=agenda_with_marker("", code, tag))
    monkeypatch.setattr(provisioner.client, "create_meeting", real)
    clock.advance(seconds=INTENT_LEASE.total_seconds() + 1)

    result = provisioner.provision(code)

    assert result.meeting is not None
    assert result.meeting.zoom_id != moved
    assert moved in live_on_sandbox(sandbox.url)


@pytest.mark.parametrize("field", ["topic", "agenda"])
@pytest.mark.parametrize("text", ["Tindak lanjut [ZM-2026-0002]", "lihat [zm - 2026 - 7]",
                                  "［ＺＭ－２０２６－０００１］", "[zoomsvc ZM-2026-0001 abc]"])
def test_requester_text_shaped_like_a_marker_is_refused_naming_the_field(
        make_request: Callable[..., dict[str, Any]], field: str, text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_request(make_request(**{field: text}), WITA)
    assert caught.value.field == field
    assert "penanda" in caught.value.message


@pytest.mark.parametrize("text", ["Rapat ZM 2026", "[Catatan] ZM-2026-0001", "Agenda [1]"])
def test_ordinary_text_is_not_taken_for_a_marker(text: str) -> None:
    assert not marker_like(text)


def test_only_an_exact_last_line_is_read_as_the_marker() -> None:
    line = agenda_with_marker("Agenda", "ZM-2026-0001", "A" * 24)
    marker = read_marker(line)
    assert marker is not None
    assert (marker.code, marker.tag) == ("ZM-2026-0001", "A" * 24)
    assert read_marker(line + "\nteks tambahan") is None
    assert read_marker("[ZM-2026-0001]") is None
    assert read_marker(f"x {line.splitlines()[-1]}") is None


# Reservations made before owner tags ---------------------------------------------------------

def legacy_intent(db: Database, code: str) -> None:
    """The request's reservation as a version without owner tags left it."""
    with db.serialized_write() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        row = rec.active_meeting(session, request.id)
        assert row is not None
        row.owner_tag = None


def test_a_legacy_reservation_is_never_resumed_by_text_and_asks_staff_to_link(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, clock: Clock,
        make_request: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_request()
    real = provisioner.client.create_meeting

    def died(*_: object, **__: object) -> ZoomMeeting:
        raise KeyboardInterrupt

    monkeypatch.setattr(provisioner.client, "create_meeting", died)
    with pytest.raises(KeyboardInterrupt):
        provisioner.submit(body, preferred_host=ZOOM1)
    legacy_intent(db, "ZM-2026-0001")
    old = sandbox_meeting(sandbox.url, datetime(2026, 11, 24, 1, 0, tzinfo=UTC), 180,
                          host=ZOOM1, agenda="Koordinasi\n\n[ZM-2026-0001]")
    monkeypatch.setattr(provisioner.client, "create_meeting", real)
    clock.advance(seconds=INTENT_LEASE.total_seconds() + 1)

    with pytest.raises(ProvisioningFailed, match="zoomsvc meeting link"):
        provisioner.submit(body)

    assert live_of(db, "ZM-2026-0001") is None
    assert open_flags(db) == ["ownership_conflict"]
    assert sandbox_stats(sandbox.url)["creates"] == 0
    assert old in live_on_sandbox(sandbox.url)


def test_reconcile_flags_a_code_only_meeting_of_a_legacy_reservation_and_keeps_it(
        provisioner: Provisioner, sandbox: SandboxServer, db: Database, config: Config,
        clock: Clock, make_request: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    def died(*_: object, **__: object) -> ZoomMeeting:
        raise KeyboardInterrupt

    monkeypatch.setattr(provisioner.client, "create_meeting", died)
    with pytest.raises(KeyboardInterrupt):
        provisioner.submit(make_request(), preferred_host=ZOOM1)
    legacy_intent(db, "ZM-2026-0001")
    old = sandbox_meeting(sandbox.url, datetime(2026, 11, 24, 1, 0, tzinfo=UTC), 180,
                          host=ZOOM1, agenda="Koordinasi\n\n[ZM-2026-0001]")
    clock.advance(seconds=INTENT_LEASE.total_seconds() + 1)

    changes: list[Any] = []
    Reconciler(config, db, ZoomClient(config.zoom), clock=clock).run(on_change=changes.append)

    assert [(c.action, c.zoom_id) for c in changes] == [("report", old)]
    assert "zoomsvc meeting link" in changes[0].detail
    with db.session() as session:
        request = rec.request_by_code(session, "ZM-2026-0001")
        assert request is not None
        assert [m.status for m in request.meetings] == ["intent"]  # kept for staff to decide
    assert old in live_on_sandbox(sandbox.url)
