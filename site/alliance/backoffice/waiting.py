"""What waits for each member of staff, for the dashboard: only what their roles let them act on.

Plain values out, read-only queries in: opening the dashboard never changes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from alliance import i18n
from alliance.directory.models import ProblemReport
from alliance.outbox import services as outbox
from alliance.pages.models import Page, PageRevision
from alliance.surveys.models import AnswerReview


@dataclass(frozen=True)
class Item:
    """One thing to open: a page in one language, with a note when it was sent back."""

    slug: str
    lang: str
    title: str
    language: str
    note: str = ""


@dataclass(frozen=True)
class Waiting:
    """A kind of work waiting: its heading, how many, where the list of it is, and the items themselves
    where they are few enough to list (pages); `urgent` counts those that should come first."""

    key: str
    heading: str
    count: int
    endpoint: str = ""
    urgent: int = 0
    items: list[Item] = field(default_factory=list)
    endpoint_args: dict[str, str] = field(default_factory=dict)


def _latest_revisions(session: Session, *where) -> list[tuple[PageRevision, str]]:
    """Revisions that are the newest of their page and language and match `where`, with the page slug."""
    newest = (
        select(PageRevision.page_id, PageRevision.lang, func.max(PageRevision.number).label("number"))
        .group_by(PageRevision.page_id, PageRevision.lang)
        .subquery()
    )
    query = (
        select(PageRevision, Page.slug)
        .join(
            newest,
            and_(
                newest.c.page_id == PageRevision.page_id,
                newest.c.lang == PageRevision.lang,
                newest.c.number == PageRevision.number,
            ),
        )
        .join(Page, Page.id == PageRevision.page_id)
        .where(*where)
        .order_by(PageRevision.created_at, PageRevision.id)
    )
    return [(revision, slug) for revision, slug in session.execute(query).all()]


def _items(rows: list[tuple[PageRevision, str]]) -> list[Item]:
    return [
        Item(
            slug, revision.lang, revision.title, i18n.name_in_words(revision.lang), revision.review_note or ""
        )
        for revision, slug in rows
    ]


def _translation_reviews(session: Session, user_id: int, languages: list[str]) -> list[Waiting]:
    """One count per language this person reviews: translations never reviewed or out of date."""
    from alliance.accounts.models import StaffUser
    from alliance.translation import access, queue

    langs = access.review_languages(session.get(StaffUser, user_id), languages)
    return [
        Waiting(
            f"review-{lang}",
            f"{i18n.REGISTRY[lang].english_name} translations to review",
            count,
            "backoffice.translation_queue",
            endpoint_args={"lang": lang},
        )
        for lang, count in queue.counts(session, langs).items()
    ]


def for_staff(
    session: Session, user_id: int, can: Callable[[str], bool], languages: list[str] | None = None
) -> list[Waiting]:
    """Everything waiting that this person may act on, in the order the dashboard shows it. A kind with
    nothing waiting is still listed (count 0), so "nothing to do" is said rather than left out."""
    found: list[Waiting] = []
    if can("content.edit"):
        returned = _latest_revisions(
            session, PageRevision.status == "returned", PageRevision.author_id == user_id
        )
        found.append(Waiting("returned", "Sent back to you", len(returned), items=_items(returned)))
    if can("content.publish"):
        pages = _latest_revisions(session, PageRevision.status == "in_review", PageRevision.lang == "en")
        found.append(
            Waiting(
                "pages",
                "Pages waiting for review",
                len(pages),
                "backoffice.content_list",
                items=_items(pages),
            )
        )
        translations = _latest_revisions(
            session, PageRevision.status == "in_review", PageRevision.lang != "en"
        )
        found.append(
            Waiting(
                "translations",
                "Translations waiting for review",
                len(translations),
                "backoffice.content_translations",
                items=_items(translations),
            )
        )
    if can("translations.review"):
        found.extend(_translation_reviews(session, user_id, languages or []))
    if can("moderation"):
        pending = AnswerReview.status == "pending"
        count = session.scalar(select(func.count()).select_from(AnswerReview).where(pending))
        urgent = session.scalar(
            select(func.count()).select_from(AnswerReview).where(pending, AnswerReview.urgent)
        )
        found.append(
            Waiting(
                "moderation", "Survey answers waiting for moderation", count, "backoffice.moderation", urgent
            )
        )
    if can("directory.manage"):
        count = session.scalar(
            select(func.count()).select_from(ProblemReport).where(ProblemReport.status == "open")
        )
        found.append(
            Waiting("directory", "Directory problem reports", count, "backoffice.directory_problems")
        )
    if can("mail.manage"):
        found.append(
            Waiting(
                "mail",
                "Mail that failed or waits to be retried",
                outbox.problem_count(session),
                "backoffice.mail_outbox",
            )
        )
    return found
