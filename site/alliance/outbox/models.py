from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alliance.database import Base, utcnow

# A message's life: pending -> sending -> sent; a failed try goes back to pending with a later
# next_attempt_at, until the last allowed try or a permanent refusal makes it failed. Staff may put a
# failed message back to pending (retry) or set it aside (discarded). A message whose kind has a
# composer is written by it when first claimed; a composer that finds nothing to send makes it dropped.
PENDING, SENDING, SENT, FAILED, DISCARDED, DROPPED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "discarded",
    "dropped",
)
STATUSES = (PENDING, SENDING, SENT, FAILED, DISCARDED, DROPPED)


class OutboxMessage(Base):
    """One email to send, written in the transaction of the change that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the message is for, e.g. "password-reset", "account-invitation"; picks a Notify template.
    kind: Mapped[str] = mapped_column(String(60))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # For a security message (a sign-in link) the body is emptied once sent or discarded, and the
    # back-office never shows it.
    body: Mapped[str] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(default=False)
    # JSON: extra headers, e.g. {"List-Unsubscribe": "<https://...>"}; only names in EXTRA_HEADERS.
    headers: Mapped[str] = mapped_column(Text, default="{}")
    # JSON list of {"filename", "content_type", "text"}: small text attachments such as an iCalendar file.
    attachments: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by the sender that claims the message; only that sender may record the outcome.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    # The transport's own id for the message (Notify's notification id), once sent.
    provider_id: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
