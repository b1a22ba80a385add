"""The identity of a letter is its normalised number; audit events say how they are chained.

``requests.letter_key`` holds :func:`zoomsvc.letter_key.letter_key` of the number as typed, and
the unique constraint moves from (agency, letter_number) to (agency, letter_key): the same letter
typed with other capitals, spaces, full-width digits or a zero-width space is one request.
Existing rows get their key here. Where old data already holds the same letter twice for one
agency (the defect this fixes), the first request keeps the plain key and each later one gets
``<key> [<its code>]``: a key made by ``letter_key`` never contains capitals, so such a key never
matches a new submission, and both requests stay readable.

``audit_events.chain`` is 1 for every existing event (plain SHA-256) and 2 for the events
written from now on (HMAC-SHA256 under the configured audit key); ``zoomsvc audit verify``
accepts plain events only before the first keyed one.

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from zoomsvc.letter_key import letter_key

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 1000
requests = sa.table("requests", sa.column("id", sa.Integer), sa.column("code", sa.String),
                    sa.column("agency", sa.String), sa.column("letter_number", sa.String),
                    sa.column("letter_key", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letter_key", sa.String(length=220), nullable=True))
    _fill_letter_keys()
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.alter_column("letter_key", existing_type=sa.String(length=220), nullable=False)
        batch_op.drop_constraint("uq_request_letter", type_="unique")
        batch_op.create_unique_constraint("uq_request_letter_key", ["agency", "letter_key"])
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.Integer(), server_default=sa.text("1"),
                                      nullable=False))


def _fill_letter_keys() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(requests.c.id, requests.c.code, requests.c.agency,
                                        requests.c.letter_number).order_by(requests.c.id))
    seen: set[tuple[str, str]] = set()
    changes: list[dict[str, object]] = []
    for row_id, code, agency, number in rows.all():
        key = letter_key(number)
        if (agency, key) in seen:
            key = f"{key} [{code}]"
        seen.add((agency, key))
        changes.append({"row_id": row_id, "key": key})
    statement = (sa.update(requests).where(requests.c.id == sa.bindparam("row_id"))
                 .values(letter_key=sa.bindparam("key")))
    for start in range(0, len(changes), BATCH):
        connection.execute(statement, changes[start:start + BATCH])


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("chain")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_constraint("uq_request_letter_key", type_="unique")
        batch_op.create_unique_constraint("uq_request_letter", ["agency", "letter_number"])
        batch_op.drop_column("letter_key")
