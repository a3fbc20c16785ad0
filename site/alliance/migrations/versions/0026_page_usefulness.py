"""Daily counts of "Is this page useful?" answers per page and language (no personal data).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only: the version still serving during an upgrade never reads or writes it.
    op.create_table(
        "page_usefulness",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("lang", sa.String(12), nullable=False),
        sa.Column("yes", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("no", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("day", "slug", "lang", name="pk_page_usefulness"),
    )


def downgrade() -> None:
    op.drop_table("page_usefulness")
