"""The database of a run: SQLite in the work folder, or a fresh schema on PostgreSQL."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from zoomsvc.store import Database
from zoomsvc.store.migrate import upgrade


@contextlib.contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A fresh schema on the PostgreSQL of ``base``, dropped afterwards: the URL selecting it."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
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


def postgres_problem(url: str) -> str | None:
    """Why the PostgreSQL of ``url`` cannot be used here, or None when it answers."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


@contextlib.contextmanager
def database_url(kind: str, workdir: Path, postgres: str) -> Iterator[str]:
    """A migrated, empty database of ``kind`` (``sqlite`` or ``postgresql``)."""
    with contextlib.ExitStack() as stack:
        if kind == "sqlite":
            url = f"sqlite:///{workdir / f'zoomsvc-{uuid.uuid4().hex[:8]}.db'}"
        else:
            url = stack.enter_context(postgres_schema(postgres))
        db = Database(url)
        upgrade(db)
        db.dispose()
        yield url
