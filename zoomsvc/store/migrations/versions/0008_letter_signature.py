"""How a letter was signed, and the staff's holiday override of a request.

``letters``: the signing kind ("tte" or "basah"), the signer certificate's subject and the
result of the signature check, shown on the verification page. ``requests``: the reason staff
gave for holding a meeting on a holiday or in a break, so that a later re-check honours it.

Revision ID: 0008
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature_kind", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("signer_subject", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("signature_note", sa.Text(), nullable=True))
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holiday_override", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("holiday_override")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_column("signature_note")
        batch_op.drop_column("signer_subject")
        batch_op.drop_column("signature_kind")
