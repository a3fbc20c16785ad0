"""The people's panel: members (erased when they leave) and their equality answers, kept apart.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

EQUALITY = (
    "age_band",
    "sex",
    "gender_identity",
    "sexual_orientation",
    "ethnic_group",
    "religion",
    "disability",
    "carer",
    "pregnancy",
)


def upgrade() -> None:
    # New tables: the version still serving during an upgrade never reads them.
    op.create_table(
        "panel_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("ways", sa.String(60), nullable=False),
        sa.Column("locality", sa.String(60), nullable=False),
        sa.Column("languages", sa.String(100), nullable=False),
        sa.Column("lang", sa.String(10), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("salt", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_members")),
    )
    op.create_index(op.f("ix_panel_members_status"), "panel_members", ["status"])
    op.create_table(
        "panel_equality",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        *[sa.Column(name, sa.String(40), nullable=True) for name in EQUALITY],
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_equality")),
    )


def downgrade() -> None:
    op.drop_table("panel_equality")
    op.drop_index(op.f("ix_panel_members_status"), table_name="panel_members")
    op.drop_table("panel_members")
