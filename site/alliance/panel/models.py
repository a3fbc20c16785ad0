from datetime import date, datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alliance.database import Base, utcnow
from alliance.surveys.models import EqualityAnswers

ACTIVE, WITHDRAWN = "active", "withdrawn"
WAYS = ("reading", "meetings", "surveys")


class PanelMember(Base):
    """A person who asked to join the panel. Withdrawing erases who they are at once; the row stays
    (for the numbers) with nothing that says who."""

    __tablename__ = "panel_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE, index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    # Space-separated, from WAYS.
    ways: Mapped[str] = mapped_column(String(60), default="")
    locality: Mapped[str] = mapped_column(String(60), default="")
    # Space-separated site language codes they are happy to take part in.
    languages: Mapped[str] = mapped_column(String(100), default="")
    lang: Mapped[str] = mapped_column(String(10), default="en")
    # What they agreed to, as shown to them, and when.
    consent_text: Mapped[str] = mapped_column(Text, default="")
    consented_at: Mapped[datetime] = mapped_column(default=utcnow)
    salt: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]


class PanelEquality(EqualityAnswers, Base):
    """Equality-monitoring answers of panel members, with nothing linking them to a member."""

    __tablename__ = "panel_equality"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random
    submitted_on: Mapped[date]
