from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from alliance.database import Base, utcnow

# A subscription's life: pending (waiting for the person to confirm) -> confirmed -> unsubscribed.
PENDING, CONFIRMED, UNSUBSCRIBED = "pending", "confirmed", "unsubscribed"
TOPICS = ("screening", "support", "research", "get-involved")


class Subscriber(Base):
    """One email address that asked for the e-bulletin. Holds nothing but the address, its choices and
    its state; an unsubscribed address is erased (kept only as the row's state, for the numbers)."""

    __tablename__ = "bulletin_subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    lang: Mapped[str] = mapped_column(String(10), default="en")
    # Space-separated, from TOPICS.
    topics: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    # Random; with the site's secret key it makes the tokens of this subscriber's links (tokens.py).
    salt: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
