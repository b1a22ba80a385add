"""Lifecycle: job locks, webhook events, what Zoom said about each meeting, attention flags.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from zoomsvc.store.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "job_locks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("last_result", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("event", sa.String(length=80), nullable=True),
        sa.Column("event_ts", sa.BigInteger(), nullable=True),
        sa.Column("zoom_id", sa.BigInteger(), nullable=True),
        sa.Column("dedup_key", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("remote", sa.String(length=100), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedup_key"),
    )
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_events_received_at"), ["received_at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_webhook_events_zoom_id"), ["zoom_id"], unique=False)

    op.create_table(
        "meeting_sync",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("last_change_ts", sa.BigInteger(), nullable=True),
        sa.Column("last_status_ts", sa.BigInteger(), nullable=True),
        sa.Column("zoom_status", sa.String(length=20), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_count", sa.Integer(), nullable=False),
        sa.Column("zoom_topic", sa.String(length=200), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_outside_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"]),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_table(
        "attention_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("zoom_id", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"]),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attention_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attention_flags_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_attention_flags_request_id"), ["request_id"],
                              unique=False)


def downgrade() -> None:

    with op.batch_alter_table("attention_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attention_flags_request_id"))
        batch_op.drop_index(batch_op.f("ix_attention_flags_key"))

    op.drop_table("attention_flags")
    op.drop_table("meeting_sync")
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_events_zoom_id"))
        batch_op.drop_index(batch_op.f("ix_webhook_events_received_at"))

    op.drop_table("webhook_events")
    op.drop_table("job_locks")
