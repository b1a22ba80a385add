"""What an agency asked to change, and whether a user wants e-mail about new work.

``change_requests``: an OPD's request, from its portal, to reschedule or cancel one of its
requests, with its note, until staff act on it. ``users.email`` and ``users.notify_by_email``:
where and whether the user is told by e-mail when something lands in their "Tugas saya" inbox
(when SMTP is set).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("requests.id"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
    )
    op.create_index("ix_change_requests_request_id", "change_requests", ["request_id"])
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("notify_by_email", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("notify_by_email")
        batch_op.drop_column("email")
    op.drop_index("ix_change_requests_request_id", table_name="change_requests")
    op.drop_table("change_requests")
