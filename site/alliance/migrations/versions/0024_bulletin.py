"""E-bulletin subscribers: double opt-in, topics and language, one-click unsubscribe.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: the version still serving during an upgrade never reads it.
    op.create_table(
        "bulletin_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("lang", sa.String(10), nullable=False),
        sa.Column("topics", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("salt", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin_subscribers")),
    )
    op.create_index(op.f("ix_bulletin_subscribers_email"), "bulletin_subscribers", ["email"])
    op.create_index(op.f("ix_bulletin_subscribers_status"), "bulletin_subscribers", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bulletin_subscribers_status"), table_name="bulletin_subscribers")
    op.drop_index(op.f("ix_bulletin_subscribers_email"), table_name="bulletin_subscribers")
    op.drop_table("bulletin_subscribers")
