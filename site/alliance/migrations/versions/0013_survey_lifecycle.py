"""Survey versions, moderation, themes, "You said, we did" and retention.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _survey_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["survey_id"], ["surveys.id"], name=op.f(f"fk_{table}_survey_id_surveys"), ondelete="CASCADE"
    )


def _answer_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["answer_id"],
        ["survey_answers.id"],
        name=op.f(f"fk_{table}_answer_id_survey_answers"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    # New tables and nullable columns first: the version still serving never reads them. Versions of
    # one survey share a slug, so the slug alone stops being unique; the old code only ever made one.
    op.create_table(
        "survey_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("heard", sa.Text(), nullable=False),
        sa.Column("doing", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _survey_fk("survey_feedback"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_feedback")),
        sa.UniqueConstraint("survey_id", "lang", name="uq_survey_feedback_survey_lang"),
    )
    op.create_table(
        "survey_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        _survey_fk("survey_themes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_themes")),
        sa.UniqueConstraint("survey_id", "code", name="uq_survey_themes_survey_code"),
    )
    op.create_table(
        "survey_answer_reviews",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        _answer_fk("survey_answer_reviews"),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["staff_users.id"],
            name=op.f("fk_survey_answer_reviews_decided_by_staff_users"),
            ondelete="SET NULL",
        ),
        _survey_fk("survey_answer_reviews"),
        sa.PrimaryKeyConstraint("answer_id", name=op.f("pk_survey_answer_reviews")),
    )
    with op.batch_alter_table("survey_answer_reviews") as batch:
        batch.create_index(batch.f("ix_survey_answer_reviews_survey_id"), ["survey_id"], unique=False)
    op.create_table(
        "survey_answer_themes",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        _answer_fk("survey_answer_themes"),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["survey_themes.id"],
            name=op.f("fk_survey_answer_themes_theme_id_survey_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", "theme_id", name=op.f("pk_survey_answer_themes")),
    )
    op.create_table(
        "survey_feedback_quotes",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _answer_fk("survey_feedback_quotes"),
        _survey_fk("survey_feedback_quotes"),
        sa.PrimaryKeyConstraint("survey_id", "answer_id", name=op.f("pk_survey_feedback_quotes")),
    )
    with op.batch_alter_table("surveys") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("retain_months", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("based_on_id", sa.Integer(), nullable=True))
        batch.drop_constraint(batch.f("uq_surveys_slug"), type_="unique")
        batch.create_unique_constraint("uq_surveys_slug_version", ["slug", "version"])
        batch.create_foreign_key(
            batch.f("fk_surveys_based_on_id_surveys"), "surveys", ["based_on_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("surveys") as batch:
        batch.drop_constraint(batch.f("fk_surveys_based_on_id_surveys"), type_="foreignkey")
        batch.drop_constraint("uq_surveys_slug_version", type_="unique")
        batch.create_unique_constraint(batch.f("uq_surveys_slug"), ["slug"])
        batch.drop_column("based_on_id")
        batch.drop_column("retain_months")
        batch.drop_column("closed_at")
    for table in (
        "survey_feedback_quotes",
        "survey_answer_themes",
        "survey_answer_reviews",
        "survey_themes",
        "survey_feedback",
    ):
        op.drop_table(table)
