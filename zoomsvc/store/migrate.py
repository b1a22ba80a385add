"""Alembic migrations run from code (no alembic.ini): ``zoomsvc db upgrade`` and schema checks."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from zoomsvc.store.db import Database, SchemaMissing

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _alembic_config(db: Database) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database"] = db
    return config


def head_revision() -> str | None:
    """The newest migration shipped with this version."""
    script = ScriptDirectory(str(MIGRATIONS))
    return script.get_current_head()


def current_revision(db: Database) -> str | None:
    """The migration the database is at (None when it has none)."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_current(db: Database) -> bool:
    """Whether the database is at the newest migration."""
    return current_revision(db) == head_revision()


def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Create or migrate the schema; returns (before, after) revisions."""
    before = current_revision(db)
    command.upgrade(_alembic_config(db), revision)
    return before, current_revision(db)


def require_schema(db: Database) -> None:
    """Raise :class:`~zoomsvc.store.db.SchemaMissing` saying what to do when the schema is
    missing or older than this version's migrations."""
    missing = db.missing_tables()
    if missing:
        raise SchemaMissing(f"skema basis data belum dibuat (tabel {', '.join(missing)} "
                            "tidak ada): jalankan 'zoomsvc db upgrade'")
    if not is_current(db):
        raise SchemaMissing("skema basis data usang: jalankan 'zoomsvc db upgrade'")
