"""The migrations (``zoomsvc.store.migrations``): from an empty database to the newest schema and
back, on SQLite and (with ``ZOOMSVC_TEST_DATABASE_URL``) on PostgreSQL, and the schema they make
is exactly the one the models describe."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from zoomsvc.store import Database
from zoomsvc.store import records as rec
from zoomsvc.store.db import SCHEMA_TABLES
from zoomsvc.store.migrate import MIGRATIONS, current_revision, head_revision, is_current, upgrade
from zoomsvc.store.models import AuditEvent, Base, Meeting, Request
from zoomsvc.workflow import CHAIN_KEYED, CHAIN_PLAIN, GENESIS_HASH, chain_hash

pytestmark = pytest.mark.uses_db  # CI runs these again on PostgreSQL


@pytest.fixture
def empty(db_url: str) -> Iterator[Database]:
    """A database with no schema at all (a new SQLite file, or a new PostgreSQL schema)."""
    database = Database(db_url)
    yield database
    database.dispose()


def alembic_config(database: Database) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database"] = database
    return config


def schema_drift(database: Database) -> list[Any]:
    """What autogenerate would write to bring the database to the models: nothing, ideally."""
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names())


def test_an_empty_database_upgraded_to_head_matches_the_models_exactly(empty: Database) -> None:
    assert current_revision(empty) is None
    assert not is_current(empty)

    before, after = upgrade(empty)

    assert (before, after) == (None, head_revision())
    assert is_current(empty)
    assert empty.missing_tables() == []
    assert tables(empty) == set(SCHEMA_TABLES)
    assert schema_drift(empty) == []


def test_downgrading_to_base_removes_everything_and_upgrading_again_restores_it(
        empty: Database) -> None:
    config = alembic_config(empty)
    upgrade(empty)

    command.downgrade(config, "base")

    assert current_revision(empty) is None
    assert tables(empty) <= {"alembic_version"}
    upgrade(empty)
    assert is_current(empty)
    assert schema_drift(empty) == []


def test_every_migration_steps_down_and_up_again_one_at_a_time(empty: Database) -> None:
    config = alembic_config(empty)
    revisions = [r.revision for r in ScriptDirectory(str(MIGRATIONS)).walk_revisions()]
    assert revisions[0] == head_revision()
    assert len(revisions) == len(set(revisions))  # one line of history, no branches
    upgrade(empty)
    for revision in revisions:
        assert current_revision(empty) == revision
        command.downgrade(config, "-1")
    assert current_revision(empty) is None
    for revision in reversed(revisions):
        command.upgrade(config, "+1")
        assert current_revision(empty) == revision
    assert schema_drift(empty) == []


def test_upgrading_a_current_database_changes_nothing(empty: Database) -> None:
    upgrade(empty)
    assert upgrade(empty) == (head_revision(), head_revision())
    assert schema_drift(empty) == []


def partial_predicate(database: Database) -> str:
    """The WHERE of the index that allows one active meeting per request, as reflected."""
    found = [i for i in inspect(database.engine).get_indexes("meetings")
             if i["name"] == "uq_meeting_active_request"]
    assert len(found) == 1
    assert found[0]["unique"]
    assert found[0]["column_names"] == ["request_id"]
    options = found[0].get("dialect_options", {})
    where = options.get("sqlite_where", options.get("postgresql_where"))
    return " ".join(str(where).replace('"', "").split())


def test_the_migrated_schema_refuses_a_second_active_meeting_per_request(empty: Database) -> None:
    # compare_metadata does not compare an index's WHERE, so the partial index is checked here:
    # its predicate as the database reflects it, and what it refuses and allows.
    upgrade(empty)
    predicate = partial_predicate(empty)
    assert "status" in predicate
    assert "intent" in predicate
    assert "live" in predicate
    at = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)

    def meeting(request_id: int, status: str) -> Meeting:
        return Meeting(request_id=request_id, marker="ZM-2026-0001", host="zoom1", status=status,
                       start_at=at, end_at=at + timedelta(hours=1), created_at=at)

    with empty.session() as session:
        request = Request(code="ZM-2026-0001", agency="Dinas Kesehatan", letter_number="440/1",
                          letter_date=date(2026, 11, 20), subject="s", topic="t", agenda="",
                          start_at=at, end_at=at + timedelta(hours=1), participants=10,
                          contact_name="c", contact_phone="p", contact_email="e@example.go.id",
                          state="scheduling", state_since=at, created_at=at)
        session.add(request)
        session.flush()
        request_id = request.id
        session.add_all([meeting(request_id, "deleted"), meeting(request_id, "gone_outside"),
                         meeting(request_id, "live")])
    for second in ("intent", "live"):
        with pytest.raises(IntegrityError), empty.session() as session:
            session.add(meeting(request_id, second))


def _old_request(connection: Any, code: str, agency: str, number: str) -> None:
    at = datetime(2026, 11, 24, 1, 0)
    connection.execute(text(
        "INSERT INTO requests (code, agency, letter_number, letter_date, subject, topic, agenda,"
        " start_at, end_at, participants, contact_name, contact_phone, contact_email, state,"
        " state_since, created_at) VALUES (:code, :agency, :number, :day, 's', 't', '', :at,"
        " :at, 10, 'c', 'p', 'e@example.go.id', 'approved', :at, :at)"),
        {"code": code, "agency": agency, "number": number, "day": date(2026, 11, 20), "at": at})


def test_0007_keys_existing_letters_and_keeps_old_duplicates_apart(empty: Database) -> None:
    config = alembic_config(empty)
    command.upgrade(config, "0005")
    with empty.engine.begin() as connection:
        _old_request(connection, "ZM-2026-0001", "Dinas Kesehatan", "440/101/DINKES/2026")
        # The defect: the same letter typed differently was stored a second time.
        _old_request(connection, "ZM-2026-0002", "Dinas Kesehatan", "440 / 101 / dinkes / 2026")
        _old_request(connection, "ZM-2026-0003", "Dinas Pendidikan", "440/101/DINKES/2026")
        _old_request(connection, "ZM-2026-0004", "Dinas Kesehatan", "\uff14\uff14\uff10/7")
        connection.execute(text(
            "INSERT INTO audit_events (seq, request_id, at, actor, role, to_state, note,"
            " sop_step, prev_hash, hash) VALUES (1, 1, :at, 'cli', 'staf', 'approved', '', '',"
            " :zero, :zero)"), {"at": datetime(2026, 11, 23), "zero": "0" * 64})

    command.upgrade(config, "0007")

    with empty.session() as session:
        rows = session.execute(select(Request.code, Request.letter_key))
        keys = {code: key for code, key in rows}
        numbers = set(session.scalars(select(Request.letter_number)))
        chains = set(session.scalars(select(AuditEvent.chain)))
    assert keys == {"ZM-2026-0001": "440/101/dinkes/2026",
                    "ZM-2026-0002": "440/101/dinkes/2026 [ZM-2026-0002]",
                    "ZM-2026-0003": "440/101/dinkes/2026", "ZM-2026-0004": "440/7"}
    assert "440 / 101 / dinkes / 2026" in numbers  # the text as typed is kept for printing
    assert chains == {1}
    with pytest.raises(IntegrityError), empty.engine.begin() as connection:
        _old_request(connection, "ZM-2026-0005", "Dinas Kesehatan", "440/101/DINKES/2026")
    # The service's own lookup reads the models of the newest schema.
    command.upgrade(config, "head")
    with empty.session() as session:
        found = rec.find_request(session, "Dinas Kesehatan", "440/\u200b101/Dinkes/2026")
        assert found is not None
        assert found.code == "ZM-2026-0001"

    command.downgrade(config, "0005")
    with empty.engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM requests")).scalar_one()
    assert count == 4
    assert "letter_key" not in {c["name"] for c in inspect(empty.engine).get_columns("requests")}


def _old_trail(connection: Any, events: int) -> None:
    """Events chained the way they were before 0007: plain SHA-256."""
    _old_request(connection, "ZM-2026-0001", "Dinas Kesehatan", "440/1")
    previous = GENESIS_HASH
    for seq in range(1, events + 1):
        event = AuditEvent(seq=seq, request_id=1, at=datetime(2026, 11, 23, seq, tzinfo=UTC),
                           actor="rina", role="staf", from_state=None, to_state="approved",
                           note=f"peristiwa {seq}", sop_step="1", elapsed_seconds=None,
                           sla_seconds=None)
        digest = chain_hash(previous, rec.event_fields(event))
        connection.execute(text(
            "INSERT INTO audit_events (seq, request_id, at, actor, role, to_state, note,"
            " sop_step, prev_hash, hash) VALUES (:seq, 1, :at, 'rina', 'staf', 'approved',"
            " :note, '1', :prev, :hash)"),
            {"seq": seq, "at": datetime(2026, 11, 23, seq), "note": f"peristiwa {seq}",
             "prev": previous, "hash": digest})
        previous = digest


def _breaks(database: Database) -> list[int]:
    with database.session() as session:
        return [b.seq for b in rec.verify_chain(rec.all_events(session))]


def test_0007_keys_an_intact_old_chain_and_downgrading_unkeys_it(empty: Database) -> None:
    config = alembic_config(empty)
    command.upgrade(config, "0005")
    with empty.engine.begin() as connection:
        _old_trail(connection, 4)

    command.upgrade(config, "0007")

    assert _breaks(empty) == []
    with empty.session() as session:
        assert set(session.scalars(select(AuditEvent.chain))) == {CHAIN_KEYED}
        assert list(rec.verify_chain(rec.all_events(session), key="x" * 40))  # another key
    command.downgrade(config, "0005")
    with empty.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT seq, note, prev_hash, hash FROM audit_events ORDER BY seq")).all()
    previous = GENESIS_HASH
    for seq, note, prev_hash, digest in rows:
        event = AuditEvent(seq=seq, request_id=1, at=datetime(2026, 11, 23, seq, tzinfo=UTC),
                           actor="rina", role="staf", from_state=None, to_state="approved",
                           note=note, sop_step="1", elapsed_seconds=None, sla_seconds=None)
        assert (prev_hash, digest) == (previous, chain_hash(previous, rec.event_fields(event)))
        previous = digest


def test_0007_leaves_an_old_chain_broken_where_it_was_broken(empty: Database) -> None:
    config = alembic_config(empty)
    command.upgrade(config, "0005")
    with empty.engine.begin() as connection:
        _old_trail(connection, 4)
        connection.execute(text("UPDATE audit_events SET note = 'diubah' WHERE seq = 3"))

    command.upgrade(config, "0007")

    found = _breaks(empty)
    assert found
    assert min(found) == 3
    with empty.session() as session:
        chains = dict(session.execute(select(AuditEvent.seq, AuditEvent.chain)).all())
    assert chains == {1: CHAIN_KEYED, 2: CHAIN_KEYED, 3: CHAIN_PLAIN, 4: CHAIN_PLAIN}
