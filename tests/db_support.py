"""A migrated database per test without running Alembic per test.

The schema is built once per test process, by the real migrations, and then copied for each
test: on SQLite the template file is copied into the test's path; on PostgreSQL the SQL the
migrations sent is recorded once and replayed into the test's own (empty) schema. Either way the
test gets exactly what ``zoomsvc db upgrade`` makes. Tests of the migrations themselves keep
calling :func:`zoomsvc.store.migrate.upgrade` on an empty database.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from zoomsvc.store import Database
from zoomsvc.store.migrate import upgrade

Statement = tuple[str, Any]


@cache
def _sqlite_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="zoomsvc-schema-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()  # the last connection checkpoints the WAL into the file
    return path


@cache
def _postgres_script(server: str) -> tuple[Statement, ...]:
    """The statements the migrations send to an empty schema on ``server`` (a URL)."""
    schema = f"t_tmpl_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server else "?"
    database = Database(f"{server}{separator}options={quote(f'-csearch_path={schema}')}")
    statements: list[Statement] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
               executemany: bool) -> None:
        statements.append((statement, list(parameters) if executemany else parameters))

    # Connect once before recording: the dialect's own start-up queries are not the schema's.
    with database.engine.connect():
        pass
    event.listen(database.engine, "before_cursor_execute", record)
    try:
        upgrade(database)
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
        database.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return tuple(statements)


def _replay(url: str, statements: Sequence[Statement]) -> bool:
    """Run ``statements`` in the empty schema of ``url``; False when it is not empty."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if connection.execute(text("SELECT to_regclass('alembic_version')")).scalar():
                return False
            for statement, parameters in statements:
                if parameters:
                    connection.exec_driver_sql(statement, parameters)
                else:
                    connection.exec_driver_sql(statement)
    finally:
        engine.dispose()
    return True


def _upgrade(url: str) -> None:
    database = Database(url)
    try:
        upgrade(database)
    finally:
        database.dispose()


def migrate_from_template(url: str) -> None:
    """Give the empty database at ``url`` the current schema, copied from the template.

    A database that is not new (a SQLite file that exists, a schema with tables) is migrated
    the ordinary way instead.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        target = Path(parsed.database or "")
        if parsed.database in (None, "", ":memory:") or target.exists():
            _upgrade(url)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_sqlite_template(), target)
        return
    if not _replay(url, _postgres_script(url.split("?", 1)[0])):
        _upgrade(url)
