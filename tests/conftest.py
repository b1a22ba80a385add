"""Fixtures shared by the service tests: a sandbox, a configuration pointing at it, a database
(SQLite by default; PostgreSQL when ``ZOOMSVC_TEST_DATABASE_URL`` is set, one schema per test),
a controllable clock and a provisioner wired to all of them."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from db_support import migrate_from_template
from sqlalchemy import create_engine, text

from zoomsvc.config import Config, build_config, demo_document
from zoomsvc.provisioning import Provisioner
from zoomsvc.store import Database
from zoomsvc.zoom import ZoomClient
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

WITA = ZoneInfo("Asia/Makassar")
# A Monday morning: the next days are working days, so requests fit the service hours.
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=WITA)
PG_URL_ENV = "ZOOMSVC_TEST_DATABASE_URL"
# Fixture modules shared by several areas. Loaded here, before any test module imports them, so
# that pytest rewrites their asserts and no test module has to re-export their fixtures.
pytest_plugins = ("letters_support", "web_support", "zoom_support")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """On PostgreSQL, run in one process: the writer lock is an advisory lock, which is
    database-wide, not per schema, so tests in parallel workers would queue on each other's lock
    and the lock tests would count the other worker's sessions."""
    if os.environ.get(PG_URL_ENV) and getattr(config.option, "numprocesses", None):
        config.option.numprocesses = 0
        config.option.dist = "no"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that use a database, so CI can run just those again on PostgreSQL."""
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.uses_db)


class Clock:
    """A settable "now" for the service (aware, UTC)."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh Zoom sandbox on a free loopback port whose clock runs from the service's "now",
    so what is upcoming for the service is upcoming for the sandbox whatever the wall clock says."""
    started = time.time()
    with SandboxServer(SandboxOptions(clock=lambda: NOW.timestamp() + time.time() - started)
                       ) as server:
        yield server


def _postgres_schema_url(base: str) -> Iterator[str]:
    pytest.importorskip("psycopg", reason=f"{PG_URL_ENV} is set but the postgres extra (psycopg) "
                        "is not installed: pip install -e '.[test,postgres]'")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """SQLite in the test's folder, or a fresh schema on the PostgreSQL of the env var."""
    base = os.environ.get(PG_URL_ENV)
    if base:
        yield from _postgres_schema_url(base)
    else:
        yield f"sqlite:///{tmp_path / 'zoomsvc.db'}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated, empty database (a copy of one migrated once per run: see db_support)."""
    migrate_from_template(db_url)
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def config_document(sandbox: SandboxServer, db_url: str) -> dict[str, Any]:
    """The demo configuration pointed at this test's sandbox and database (editable)."""
    document = demo_document(sandbox.url)
    document["database"] = {"url": db_url}
    return document


@pytest.fixture
def config(config_document: dict[str, Any]) -> Config:
    """The validated configuration of :func:`config_document`."""
    return build_config(config_document, {}, source="test")


@pytest.fixture
def clock() -> Clock:
    """The service's "now": Monday 23 November 2026, 08.00 WITA."""
    return Clock()


@pytest.fixture
def client(config: Config) -> ZoomClient:
    """A Zoom client talking to the sandbox; back-off sleeps are real but short there."""
    return ZoomClient(config.zoom)


@pytest.fixture
def provisioner(config: Config, db: Database, client: ZoomClient, clock: Clock) -> Provisioner:
    """The provisioning service over the sandbox and the test database."""
    return Provisioner(config, db, client, clock=clock)


@pytest.fixture
def make_request() -> Callable[..., dict[str, Any]]:
    """A valid REQUEST.json body for Tuesday 24 November 2026, 09.00–12.00 WITA; override any
    field with keyword arguments."""
    def build(**overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "agency": "Dinas Kesehatan",
            "letter_number": f"440/{uuid.uuid4().hex[:6]}/DINKES/2026",
            "letter_date": "2026-11-20",
            "subject": "Permohonan Fasilitasi Zoom Meeting",
            "topic": "Rapat Koordinasi Percepatan Penurunan Stunting",
            "agenda": "Koordinasi lintas sektor",
            "start": "2026-11-24T09:00",
            "end": "2026-11-24T12:00",
            "participants": 150,
            "contact": {"name": "Rina Handayani", "phone": "0812-5500-1234",
                        "email": "rina@dinkes.example.go.id"},
        }
        body.update(overrides)
        return body

    return build
