"""Survey answers in progress live in a table keyed by a hash of a token in the session, not in the cookie.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: the version still serving during an upgrade keeps answers in its cookie and never
    # reads it; answers in progress at the switch are asked for again (the journey says the form expired).
    op.create_table(
        "survey_drafts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("survey_slug", sa.String(length=100), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_survey_drafts")),
    )
    op.create_index(op.f("ix_survey_drafts_updated_at"), "survey_drafts", ["updated_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_survey_drafts_updated_at"), table_name="survey_drafts")
    op.drop_table("survey_drafts")
