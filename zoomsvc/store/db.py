"""The database connection: engine set-up, sessions, serialized allocation, schema checks.

SQLite gets WAL, foreign keys and a busy timeout on every connection. Allocation (the calendar
check plus the reservation of a slot, or a counter increment) must never interleave between two
workers: on SQLite it runs in a ``BEGIN IMMEDIATE`` transaction (one writer at a time), on
PostgreSQL under a transaction-level advisory lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from zoomsvc.config.load import DEMO_AUDIT_KEY

SQLITE_BUSY_TIMEOUT_MS = 30_000
AUDIT_KEY_INFO = "zoomsvc_audit_key"  # where a session carries the audit chain's key
WRITER_LOCK_KEY = 0x7A6F6F6D  # "zoom": the advisory lock that serializes every write
SCHEMA_TABLES = ("requests", "meetings", "audit_events", "counters", "letters", "downloads",
                 "users", "api_tokens", "job_locks", "webhook_events", "meeting_sync",
                 "attention_flags", "change_requests", "alembic_version")


POSTGRES_EXTRA = "pasang ekstra postgres: pip install 'zoomsvc[postgres]'"


class SchemaMissing(RuntimeError):
    """The database has no (or an outdated) schema: run ``zoomsvc db upgrade``.

    Raised by :func:`zoomsvc.store.migrate.require_schema`: the schema's version is the
    migrations' business, and they build on this module, not the other way round."""


class DriverMissing(RuntimeError):
    """The Python driver of ``database.url`` is not installed (PostgreSQL without the extra)."""


class Database:
    """One engine and its session factory; ``serialized_write()`` gives a write transaction
    under the writer lock.

    ``audit_key`` keys the audit chain of every session (``session.info``); the service passes
    the configured one, tools and tests that leave it out get the public demo key.
    """

    def __init__(self, url: str, *, echo: bool = False, audit_key: str = DEMO_AUDIT_KEY) -> None:
        self.url = url
        self.audit_key = audit_key
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                                      "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except ModuleNotFoundError as exc:
            # psycopg is an optional extra: say how to get it instead of a traceback.
            backend = parsed.get_backend_name()
            advice = POSTGRES_EXTRA if backend == "postgresql" else "pasang driver tersebut"
            raise DriverMissing(f"driver basis data untuk database.url ({parsed.drivername}: "
                                f"modul {exc.name}) belum terpasang; {advice}") from exc
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        info = {AUDIT_KEY_INFO: audit_key}
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._writer = sessionmaker(self.engine.execution_options(zoomsvc_immediate=True),
                                    expire_on_commit=False, info=info)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends cleanly, rolled back otherwise."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def serialized_write(self) -> Iterator[Session]:
        """A write transaction that holds the database-wide writer lock: no other such
        transaction, in any process, interleaves with it. Every write of the service goes
        through here (allocating a slot on a host is one of them); reads use :meth:`session`."""
        with self._writer() as session, session.begin():
            if self.is_sqlite:
                # The session begins lazily: start BEGIN IMMEDIATE now, so that the block is
                # entered only once the lock is held, as with PostgreSQL below.
                session.connection()
            else:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                {"key": WRITER_LOCK_KEY})
            yield session

    def missing_tables(self) -> list[str]:
        """Tables of the current schema that the database lacks (empty when ready)."""
        present = set(inspect(self.engine).get_table_names())
        return [name for name in SCHEMA_TABLES if name not in present]

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("zoomsvc_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
