"""Editing and publishing pages: drafts, review, approval, publishing now or later, restore, diff.

Every save is a new revision; nothing is overwritten. A save names the revision it started from,
so a second editor saving over someone else's newer work is told, and loses nothing.

The two-person rule lives here and nowhere else: a revision of a clinical page reaches the public
only when someone other than its author approved it, whatever made it (the editor, a zip upload,
a translation file, `flask pages load`), because every path to the public goes through
`services.make_live`, which asks `check_two_people`. A page's clinical flag changes only here too:
any publisher can make a page clinical; making a clinical page non-clinical takes a second publisher.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.accounts.models import StaffUser
from alliance.database import utcnow
from alliance.pages import content
from alliance.pages.models import Page, PageLocale, PageRevision
from alliance.pages.services import latest_revision, make_live
from alliance.translation.state import translation_state


class WorkflowError(ValueError):
    """An action the workflow does not allow now; the message is safe to show."""


class EditConflict(WorkflowError):
    def __init__(self, latest_id: int):
        super().__init__(
            "Someone else saved this page after you opened it. Your text is below: compare and save again."
        )
        self.latest_id = latest_id


@dataclass
class Draft:
    title: str
    summary: str
    body: str
    last_reviewed: date | None
    next_review_due: date | None
    sources: list[dict]


def parse_sources(text: str) -> list[dict]:
    """Sources typed one per line as 'Title | https://address'."""
    sources = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        title, _bar, url = line.rpartition("|")
        title, url = title.strip(), url.strip()
        if not title or not url.startswith("https://") or " " in url:
            raise WorkflowError(f"Source on line {number}: write it as 'Title | https://address'")
        sources.append({"title": title, "url": url})
    return sources


def sources_text(sources_json: str) -> str:
    return "\n".join(f"{s['title']} | {s['url']}" for s in json.loads(sources_json or "[]"))


def _page(session: Session, slug: str) -> Page:
    page = session.scalar(select(Page).where(Page.slug == slug))
    if page is None:
        raise WorkflowError(f"There is no page called {slug}")
    return page


def save_draft(
    session: Session, slug: str, lang: str, draft: Draft, author_id: int, base_revision_id: int | None
) -> int:
    """Save a new draft revision and return its id; raise EditConflict if someone saved since base."""
    page = _page(session, slug)
    latest = latest_revision(session, page.id, lang)
    if latest is not None and latest.id != base_revision_id:
        raise EditConflict(latest.id)
    if not draft.title.strip():
        raise WorkflowError("Enter a title")
    if page.clinical and lang == "en":
        if not draft.sources:
            raise WorkflowError("A clinical page must name its sources")
        if not (draft.last_reviewed and draft.next_review_due):
            raise WorkflowError("A clinical page needs a last reviewed date and a next review date")
    if draft.last_reviewed and draft.next_review_due and draft.next_review_due <= draft.last_reviewed:
        raise WorkflowError("The next review date must be after the last reviewed date")
    english = None
    if lang != "en":
        english_locale = session.scalar(
            select(PageLocale).where(PageLocale.page_id == page.id, PageLocale.lang == "en")
        )
        english = session.get(PageRevision, english_locale.published_revision_id) if english_locale else None
    body = draft.body.strip() + "\n"
    revision = PageRevision(
        page_id=page.id,
        lang=lang,
        number=(latest.number + 1) if latest else 1,
        title=draft.title.strip(),
        summary=draft.summary.strip(),
        body=body,
        last_reviewed=draft.last_reviewed,
        next_review_due=draft.next_review_due,
        sources=json.dumps(draft.sources, ensure_ascii=False),
        body_hash=content.body_hash(body),
        source_hash="",
        translated_from=english.body_hash if english else None,
        review_status="awaiting-translator-review" if lang != "en" else None,
        translator_note=latest.translator_note if latest and lang != "en" else None,
        origin="staff",
        status="draft",
        author_id=author_id,
    )
    session.add(revision)
    session.flush()
    return revision.id


def _revision(session: Session, revision_id: int) -> PageRevision:
    revision = session.get(PageRevision, revision_id)
    if revision is None:
        raise WorkflowError("There is no such revision")
    return revision


def revision_of(session: Session, slug: str, lang: str, revision_id: int) -> PageRevision | None:
    """The revision with this id when it belongs to the page `slug` in `lang`, else None."""
    return session.scalar(
        select(PageRevision)
        .join(Page, Page.id == PageRevision.page_id)
        .where(PageRevision.id == revision_id, PageRevision.lang == lang, Page.slug == slug)
    )


def submit_for_review(session: Session, revision_id: int) -> None:
    revision = _revision(session, revision_id)
    if revision.status not in ("draft", "returned"):
        raise WorkflowError("Only a draft can be sent for review")
    revision.status = "in_review"


NOTE_LIMIT = 2000


def send_back(session: Session, revision_id: int, note: str) -> None:
    """Return a revision in review to its author, saying what to change; it leaves the review queue
    and waits on the author's dashboard until they save a new draft or send it for review again."""
    revision = _revision(session, revision_id)
    if revision.status != "in_review":
        raise WorkflowError("Only a revision in review can be sent back")
    note = note.strip()
    if not note:
        raise WorkflowError("Say what the author should change before sending it back")
    if len(note) > NOTE_LIMIT:
        raise WorkflowError(f"Keep the note to {NOTE_LIMIT} characters or fewer")
    revision.status, revision.review_note = "returned", note


SECOND_PERSON = "Clinical pages need a publisher who is not the author to approve them"


def check_two_people(session: Session, revision: PageRevision, first_install: bool = False) -> None:
    """Refuse to make a clinical page's revision live unless someone other than its author approved
    it. The one exception is a first install, whose pages are the release's reviewed content/."""
    page = session.get(Page, revision.page_id)
    if not page.clinical or first_install:
        return
    if revision.approved_by_id is None or revision.approved_by_id == revision.author_id:
        raise WorkflowError(SECOND_PERSON)


NOT_CLINICAL_SIGN_OFF = "Only a clinical page records a clinical sign-off"
SIGNER_NOT_AUTHOR = "The person who signs off clinically cannot be the author of the revision"


def _record_clinical_sign_off(session: Session, page: Page, revision: PageRevision, signer_id: int) -> None:
    """Record who signed the revision off clinically: an active staff user who did not write it. An English
    revision signed off clears the page's "awaiting clinical sign-off" mark."""

    if not page.clinical:
        raise WorkflowError(NOT_CLINICAL_SIGN_OFF)
    signer = session.get(StaffUser, signer_id)
    if signer is None or not signer.is_active:
        raise WorkflowError("Choose the staff member who signed this off clinically")
    if signer_id == revision.author_id:
        raise WorkflowError(SIGNER_NOT_AUTHOR)
    revision.clinical_signoff_by_id = signer_id
    if revision.lang == "en":
        page.clinical_signoff_due = False


def approve(
    session: Session, revision_id: int, approver_id: int, clinical_signoff_by_id: int | None = None
) -> None:
    """Approve a revision in review. On clinical pages the approver cannot be its author, and the approval
    records who signed it off clinically when a publisher names them."""
    revision = _revision(session, revision_id)
    page = session.get(Page, revision.page_id)
    if revision.status != "in_review":
        raise WorkflowError("Only a revision in review can be approved")
    if page.clinical and revision.author_id == approver_id:
        raise WorkflowError(SECOND_PERSON)
    if clinical_signoff_by_id is not None:
        _record_clinical_sign_off(session, page, revision, clinical_signoff_by_id)
    revision.status = "approved"
    revision.approved_by_id = approver_id
    # Approving a translation for publication says nothing about its language: only a translation
    # reviewer's decision on the review screen (alliance.translation) marks it reviewed.


def publish(session: Session, revision_id: int, at: datetime | None = None) -> str:
    """Publish an approved revision now, or schedule it; returns "published" or "scheduled"."""
    revision = _revision(session, revision_id)
    if revision.status != "approved":
        raise WorkflowError("Only an approved revision can be published")
    check_two_people(session, revision)
    if at is not None and at > utcnow():
        revision.publish_at = at
        return "scheduled"
    revision.publish_at = None
    make_live(session, revision.page_id, revision.lang, revision)
    return "published"


def publish_due(session: Session, now: datetime | None = None) -> list[int]:
    """Publish every approved revision whose scheduled time has come; returns their ids."""
    now = now or utcnow()
    due = session.scalars(
        select(PageRevision).where(PageRevision.status == "approved", PageRevision.publish_at.is_not(None))
    ).all()
    published = []
    for revision in due:
        moment = (
            revision.publish_at
            if revision.publish_at.tzinfo
            else revision.publish_at.replace(tzinfo=now.tzinfo)
        )
        if moment <= now:
            revision.publish_at = None
            try:
                make_live(session, revision.page_id, revision.lang, revision)
            except WorkflowError:
                # The page became clinical after a self-approval: it goes back for a second person.
                revision.status, revision.approved_by_id = "in_review", None
                continue
            published.append(revision.id)
    return published


def make_clinical(session: Session, slug: str) -> None:
    """Mark a page clinical: from now on its changes need a second person. Any publisher can."""
    page = _page(session, slug)
    if page.clinical:
        raise WorkflowError("This page is already clinical")
    page.clinical = True
    page.clinical_change_by_id = page.clinical_change_at = None


def request_not_clinical(session: Session, slug: str, user_id: int) -> None:
    """Ask for a clinical page to stop being clinical; a second publisher decides."""
    page = _page(session, slug)
    if not page.clinical:
        raise WorkflowError("This page is not clinical")
    if page.clinical_change_by_id is not None:
        raise WorkflowError("Someone has already asked for this page to stop being clinical")
    page.clinical_change_by_id, page.clinical_change_at = user_id, utcnow()


def approve_not_clinical(session: Session, slug: str, user_id: int) -> None:
    """A second publisher agrees: the page stops being clinical."""
    page = _page(session, slug)
    if not page.clinical or page.clinical_change_by_id is None:
        raise WorkflowError("Nobody has asked for this page to stop being clinical")
    if page.clinical_change_by_id == user_id:
        raise WorkflowError("A publisher other than the one who asked must agree to this")
    page.clinical = False
    page.clinical_change_by_id = page.clinical_change_at = None


def withdraw_not_clinical(session: Session, slug: str) -> None:
    """Drop a request for a clinical page to stop being clinical; the page stays clinical."""
    page = _page(session, slug)
    if page.clinical_change_by_id is None:
        raise WorkflowError("Nobody has asked for this page to stop being clinical")
    page.clinical_change_by_id = page.clinical_change_at = None


def unpublish(session: Session, slug: str, lang: str) -> None:
    page = _page(session, slug)
    make_live(session, page.id, lang, None)


def restore(session: Session, revision_id: int, author_id: int) -> int:
    """Copy an old revision into a new draft on top of the latest one."""
    old = _revision(session, revision_id)
    page = session.get(Page, old.page_id)
    latest = latest_revision(session, page.id, old.lang)
    draft = Draft(
        old.title, old.summary, old.body, old.last_reviewed, old.next_review_due, json.loads(old.sources)
    )
    return save_draft(session, page.slug, old.lang, draft, author_id, latest.id if latest else None)


def diff_lines(session: Session, from_id: int, to_id: int) -> list[tuple[str, str]]:
    """A readable line diff of two revisions: (kind, text) with kind one of ' ', '+', '-'."""
    a, b = _revision(session, from_id), _revision(session, to_id)

    def lines(rev: PageRevision) -> list[str]:
        return [f"Title: {rev.title}", f"Summary: {rev.summary}", ""] + rev.body.splitlines()

    rows = []
    for line in difflib.ndiff(lines(a), lines(b)):
        kind = line[:1]
        if kind in (" ", "+", "-"):
            rows.append((kind, line[2:]))
    return rows


def revisions(session: Session, slug: str, lang: str) -> list[PageRevision]:
    page = _page(session, slug)
    return list(
        session.scalars(
            select(PageRevision)
            .where(PageRevision.page_id == page.id, PageRevision.lang == lang)
            .order_by(PageRevision.number.desc())
        )
    )


# The one translation state (alliance.translation.state), as the translations dashboard words it.
DASHBOARD_STATES = {"outdated": "out of date", "reviewed": "reviewed", "unreviewed": "awaiting review"}


def translation_dashboard(
    session: Session, languages: list[str]
) -> tuple[list[dict], dict[str, dict[str, int]]]:
    """Every page in every language: missing, draft, awaiting review, reviewed or out of date, with counts."""
    pages = session.scalars(select(Page).order_by(Page.section, Page.order, Page.slug)).all()
    english_hash = {}
    rows, counts = [], {lang: {} for lang in languages if lang != "en"}
    for page in pages:
        english_locale = session.scalar(
            select(PageLocale).where(PageLocale.page_id == page.id, PageLocale.lang == "en")
        )
        if english_locale is None or english_locale.published_revision_id is None:
            continue
        english = session.get(PageRevision, english_locale.published_revision_id)
        english_hash[page.slug] = english.body_hash
        for lang in counts:
            latest = latest_revision(session, page.id, lang)
            if latest is None:
                state = "missing"
            elif latest.status in ("draft", "returned"):
                state = "draft"
            elif latest.status in ("in_review", "approved"):
                state = "awaiting review"
            else:
                state = DASHBOARD_STATES[
                    translation_state(latest.review_status, latest.translated_from, english.body_hash)
                ]
            rows.append({"slug": page.slug, "title": english.title, "lang": lang, "state": state})
            counts[lang][state] = counts[lang].get(state, 0) + 1
    return rows, counts
