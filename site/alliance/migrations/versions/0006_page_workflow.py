"""Page workflow: each revision's status, author, approver and scheduled publication time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("page_revisions") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="published")
        )
        batch.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("publish_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_page_revisions_author_id_staff_users"), "staff_users", ["author_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_page_revisions_approved_by_id_staff_users"), "staff_users", ["approved_by_id"], ["id"]
        )
        batch.create_index(op.f("ix_page_revisions_status"), ["status"])
    # Seeded revisions that are not the published one were replaced by a newer file.
    op.execute(
        "UPDATE page_revisions SET status = 'superseded' WHERE id NOT IN "
        "(SELECT published_revision_id FROM page_locales WHERE published_revision_id IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("page_revisions") as batch:
        batch.drop_index(op.f("ix_page_revisions_status"))
        batch.drop_constraint(op.f("fk_page_revisions_approved_by_id_staff_users"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_page_revisions_author_id_staff_users"), type_="foreignkey")
        batch.drop_column("publish_at")
        batch.drop_column("approved_by_id")
        batch.drop_column("author_id")
        batch.drop_column("status")
