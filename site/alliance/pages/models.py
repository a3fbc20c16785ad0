from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.database import Base, utcnow


class Page(Base):
    """A page of the site, in every language it exists in."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    section: Mapped[str] = mapped_column(String(40))
    order: Mapped[int] = mapped_column(default=0)
    clinical: Mapped[bool] = mapped_column(default=False)
    easy_read_slug: Mapped[str | None] = mapped_column(String(100))
    standard_slug: Mapped[str | None] = mapped_column(String(100))
    # The team or role that keeps the page reviewed (from the English file's front matter).
    owner: Mapped[str | None] = mapped_column(String(120))
    # The named role that owns the page's clinical content (a role title, not a person's name).
    clinical_owner: Mapped[str | None] = mapped_column(String(120))
    # Marked as awaiting clinical sign-off (front matter `clinical_sign_off: awaiting`); cleared when a
    # revision of the English text is approved with a clinical sign-off.
    clinical_signoff_due: Mapped[bool] = mapped_column(default=False)
    # A publisher's request to make a clinical page non-clinical, waiting for a second publisher.
    clinical_change_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    clinical_change_at: Mapped[datetime | None]
    locales: Mapped[list["PageLocale"]] = relationship(back_populates="page", cascade="all, delete-orphan")


class PageLocale(Base):
    """One language of a page, pointing at the revision the public sees."""

    __tablename__ = "page_locales"
    __table_args__ = (UniqueConstraint("page_id", "lang", name="uq_page_locales_page_lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(10))
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("page_revisions.id", use_alter=True, name="fk_page_locales_published_revision")
    )
    page: Mapped[Page] = relationship(back_populates="locales")
    published: Mapped["PageRevision | None"] = relationship(foreign_keys=[published_revision_id])


class PageRevision(Base):
    """An immutable version of one language of a page. Edits add revisions; nothing is overwritten."""

    __tablename__ = "page_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(10))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    last_reviewed: Mapped[date | None]
    next_review_due: Mapped[date | None]
    # JSON list of {"title", "url"}.
    sources: Mapped[str] = mapped_column(Text, default="[]")
    # First 12 hex digits of sha256 of the body: what translations record as their origin.
    body_hash: Mapped[str] = mapped_column(String(12))
    # sha256 of the whole source file: an unchanged file creates no revision.
    source_hash: Mapped[str] = mapped_column(String(64))
    translated_from: Mapped[str | None] = mapped_column(String(12))
    review_status: Mapped[str | None] = mapped_column(String(40))
    translator_note: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20), default="seed")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Workflow: draft -> in_review -> approved -> published (-> superseded | unpublished); a publisher
    # may send a revision in review back to its author ("returned", with review_note saying why).
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # On a clinical page: the staff user who signed this revision off clinically, recorded at approval.
    clinical_signoff_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", name="fk_page_revisions_clinical_signoff_by")
    )
    publish_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)
    # The translation review: who approved it, when, and the English body hash they checked it against.
    reviewed_by: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[datetime | None]
    reviewed_english: Mapped[str | None] = mapped_column(String(12))


class PageUsefulness(Base):
    """How many people answered "Is this page useful?" yes and no, per page, language and day.

    Only counts: nothing about the person is kept. Rows are added to with one atomic statement
    (pages/usefulness.py), so answers arriving at once on several workers or nodes are all counted.
    """

    __tablename__ = "page_usefulness"

    day: Mapped[date] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    lang: Mapped[str] = mapped_column(String(12), primary_key=True)
    yes: Mapped[int] = mapped_column(default=0)
    no: Mapped[int] = mapped_column(default=0)
