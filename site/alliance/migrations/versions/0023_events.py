"""Events with registration and a waiting list; outbox messages with list headers and attachments.

An outbox message may carry list headers and small text attachments (an iCalendar invitation).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Additive, with defaults: the version still serving during an upgrade never reads or writes them.
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("headers", sa.Text(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("attachments", sa.Text(), nullable=False, server_default="[]"))
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("venue_name", sa.String(200), nullable=False),
        sa.Column("venue_address", sa.Text(), nullable=False),
        sa.Column("step_free", sa.Boolean(), nullable=False),
        sa.Column("hearing_loop", sa.Boolean(), nullable=False),
        sa.Column("parking", sa.Boolean(), nullable=False),
        sa.Column("bsl", sa.Boolean(), nullable=False),
        sa.Column("interpreters", sa.String(100), nullable=False),
        sa.Column("joining_details", sa.Text(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("example_data", sa.Boolean(), nullable=False),
        sa.Column("seed_key", sa.String(60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("seed_key", name=op.f("uq_events_seed_key")),
    )
    op.create_index(op.f("ix_events_status"), "events", ["status"])
    op.create_table(
        "event_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(10), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("review_status", sa.String(40), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_texts_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_texts")),
        sa.UniqueConstraint("event_id", "lang", name="uq_event_texts_event_lang"),
    )
    op.create_table(
        "event_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("access_needs", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(10), nullable=False),
        sa.Column("cancel_salt", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_registrations_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registrations")),
    )
    op.create_index(
        "ix_event_registrations_event_status", "event_registrations", ["event_id", "status", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_event_registrations_event_status", table_name="event_registrations")
    op.drop_table("event_registrations")
    op.drop_table("event_texts")
    op.drop_index(op.f("ix_events_status"), table_name="events")
    op.drop_table("events")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("attachments")
        batch.drop_column("headers")
