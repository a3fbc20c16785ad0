from datetime import date

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alliance.database import Base


class GeneticTest(Base):
    """A test from the NHS National Genomic Test Directory, as the public pages describe it."""

    __tablename__ = "genetic_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))  # "germline" (inherited) or "tumour"
    order: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str] = mapped_column(Text)  # plain English: who may be considered
    directory: Mapped[str] = mapped_column(String(255))
    directory_version: Mapped[str | None] = mapped_column(String(100))
    directory_date: Mapped[date | None]
    wording: Mapped[str] = mapped_column(Text)
    # "quotation-checked": copied word for word from the named source; "summary": not a quotation.
    wording_status: Mapped[str] = mapped_column(String(30))
    wording_note: Mapped[str] = mapped_column(Text, default="")
    checked_against_url: Mapped[str | None] = mapped_column(String(500))
    # Whose published copy of the directory a quotation was checked against (a genomic laboratory hub).
    quoted_from: Mapped[str | None] = mapped_column(String(200))
    checked_on: Mapped[date | None]
    # JSON list of {"title", "url"}.
    sources: Mapped[str] = mapped_column(Text, default="[]")
    # sha256 of the content record last seeded: a row staff have edited is left alone until the file changes.
    source_hash: Mapped[str] = mapped_column(String(64))


class GeneticsService(Base):
    """A service one locality uses: its clinical genetics service, laboratory hub or family history clinic."""

    __tablename__ = "genetics_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    locality: Mapped[str] = mapped_column(String(60), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # clinical-genetics, laboratory-hub, family-history-clinic
    order: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(255))
    provider: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # JSON list of {"route": "cancer-team" | "gp" | "family-history-clinic", "note": "..."}.
    referral_routes: Mapped[str] = mapped_column(Text, default="[]")
    website: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(255))
    # True when any detail of this record could not be checked against a public source.
    example_data: Mapped[bool] = mapped_column(default=False)
    verification_note: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str | None] = mapped_column(String(500))
    source_hash: Mapped[str] = mapped_column(String(64))


class GeneticsPageReview(Base):
    """Review dates and sources of one genetics page (tests, services, guide)."""

    __tablename__ = "genetics_page_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(40), unique=True)
    last_reviewed: Mapped[date]
    next_review_due: Mapped[date]
    sources: Mapped[str] = mapped_column(Text, default="[]")
    source_hash: Mapped[str] = mapped_column(String(64))
