"""Genetic testing: directory tests, local genetics services, page review dates.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "genetic_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("directory", sa.String(length=255), nullable=False),
        sa.Column("directory_version", sa.String(length=100), nullable=True),
        sa.Column("directory_date", sa.Date(), nullable=True),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("wording_status", sa.String(length=30), nullable=False),
        sa.Column("wording_note", sa.Text(), nullable=False),
        sa.Column("checked_against_url", sa.String(length=500), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_genetic_tests")),
        sa.UniqueConstraint("code", name=op.f("uq_genetic_tests_code")),
    )
    op.create_table(
        "genetics_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("locality", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("provider", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("referral_routes", sa.Text(), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("example_data", sa.Boolean(), nullable=False),
        sa.Column("verification_note", sa.Text(), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=True),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_genetics_services")),
        sa.UniqueConstraint("key", name=op.f("uq_genetics_services_key")),
    )
    with op.batch_alter_table("genetics_services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_genetics_services_locality"), ["locality"], unique=False)
    op.create_table(
        "genetics_page_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=40), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=False),
        sa.Column("next_review_due", sa.Date(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_genetics_page_reviews")),
        sa.UniqueConstraint("page", name=op.f("uq_genetics_page_reviews_page")),
    )


def downgrade() -> None:
    op.drop_table("genetics_page_reviews")
    with op.batch_alter_table("genetics_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_genetics_services_locality"))
    op.drop_table("genetics_services")
    op.drop_table("genetic_tests")
