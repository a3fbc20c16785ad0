"""A request to make a clinical page non-clinical waits on the page for a second publisher.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Additive and nullable: the version still serving during an upgrade never reads or writes them.
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("clinical_change_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("clinical_change_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_pages_clinical_change_by_id_staff_users"),
            "staff_users",
            ["clinical_change_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.drop_constraint(op.f("fk_pages_clinical_change_by_id_staff_users"), type_="foreignkey")
        batch.drop_column("clinical_change_at")
        batch.drop_column("clinical_change_by_id")
