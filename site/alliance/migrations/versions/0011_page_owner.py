"""Pages record the team or role that keeps them reviewed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Additive and nullable: the version still serving during an upgrade never reads or writes it.
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("owner")
