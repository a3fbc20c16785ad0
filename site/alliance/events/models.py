from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.database import Base, utcnow

# An event's life: draft -> published (-> cancelled). Only published events are public.
DRAFT, PUBLISHED, CANCELLED = "draft", "published", "cancelled"
EVENT_STATUSES = (DRAFT, PUBLISHED, CANCELLED)
FORMATS = ("in_person", "online", "both")

# A registration's life: booked or waiting -> cancelled; waiting -> booked when a place comes free.
BOOKED, WAITING, WITHDRAWN = "booked", "waiting", "cancelled"


class Event(Base):
    """An event or involvement opportunity: when, where, how accessible, how many places."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    # Stored in UTC; shown in Europe/London.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    format: Mapped[str] = mapped_column(String(20), default="in_person")
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    venue_address: Mapped[str] = mapped_column(Text, default="")
    step_free: Mapped[bool] = mapped_column(default=False)
    hearing_loop: Mapped[bool] = mapped_column(default=False)
    parking: Mapped[bool] = mapped_column(default=False)
    bsl: Mapped[bool] = mapped_column(default=False)
    # Space-separated site language codes for which an interpreter will be there.
    interpreters: Mapped[str] = mapped_column(String(100), default="")
    # How to join online: sent to people with a place, never shown on the public page.
    joining_details: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(default=20)
    # Bumped by every registration and cancellation: the UPDATE that bumps it takes the row's lock,
    # so places are counted by one writer at a time on either engine.
    lock_version: Mapped[int] = mapped_column(default=0)
    example_data: Mapped[bool] = mapped_column(default=False)
    # The key of an example event `flask seed` added (content/events/events.json); None for staff's own.
    seed_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    texts: Mapped[list["EventText"]] = relationship(back_populates="event", cascade="all, delete-orphan")


class EventText(Base):
    """An event's title, summary and description in one language (English first)."""

    __tablename__ = "event_texts"
    __table_args__ = (UniqueConstraint("event_id", "lang", name="uq_event_texts_event_lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    review_status: Mapped[str | None] = mapped_column(String(40))
    event: Mapped[Event] = relationship(back_populates="texts")


class Registration(Base):
    """A person's place (or place on the waiting list) at an event. Name, email and access needs are
    erased a set time after the event; the row stays, so numbers are kept."""

    __tablename__ = "event_registrations"
    __table_args__ = (Index("ix_event_registrations_event_status", "event_id", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    access_needs: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(10), default="en")
    # Random; with the site's secret key it makes the token of the person's cancel link (services.
    # cancel_token). The token itself is only ever in their emails.
    cancel_salt: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a waiting place became a booked one.
    offered_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
