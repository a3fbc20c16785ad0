"""Reviewing page translations.

A reviewer looks at the newest text of a language that is waiting for them: a revision sent for
review, or the published translation when it was never reviewed or the English has moved on since.
Approving records the review (who, when, which English body hash) and never publishes: the revision
then goes through the page workflow (a publisher approves it, a second person for clinical pages,
and publishes it). Approving or sending back a published translation makes a new revision with the
same text, so the published one is never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from alliance.accounts.models import StaffUser
from alliance.pages.models import Page, PageLocale, PageRevision
from alliance.pages.services import latest_revision, published_select
from alliance.pages.workflow import send_back as workflow_send_back
from alliance.translation import review
from alliance.translation.diff import Piece, word_diff
from alliance.translation.queue import QueueItem
from alliance.translation.state import REVIEWED, translation_state

AWAITING = "awaiting-translator-review"


def _candidate(latest: PageRevision | None) -> PageRevision | None:
    """The revision a reviewer would look at: one sent for review, or the published one."""
    if latest is not None and latest.status in ("in_review", "published"):
        return latest
    return None


def _waiting(revision: PageRevision, english_hash: str) -> bool:
    if revision.status == "in_review":
        # Reviewed already against this English: it now waits for a publisher, not a reviewer.
        return not (revision.review_status == REVIEWED and revision.reviewed_english == english_hash)
    return translation_state(revision.review_status, revision.translated_from, english_hash) != REVIEWED


def state_of(revision: PageRevision, english_hash: str | None) -> str:
    return translation_state(revision.review_status, revision.translated_from, english_hash)


def pending(session: Session, lang: str) -> list[QueueItem]:
    """Page translations in `lang` waiting for a reviewer."""
    english: dict[int, tuple[str, PageRevision]] = {
        page_id: (slug, revision)
        for page_id, slug, revision in session.execute(
            published_select(Page.id, Page.slug, PageRevision).where(PageLocale.lang == "en")
        ).all()
    }
    newest = (
        select(PageRevision.page_id, func.max(PageRevision.number).label("number"))
        .where(PageRevision.lang == lang)
        .group_by(PageRevision.page_id)
        .subquery()
    )
    latest = session.scalars(
        select(PageRevision)
        .join(
            newest,
            and_(PageRevision.page_id == newest.c.page_id, PageRevision.number == newest.c.number),
        )
        .where(PageRevision.lang == lang)
    ).all()
    found = []
    for revision in latest:
        if revision.page_id not in english:
            continue
        slug, source = english[revision.page_id]
        if _candidate(revision) is None or not _waiting(revision, source.body_hash):
            continue
        found.append(
            QueueItem("page", slug, source.title, state_of(revision, source.body_hash), source.created_at)
        )
    return found


@dataclass
class PageReview:
    page: Page
    lang: str
    english: PageRevision
    translation: PageRevision
    state: str
    waiting: bool  # whether a reviewer can act on it now
    # The English the translation was last reviewed against (or translated from), when it differs.
    earlier_english: PageRevision | None = None
    changes: list[Piece] = field(default_factory=list)


def _english_with_hash(session: Session, page_id: int, body_hash: str | None) -> PageRevision | None:
    if not body_hash:
        return None
    return session.scalar(
        select(PageRevision)
        .where(
            PageRevision.page_id == page_id, PageRevision.lang == "en", PageRevision.body_hash == body_hash
        )
        .order_by(PageRevision.number.desc())
        .limit(1)
    )


def _published_english(session: Session, page_id: int) -> PageRevision | None:
    locale = session.scalar(select(PageLocale).where(PageLocale.page_id == page_id, PageLocale.lang == "en"))
    if locale is None or locale.published_revision_id is None:
        return None
    return session.get(PageRevision, locale.published_revision_id)


def screen(session: Session, slug: str, lang: str) -> PageReview | None:
    """What the review screen shows, or None when there is nothing of this page in `lang` to review."""
    page = session.scalar(select(Page).where(Page.slug == slug))
    if page is None or lang == "en":
        return None
    english = _published_english(session, page.id)
    translation = _candidate(latest_revision(session, page.id, lang))
    if english is None or translation is None:
        return None
    result = PageReview(
        page,
        lang,
        english,
        translation,
        state_of(translation, english.body_hash),
        _waiting(translation, english.body_hash),
    )
    earlier_hash = translation.reviewed_english or translation.translated_from
    if earlier_hash and earlier_hash != english.body_hash:
        result.earlier_english = _english_with_hash(session, page.id, earlier_hash)
        if result.earlier_english is not None:
            result.changes = word_diff(
                f"{result.earlier_english.title}\n\n{result.earlier_english.body}",
                f"{english.title}\n\n{english.body}",
            )
    return result


def _checked(session: Session, slug: str, lang: str, seen: review.Seen) -> PageReview:
    found = screen(session, slug, lang)
    if found is None:
        raise review.ReviewError("There is nothing of this page in this language to review")
    review.check_seen(seen, found.english.body_hash, str(found.translation.id))
    if not found.waiting:
        raise review.ReviewError("This translation is not waiting for review")
    return found


def _copy(session: Session, published: PageRevision, author_id: int | None, status: str) -> PageRevision:
    """A new revision with the published text, for the workflow to carry on from."""
    copy = PageRevision(
        page_id=published.page_id,
        lang=published.lang,
        number=published.number + 1,
        title=published.title,
        summary=published.summary,
        body=published.body,
        last_reviewed=published.last_reviewed,
        next_review_due=published.next_review_due,
        sources=published.sources,
        body_hash=published.body_hash,
        source_hash="",
        translated_from=published.translated_from,
        review_status=AWAITING,
        translator_note=published.translator_note,
        origin="staff",
        status=status,
        author_id=author_id,
    )
    session.add(copy)
    session.flush()
    return copy


def approve(session: Session, slug: str, lang: str, reviewer: StaffUser, seen: review.Seen) -> PageRevision:
    """Record that `reviewer` checked the translation against the published English. The revision
    waits in review for a publisher (a published translation is copied into a new one first)."""
    found = _checked(session, slug, lang, seen)
    revision = found.translation
    if revision.status == "published":
        revision = _copy(session, revision, reviewer.id, "in_review")
    revision.review_status = REVIEWED
    revision.translated_from = found.english.body_hash
    review.record(revision, reviewer, found.english.body_hash)
    session.flush()
    return revision


def send_back(
    session: Session, slug: str, lang: str, reviewer: StaffUser, note: str, seen: review.Seen
) -> PageRevision:
    """Return the translation to its translator with a comment saying what to change."""
    note = review.check_note(note)
    found = _checked(session, slug, lang, seen)
    revision = found.translation
    if revision.status == "published":
        revision = _copy(session, revision, revision.author_id, "in_review")
    workflow_send_back(session, revision.id, note)
    revision.review_status = AWAITING
    review.clear(revision)
    session.flush()
    return revision
