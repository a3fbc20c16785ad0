"""Clinical trials recruiting locally, and their local sites.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registry_id", sa.String(length=40), nullable=False),
        sa.Column("nct_id", sa.String(length=20), nullable=True),
        sa.Column("isrctn_id", sa.String(length=20), nullable=True),
        sa.Column("iras_id", sa.String(length=20), nullable=True),
        sa.Column("cpms_id", sa.String(length=20), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("official_title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("cancer_types", sa.String(length=200), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=False),
        sa.Column("overall_status", sa.String(length=40), nullable=False),
        sa.Column("min_age", sa.Float(), nullable=True),
        sa.Column("max_age", sa.Float(), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("registry_url", sa.String(length=500), nullable=False),
        sa.Column("bpor_url", sa.String(length=500), nullable=False),
        sa.Column("first_posted", sa.Date(), nullable=True),
        sa.Column("last_updated", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("example_data", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trials")),
        sa.UniqueConstraint("registry_id", name=op.f("uq_trials_registry_id")),
    )
    with op.batch_alter_table("trials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trials_overall_status"), ["overall_status"], unique=False)

    op.create_table(
        "trial_sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trial_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("hospital", sa.String(length=255), nullable=False),
        sa.Column("trust", sa.String(length=255), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("contact_name", sa.String(length=255), nullable=False),
        sa.Column("contact_phone", sa.String(length=60), nullable=False),
        sa.Column("contact_email", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["trial_id"], ["trials.id"], name=op.f("fk_trial_sites_trial_id_trials"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trial_sites")),
    )
    with op.batch_alter_table("trial_sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trial_sites_trial_id"), ["trial_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trial_sites_locality"), ["locality"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trial_sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trial_sites_locality"))
        batch_op.drop_index(batch_op.f("ix_trial_sites_trial_id"))
    op.drop_table("trial_sites")
    with op.batch_alter_table("trials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trials_overall_status"))
    op.drop_table("trials")
