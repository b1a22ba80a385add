"""Alembic environment: runs online against the engine of the :class:`Database` passed in."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

from zoomsvc.store.db import Database
from zoomsvc.store.models import Base

database: Database = context.config.attributes["database"]


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # Outside any transaction (SQLite ignores the pragma inside one), on the driver connection.
    driver: Any = connection.connection.driver_connection
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


with database.engine.connect() as connection:
    if database.is_sqlite:
        # Batch mode copies a table and drops the old one; with foreign keys on, dropping a
        # table that other rows point to fails. SQLite's own procedure for such changes: keys
        # off around the transaction, and a foreign_key_check before it commits.
        _sqlite_foreign_keys(connection, on=False)
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            # SQLite cannot ALTER most things: batch mode copies the table instead.
            render_as_batch=database.is_sqlite,
        )
        with context.begin_transaction():
            context.run_migrations()
            if database.is_sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
        connection.commit()
    finally:
        if database.is_sqlite:
            _sqlite_foreign_keys(connection, on=True)
