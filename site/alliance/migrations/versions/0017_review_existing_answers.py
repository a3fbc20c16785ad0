"""Every answer stored before reviews were made at submission gets its review once; an index serves the queue.

Moderation reviews (with their flags) are now made when a response is submitted, so no page has to
write when it is opened.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The columns as they are at this revision, so a later change to the model cannot break this step.
reviews = sa.table(
    "survey_answer_reviews",
    sa.column("answer_id", sa.Integer),
    sa.column("survey_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("flags", sa.Text),
    sa.column("urgent", sa.Boolean),
)


def upgrade() -> None:
    from alliance.surveys import review_queue, safeguarding

    op.create_index(
        "ix_survey_answer_reviews_queue", "survey_answer_reviews", ["survey_id", "status", "urgent"]
    )
    bind = op.get_bind()
    for (survey_id,) in bind.execute(sa.text("SELECT id FROM surveys")).all():
        rows = bind.execute(
            review_queue._free_text_answers(survey_id)
            .outerjoin(reviews, reviews.c.answer_id == sa.literal_column("survey_answers.id"))
            .where(reviews.c.answer_id.is_(None))
        ).all()
        found = []
        for answer_id, value, lang, _key in rows:
            flags, urgent = safeguarding.flags_for(value, lang)
            found.append(
                {
                    "answer_id": answer_id,
                    "survey_id": survey_id,
                    "status": "pending",
                    "flags": json.dumps(flags),
                    "urgent": urgent,
                }
            )
        if found:
            op.bulk_insert(reviews, found)


def downgrade() -> None:
    # The reviews stay: the previous version made the same rows when the queue was opened.
    op.drop_index("ix_survey_answer_reviews_queue", table_name="survey_answer_reviews")
