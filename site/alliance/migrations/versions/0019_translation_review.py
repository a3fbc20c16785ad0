"""Translation review: reviewers per language; who reviewed a translation, when, against which English.

Page revisions, survey languages and directory translations record the review; survey languages and
directory translations also keep the comment when a reviewer sends a translation back.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

REVIEWED_TABLES = ("page_revisions", "survey_languages", "directory_translations")


def upgrade() -> None:
    # Additive and nullable (or defaulted): the version still serving during an upgrade never reads them.
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(
            sa.Column("review_languages", sa.String(length=100), nullable=False, server_default="")
        )
    for table in REVIEWED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("reviewed_by", sa.String(length=120), nullable=True))
            batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
            batch.add_column(sa.Column("reviewed_english", sa.String(length=12), nullable=True))
            if table != "page_revisions":  # page revisions have had review_note since 0018
                batch.add_column(sa.Column("review_note", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in REVIEWED_TABLES:
        with op.batch_alter_table(table) as batch:
            if table != "page_revisions":
                batch.drop_column("review_note")
            batch.drop_column("reviewed_english")
            batch.drop_column("reviewed_at")
            batch.drop_column("reviewed_by")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("review_languages")
