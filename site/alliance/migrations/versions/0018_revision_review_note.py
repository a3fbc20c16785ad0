"""A publisher can send a revision in review back to its author with a note saying what to change.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Additive and nullable: the version still serving during an upgrade never reads or writes it.
    with op.batch_alter_table("page_revisions") as batch:
        batch.add_column(sa.Column("review_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("page_revisions") as batch:
        batch.drop_column("review_note")
