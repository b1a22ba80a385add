"""The identity of a letter is its normalised number; audit events say how they are chained.

``requests.letter_key`` holds :func:`zoomsvc.letter_key.letter_key` of the number as typed, and
the unique constraint moves from (agency, letter_number) to (agency, letter_key): the same letter
typed with other capitals, spaces, full-width digits or a zero-width space is one request.
Existing rows get their key here. Where old data already holds the same letter twice for one
agency (the defect this fixes), the first request keeps the plain key and each later one gets
``<key> [<its code>]``: a key made by ``letter_key`` never contains capitals, so such a key never
matches a new submission, and both requests stay readable.

``audit_events.chain`` says how an event's hash was made: 1 plain SHA-256 (before this
migration), 2 HMAC-SHA256 under the configured audit key. The existing chain is keyed here, from
the first event for as long as its plain links hold: a trail already broken before keeps its
plain events from the break on, so ``zoomsvc audit verify`` still reports the break instead of
this migration hiding it. Run ``zoomsvc db upgrade`` with the production audit key configured.
Downgrading rechains the events with plain SHA-256 the same way.

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import context, op

from zoomsvc.letter_key import letter_key
from zoomsvc.store.models import AuditEvent, UTCDateTime
from zoomsvc.store.records import event_fields
from zoomsvc.workflow import CHAIN_KEYED, CHAIN_PLAIN, GENESIS_HASH, chain_hash, keyed_chain_hash

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 1000
requests = sa.table("requests", sa.column("id", sa.Integer), sa.column("code", sa.String),
                    sa.column("agency", sa.String), sa.column("letter_number", sa.String),
                    sa.column("letter_key", sa.String))
FIELDS = ("seq", "request_id", "at", "actor", "role", "from_state", "to_state", "note",
          "sop_step", "elapsed_seconds", "sla_seconds")
events = sa.table("audit_events", sa.column("id", sa.Integer), sa.column("at", UTCDateTime()),
                  *(sa.column(name) for name in FIELDS if name != "at"),
                  sa.column("prev_hash", sa.String), sa.column("hash", sa.String),
                  sa.column("chain", sa.Integer))
Link = Callable[[str, dict[str, object]], str]


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
    key = _audit_key()
    _rechain(chain_hash, lambda prev, fields: keyed_chain_hash(key, prev, fields), CHAIN_KEYED)


def _audit_key() -> str:
    key: str = context.config.attributes["database"].audit_key
    return key


def _rechain(old_link: Link, new_link: Link, chain: int) -> None:
    """Recompute the hashes with ``new_link`` for as long as the ``old_link`` chain holds."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(events).order_by(events.c.seq)).all()
    old_prev, new_prev, expected_seq = GENESIS_HASH, GENESIS_HASH, 1
    changes: list[dict[str, object]] = []
    for row in rows:
        fields = event_fields(AuditEvent(**{name: getattr(row, name) for name in FIELDS}))
        if (row.seq != expected_seq or row.prev_hash != old_prev
                or old_link(row.prev_hash, fields) != row.hash):
            break  # already broken: the events from here on stay as they are
        new_hash = new_link(new_prev, fields)
        changes.append({"row_id": row.id, "prev": new_prev, "new": new_hash, "chain_v": chain})
        old_prev, new_prev, expected_seq = row.hash, new_hash, row.seq + 1
    statement = (sa.update(events).where(events.c.id == sa.bindparam("row_id"))
                 .values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("new"),
                         chain=sa.bindparam("chain_v")))
    for start in range(0, len(changes), BATCH):
        connection.execute(statement, changes[start:start + BATCH])


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
    key = _audit_key()
    _rechain(lambda prev, fields: keyed_chain_hash(key, prev, fields), chain_hash, CHAIN_PLAIN)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("chain")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_constraint("uq_request_letter_key", type_="unique")
        batch_op.create_unique_constraint("uq_request_letter", ["agency", "letter_number"])
        batch_op.drop_column("letter_key")
