"""Interface strings get a review state per string and language.

Approvals, flags and translations an agency's file proposed, kept in the database so every node of a
server sees them.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only: the version still serving during an upgrade never reads it.
    op.create_table(
        "interface_string_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("lang", sa.String(10), nullable=False),
        sa.Column("key", sa.String(16), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("msgid", sa.Text(), nullable=False),
        sa.Column("english", sa.String(12), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("translation", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("by_email", sa.String(254), nullable=False),
        sa.Column("on", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("lang", "key", name="uq_interface_string_reviews_lang_key"),
    )


def downgrade() -> None:
    op.drop_table("interface_string_reviews")
