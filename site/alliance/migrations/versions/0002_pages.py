"""Pages: per-language versions with revision history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("section", sa.String(length=40), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("clinical", sa.Boolean(), nullable=False),
        sa.Column("easy_read_slug", sa.String(length=100), nullable=True),
        sa.Column("standard_slug", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        sa.UniqueConstraint("slug", name=op.f("uq_pages_slug")),
    )
    op.create_table(
        "page_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("next_review_due", sa.Date(), nullable=True),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("body_hash", sa.String(length=12), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("translated_from", sa.String(length=12), nullable=True),
        sa.Column("review_status", sa.String(length=40), nullable=True),
        sa.Column("translator_note", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_page_revisions_page_id_pages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_revisions")),
    )
    op.create_index(op.f("ix_page_revisions_page_id"), "page_revisions", ["page_id"])
    op.create_table(
        "page_locales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("published_revision_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_page_locales_page_id_pages"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["published_revision_id"], ["page_revisions.id"], name="fk_page_locales_published_revision"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_locales")),
        sa.UniqueConstraint("page_id", "lang", name="uq_page_locales_page_lang"),
    )


def downgrade() -> None:
    op.drop_table("page_locales")
    op.drop_index(op.f("ix_page_revisions_page_id"), table_name="page_revisions")
    op.drop_table("page_revisions")
    op.drop_table("pages")
