"""Storage (``zoomsvc.store``): UTC datetimes, counters, the one-live-meeting rule, the audit chain,
the schema check, SQLite's pragmas and the writer lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from zoomsvc.config.load import DEMO_AUDIT_KEY
from zoomsvc.store import Database, SchemaMissing
from zoomsvc.store import records as rec
from zoomsvc.store.migrate import head_revision, require_schema, upgrade
from zoomsvc.store.models import AuditEvent, Meeting, Request, UTCDateTime
from zoomsvc.workflow import (
    CHAIN_KEYED,
    CHAIN_PLAIN,
    GENESIS_HASH,
    Role,
    State,
    TransitionRefused,
    chain_hash,
    keyed_chain_hash,
)

WITA = ZoneInfo("Asia/Makassar")
START = datetime(2026, 11, 24, 9, 0, tzinfo=WITA)
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=WITA)


def new_request(session: Session, letter: str = "440/1/DINKES", **fields: object) -> Request:
    values: dict[str, object] = {
        "code": f"ZM-2026-{letter[-4:]}", "agency": "Dinas Kesehatan", "letter_number": letter,
        "letter_date": date(2026, 11, 20), "subject": "Permohonan Zoom", "topic": "Rapat",
        "agenda": "", "start_at": START, "end_at": START + timedelta(hours=3),
        "participants": 50, "contact_name": "Rina", "contact_phone": "0812-5500-1234",
        "contact_email": "rina@dinkes.example.go.id", "state": State.APPROVED.value,
        "state_since": NOW, "created_at": NOW,
    }
    values.update(fields)
    request = Request(**values)
    session.add(request)
    session.flush()
    return request


def new_meeting(request: Request, status: str, zoom_id: int | None = None) -> Meeting:
    return Meeting(request_id=request.id, marker=request.code, host="zoom1@example.go.id",
                   status=status, zoom_id=zoom_id, start_at=request.start_at,
                   end_at=request.end_at, created_at=NOW)


def trail_of_five(db: Database) -> None:
    """Two requests moved through a few states: five chained events, written with local (WITA)
    times on purpose: the chain must hold once they come back from the database in UTC."""
    with db.serialized_write() as session:
        for letter in ("440/1/A-0001", "440/2/B-0002"):
            request = new_request(session, letter)
            rec.append_event(session, request, actor="rina", role=Role.STAF, now=NOW,
                             note="surat", from_state=None, to_state=State.APPROVED)
            rec.transition(session, request, State.SCHEDULING, actor="rina", role=Role.STAF,
                           now=NOW + timedelta(minutes=1))
        rec.transition(session, request, State.FULL, actor="rina", role=Role.STAF,
                       now=NOW + timedelta(minutes=2), note="penuh")


def breaks(db: Database) -> list[rec.ChainBreak]:
    with db.session() as session:
        return list(rec.verify_chain(rec.all_events(session)))


def test_an_aware_datetime_comes_back_aware_in_utc(db: Database) -> None:
    with db.session() as session:
        request_id = new_request(session).id
    with db.session() as session:
        stored = session.get(Request, request_id)
        assert stored is not None
        assert stored.start_at.utcoffset() == timedelta(0)
        assert stored.start_at == START
        assert stored.start_at.hour == 1
        assert stored.letter_date == date(2026, 11, 20)


def test_a_naive_datetime_is_refused_before_it_reaches_the_database(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime refused"), \
            db.session() as session:
        new_request(session, start_at=datetime(2026, 11, 24, 9, 0))
    with db.session() as session:
        assert session.scalars(select(Request)).all() == []


def test_the_utc_type_refuses_naive_values_and_normalises_aware_ones() -> None:
    kind = UTCDateTime()
    sqlite = Database("sqlite://").engine.dialect
    with pytest.raises(ValueError, match="naive"):
        kind.process_bind_param(datetime(2026, 11, 24, 9, 0), sqlite)
    bound = kind.process_bind_param(START, sqlite)
    assert bound == datetime(2026, 11, 24, 1, 0)  # SQLite stores naive UTC
    assert kind.process_result_value(bound, sqlite) == START
    assert kind.process_bind_param(None, sqlite) is None


def test_a_sequence_counts_up_without_gaps(db: Database) -> None:
    with db.serialized_write() as session:
        numbers = [rec.next_in_sequence(session, "request", 2026) for _ in range(3)]
    with db.serialized_write() as session:
        numbers.append(rec.next_in_sequence(session, "request", 2026))
    assert numbers == [1, 2, 3, 4]


def test_each_year_and_each_name_has_its_own_sequence(db: Database) -> None:
    with db.serialized_write() as session:
        assert rec.next_in_sequence(session, "request", 2026) == 1
        assert rec.next_in_sequence(session, "request", 2026) == 2
        assert rec.next_in_sequence(session, "request", 2027) == 1
        assert rec.next_in_sequence(session, "letter", 2026) == 1
        assert rec.next_in_sequence(session, "request", 2026) == 3


def test_a_number_of_a_rolled_back_transaction_is_handed_out_again(db: Database) -> None:
    def allocate_then_fail() -> None:
        with db.serialized_write() as session:
            rec.next_in_sequence(session, "request", 2026)
            raise RuntimeError("the request was not stored")

    with pytest.raises(RuntimeError):
        allocate_then_fail()
    with db.serialized_write() as session:
        assert rec.next_in_sequence(session, "request", 2026) == 1


def test_the_database_refuses_a_second_live_meeting_for_one_request(db: Database) -> None:
    with db.session() as session:
        request = new_request(session)
        session.add(new_meeting(request, "live", zoom_id=81234567890))
    def add_intent() -> None:
        with db.session() as session:
            session.add(new_meeting(session.scalars(select(Request)).one(), "intent"))

    with pytest.raises(IntegrityError):
        add_intent()
    with db.session() as session:
        assert len(session.scalars(select(Meeting)).all()) == 1


def test_a_deleted_meeting_does_not_block_the_next_one(db: Database) -> None:
    with db.session() as session:
        request = new_request(session)
        session.add(new_meeting(request, "deleted", zoom_id=81234567890))
        session.add(new_meeting(request, "deleted", zoom_id=81234567891))
        session.add(new_meeting(request, "live", zoom_id=81234567892))
    with db.session() as session:
        request = session.scalars(select(Request)).one()
        assert rec.active_meeting(session, request.id) is not None
        assert len(request.meetings) == 3


def test_one_zoom_meeting_belongs_to_one_row_only(db: Database) -> None:
    def store_twice() -> None:
        with db.session() as session:
            first = new_request(session, "440/1/A-0001")
            second = new_request(session, "440/2/B-0002")
            session.add_all([new_meeting(first, "live", 81234567890),
                             new_meeting(second, "live", 81234567890)])

    with pytest.raises(IntegrityError):
        store_twice()


def test_one_agency_letter_is_one_request(db: Database) -> None:
    def record_twice() -> None:
        with db.session() as session:
            new_request(session, "440/1/A-0001", code="ZM-2026-0001")
            new_request(session, "440/1/A-0001", code="ZM-2026-0002")

    with pytest.raises(IntegrityError):
        record_twice()


def test_a_meeting_of_a_request_that_does_not_exist_is_refused(db: Database) -> None:
    orphan = Meeting(request_id=999, marker="ZM-2026-0999", host="zoom1", status="intent",
                     start_at=START, end_at=START, created_at=NOW)

    def store_orphan() -> None:
        with db.session() as session:
            session.add(orphan)

    with pytest.raises(IntegrityError):
        store_orphan()


def test_a_transition_appends_a_chained_event_with_its_sla(db: Database) -> None:
    with db.serialized_write() as session:
        request = new_request(session, state=State.SCHEDULING.value)
        event = rec.transition(session, request, State.SCHEDULED, actor="rina", role=Role.STAF,
                               now=NOW + timedelta(minutes=16), note="rapat Zoom 1")
        assert request.state == State.SCHEDULED
        assert event.seq == 1
        assert event.prev_hash == GENESIS_HASH
        assert (event.elapsed_seconds, event.sla_seconds) == (960, 900)
        assert event.note == "rapat Zoom 1 [melewati Mutu Baku]"


def test_a_refused_transition_writes_nothing(db: Database) -> None:
    with db.serialized_write() as session:
        request = new_request(session)
        with pytest.raises(TransitionRefused):
            rec.transition(session, request, State.SIGNED, actor="x", role=Role.KADIS, now=NOW)
        assert request.state == State.APPROVED
        assert session.scalars(select(AuditEvent)).all() == []


def test_an_untouched_trail_verifies(db: Database) -> None:
    trail_of_five(db)
    with db.session() as session:
        events = list(rec.all_events(session))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(events))
    assert breaks(db) == []


def test_a_changed_event_is_reported_by_its_seq(db: Database) -> None:
    trail_of_five(db)
    with db.session() as session:
        session.execute(text("UPDATE audit_events SET note = 'diubah' WHERE seq = 3"))
    found = breaks(db)
    assert [b.seq for b in found] == [3]
    assert "berubah" in found[0].problem


def test_a_changed_time_is_reported_too(db: Database) -> None:
    trail_of_five(db)
    with db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one()
        event.at = event.at - timedelta(hours=1)
    assert [b.seq for b in breaks(db)] == [2]


def test_a_deleted_event_is_reported_where_the_chain_breaks(db: Database) -> None:
    trail_of_five(db)
    with db.session() as session:
        session.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    found = breaks(db)
    assert {b.seq for b in found} == {4}
    assert any("melompat" in b.problem for b in found)
    assert any("tautan" in b.problem for b in found)


def test_a_removed_last_event_still_leaves_a_consistent_chain(db: Database) -> None:
    # Truncating the tail cannot be seen from the chain alone: the head hash must be kept
    # elsewhere (zoomsvc audit verify prints it for that reason).
    trail_of_five(db)
    with db.session() as session:
        session.execute(text("DELETE FROM audit_events WHERE seq = 5"))
    assert breaks(db) == []


def rewrite_and_recompute(db: Database, link: Callable[[str, dict[str, object]], str],
                          chain: int) -> None:
    """What someone with write access to the table does: change an event, then recompute
    every hash after it so that the links hold again."""
    with db.session() as session:
        events = list(rec.all_events(session))
        events[2].note = "tidak pernah terjadi"
        previous = events[1].hash
        for event in events[2:]:
            event.prev_hash, event.chain = previous, chain
            event.hash = previous = link(previous, rec.event_fields(event))


@pytest.mark.parametrize(("link", "chain"), [
    pytest.param(chain_hash, CHAIN_KEYED, id="plain-sha256"),
    pytest.param(chain_hash, CHAIN_PLAIN, id="marked-unkeyed"),
    pytest.param(lambda prev, fields: keyed_chain_hash("tebakan-kunci-" + "x" * 30, prev, fields),
                 CHAIN_KEYED, id="hmac-other-key"),
])
def test_a_rewritten_event_with_the_chain_recomputed_without_the_key_is_reported(
        db: Database, link: Callable[[str, dict[str, object]], str], chain: int) -> None:
    trail_of_five(db)
    rewrite_and_recompute(db, link, chain)
    found = breaks(db)
    assert found
    assert min(b.seq for b in found) == 3


def test_whoever_holds_the_key_can_recompute_the_chain(db: Database) -> None:
    # The limit of the keyed chain, said in the README: the key must stay off the database host.
    trail_of_five(db)
    rewrite_and_recompute(
        db, lambda prev, fields: keyed_chain_hash(db.audit_key, prev, fields), CHAIN_KEYED)
    assert breaks(db) == []


def test_events_are_keyed_with_the_databases_audit_key(db_url: str) -> None:
    keyed = Database(db_url, audit_key="kunci-audit-uji-" + "k" * 30)
    try:
        upgrade(keyed)
        trail_of_five(keyed)
        assert breaks(keyed) == []
        with keyed.session() as session:
            events = list(rec.all_events(session))
            assert {e.chain for e in events} == {CHAIN_KEYED}
            assert list(rec.verify_chain(events, key=DEMO_AUDIT_KEY))
    finally:
        keyed.dispose()


def test_an_inserted_event_is_reported(db: Database) -> None:
    trail_of_five(db)
    with db.session() as session:
        # Make room at seq 3 (in two steps: the seq column is unique at every row update).
        session.execute(text("UPDATE audit_events SET seq = seq + 100 WHERE seq >= 3"))
        session.execute(text("UPDATE audit_events SET seq = seq - 99 WHERE seq >= 100"))
    with db.session() as session:
        last = session.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one()
        session.add(AuditEvent(seq=3, request_id=last.request_id, at=NOW, actor="forger",
                               role="kadis", from_state="reviewed", to_state="signed", note="",
                               sop_step="9", prev_hash=last.hash, hash="f" * 64))
    found = breaks(db)
    assert {b.seq for b in found} >= {3}
    assert all(b.seq >= 3 for b in found)


def test_an_appended_event_with_a_made_up_hash_is_reported(db: Database) -> None:
    trail_of_five(db)
    with db.session() as session:
        last = session.scalars(select(AuditEvent).where(AuditEvent.seq == 5)).one()
        session.add(AuditEvent(seq=6, request_id=last.request_id, at=NOW, actor="forger",
                               role="kadis", from_state="full", to_state="draft_ready",
                               note="", sop_step="", prev_hash=last.hash, hash="0" * 64))
    assert [b.seq for b in breaks(db)] == [6]


def test_an_empty_database_is_told_to_run_db_upgrade(tmp_path: Path) -> None:
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(SchemaMissing, match="zoomsvc db upgrade") as caught:
        require_schema(empty)
    assert "requests" in str(caught.value)
    assert set(empty.missing_tables()) >= {"requests", "meetings", "audit_events",
                                           "alembic_version"}
    empty.dispose()


def test_an_outdated_schema_is_told_to_run_db_upgrade(db: Database) -> None:
    require_schema(db)
    with db.session() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(SchemaMissing, match="usang"):
        require_schema(db)


def test_upgrading_twice_changes_nothing(db: Database) -> None:
    assert upgrade(db) == (head_revision(), head_revision())
    assert db.missing_tables() == []


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    database.dispose()


def test_allocations_never_overlap_in_time(db: Database) -> None:
    inside = threading.Event()
    spans: dict[str, tuple[float, float]] = {}

    def first() -> None:
        with db.serialized_write() as session:
            rec.next_in_sequence(session, "lock", 2026)
            started = time.monotonic()
            inside.set()
            time.sleep(0.3)
            spans["first"] = (started, time.monotonic())

    def second() -> None:
        inside.wait(5)
        with db.serialized_write() as session:
            # The lock is taken by the transaction's first statement.
            assert rec.next_in_sequence(session, "lock", 2026) == 2
            started = time.monotonic()
            spans["second"] = (started, started)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert set(spans) == {"first", "second"}
    assert spans["second"][0] >= spans["first"][1]


def test_a_stored_time_reads_back_as_the_same_instant_in_any_zone(db: Database) -> None:
    wib = datetime(2026, 11, 24, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    with db.session() as session:
        request_id = new_request(session, start_at=wib).id
    with db.session() as session:
        stored = session.get(Request, request_id)
        assert stored is not None
        assert stored.start_at == START
        assert stored.start_at.tzinfo == UTC
