"""Alembic environment: runs online against the engine of the :class:`Database` passed in."""

from __future__ import annotations

from alembic import context

from zoomsvc.store.db import Database
from zoomsvc.store.models import Base

database: Database = context.config.attributes["database"]

with database.engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=database.is_sqlite,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
