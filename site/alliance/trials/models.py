"""Clinical trials recruiting in the Alliance's area, and the local hospitals taking part."""

from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.database import Base, utcnow


class Trial(Base):
    """One trial, keyed by its registry id (NCT..., or ISRCTN... for trials added by hand)."""

    __tablename__ = "trials"

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_id: Mapped[str] = mapped_column(String(40), unique=True)
    nct_id: Mapped[str | None] = mapped_column(String(20))
    isrctn_id: Mapped[str | None] = mapped_column(String(20))
    iras_id: Mapped[str | None] = mapped_column(String(20))
    cpms_id: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    official_title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # JSON list of the registry's condition strings, as given.
    conditions: Mapped[str] = mapped_column(Text, default="[]")
    # The site's cancer types, comma-wrapped (",bowel,lung,") so one LIKE finds a type on any database.
    cancer_types: Mapped[str] = mapped_column(String(200), default=",other,")
    phase: Mapped[str] = mapped_column(String(40), default="")
    overall_status: Mapped[str] = mapped_column(String(40), index=True)
    # Years; None is an open bound (the registry gave no limit).
    min_age: Mapped[float | None] = mapped_column(Float)
    max_age: Mapped[float | None] = mapped_column(Float)
    sex: Mapped[str] = mapped_column(String(10), default="ALL")
    registry_url: Mapped[str] = mapped_column(String(500), default="")
    bpor_url: Mapped[str] = mapped_column(String(500), default="")
    first_posted: Mapped[date | None]
    last_updated: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(40))
    example_data: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sites: Mapped[list["TrialSite"]] = relationship(
        back_populates="trial", cascade="all, delete-orphan", order_by="TrialSite.position"
    )


class TrialSite(Base):
    """A local hospital taking part, with its own recruitment status and research team contact."""

    __tablename__ = "trial_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    hospital: Mapped[str] = mapped_column(String(255))
    trust: Mapped[str] = mapped_column(String(255), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    locality: Mapped[str] = mapped_column(String(100), default="", index=True)
    status: Mapped[str] = mapped_column(String(40))
    contact_name: Mapped[str] = mapped_column(String(255), default="")
    contact_phone: Mapped[str] = mapped_column(String(60), default="")
    contact_email: Mapped[str] = mapped_column(String(255), default="")
    trial: Mapped[Trial] = relationship(back_populates="sites")
