"""Indexes for the web pages at 100,000 requests: the filtered request list and the portal
(agency and/or state, newest meeting first, from the index alone) and a request's meetings.

Found with ``bench/web.py`` and EXPLAIN QUERY PLAN: the list filtered by state + agency searched
``ix_requests_state`` and sorted every matching row in a temporary B-tree; a request's page read
its meetings with a full scan of ``meetings`` (the partial unique index on ``request_id`` only
covers pending and live meetings).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_agency_state_start", ["agency", "state", "start_at"],
                              unique=False)
        batch_op.create_index("ix_requests_state_start", ["state", "start_at"], unique=False)
        batch_op.create_index("ix_requests_agency_start", ["agency", "start_at"], unique=False)
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_request_id"))
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_agency_start")
        batch_op.drop_index("ix_requests_state_start")
        batch_op.drop_index("ix_requests_agency_state_start")
