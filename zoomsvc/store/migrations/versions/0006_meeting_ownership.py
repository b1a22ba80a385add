"""The owner tag of a meeting: the unguessable half of the agenda marker that proves a Zoom
meeting was made by the service for this intent (a request code alone can be forged).

Rows made before this revision keep ``owner_tag`` empty: they are never adopted by text, staff
link their meetings explicitly (``zoomsvc meeting link``).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_tag", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("owner_tag")
