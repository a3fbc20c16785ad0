"""Page services: load content/ into the database, export it back, and read pages for the public."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.pages import content
from alliance.pages.models import Page, PageLocale, PageRevision

INDEX_NAMES_PREFIX = "pages-"


@dataclass
class PageView(content.PageSource):
    """A page as a reader gets it: its text (perhaps in English, standing in) and what to tell them."""

    requested_lang: str = ""
    revision_id: int = 0
    out_of_date: bool = False
    languages: list[str] = field(default_factory=list)

    @property
    def fallback(self) -> bool:
        return self.lang != self.requested_lang


def published_select(*columns):
    """SELECT columns FROM pages with each language's published revision joined in."""
    return (
        select(*columns)
        .join(PageLocale, PageLocale.page_id == Page.id)
        .join(PageRevision, PageRevision.id == PageLocale.published_revision_id)
    )


def latest_revision(session: Session, page_id: int, lang: str) -> PageRevision | None:
    """The newest revision of one language of a page, whatever its status."""
    return session.scalar(
        select(PageRevision)
        .where(PageRevision.page_id == page_id, PageRevision.lang == lang)
        .order_by(PageRevision.number.desc())
        .limit(1)
    )


def _revision_from(source: content.PageSource, page: Page, number: int, file_hash: str) -> PageRevision:
    return PageRevision(
        page_id=page.id,
        lang=source.lang,
        number=number,
        title=source.title,
        summary=source.summary,
        body=source.body,
        last_reviewed=source.last_reviewed,
        next_review_due=source.next_review_due,
        sources=json.dumps(source.sources, ensure_ascii=False),
        body_hash=source.body_hash,
        source_hash=file_hash,
        translated_from=source.translated_from,
        review_status=source.review_status,
        translator_note=source.translator_note,
        origin="seed",
    )


def bump_versions(session: Session, langs: set[str]) -> None:
    """Tell every node that pages changed: the page cache and these languages' search indexes."""
    from alliance.cache import content_changed
    from alliance.search import index

    for lang in sorted(langs):
        index.bump(session, INDEX_NAMES_PREFIX + lang)
    index.bump(session, "pages-content")
    content_changed()


def make_live(
    session: Session, page_id: int, lang: str, revision: PageRevision | None, bump: bool = True
) -> None:
    """Make `revision` the one the public sees in `lang` (None takes the language down)."""
    locale = session.scalar(select(PageLocale).where(PageLocale.page_id == page_id, PageLocale.lang == lang))
    if locale is None:
        locale = PageLocale(page_id=page_id, lang=lang)
        session.add(locale)
    if locale.published_revision_id is not None:
        previous = session.get(PageRevision, locale.published_revision_id)
        previous.status = "superseded" if revision is not None else "unpublished"
    locale.published_revision_id = revision.id if revision is not None else None
    if revision is not None:
        revision.status = "published"
    session.flush()
    if bump:
        bump_versions(session, {lang})


# What a content file would do to its page language, from comparing it with the newest revision.
NEW_PAGE = "new page"
NEW_LANGUAGE = "new language"
UNCHANGED = "unchanged"
CHANGED = "changed"  # the newest revision came from content/, and the file differs
STAFF_EDITED = "staff edit"  # the newest revision was made in the back-office or imported, or taken down
FROM_CONTENT = "seed"  # the origin of revisions loaded from content/


@dataclass
class FileChange:
    """One content file compared with the site: its page language and what loading it would do."""

    slug: str
    lang: str
    kind: str
    source: content.PageSource
    file_hash: str
    latest_number: int = 0
    latest_origin: str | None = None

    @property
    def name(self) -> str:
        return f"{self.slug}/{self.lang}"


def read_sources(content_dir: Path) -> dict[str, dict[str, content.PageSource]]:
    """Every page file under content_dir, by slug and language; raises ContentError naming bad files."""
    sources, errors = content.read_tree(content_dir)
    if errors:
        raise content.ContentError("Content files with problems:\n" + "\n".join(errors))
    by_slug: dict[str, dict[str, content.PageSource]] = {}
    for source in sources:
        by_slug.setdefault(source.slug, {})[source.lang] = source
    missing_english = sorted(slug for slug, langs in by_slug.items() if "en" not in langs)
    if missing_english:
        raise content.ContentError(f"Pages with no English file: {', '.join(missing_english)}")
    return by_slug


def _kind(page: Page, latest: PageRevision, file_hash: str) -> str:
    if latest.source_hash == file_hash and latest.status != "unpublished":
        return UNCHANGED
    if latest.origin == FROM_CONTENT and latest.status != "unpublished":
        return CHANGED
    # Staff text that the file repeats (as after `flask pages export`) is no change.
    if (
        latest.status == "published"
        and content.source_hash(content.dump(_source_of(page, latest))) == file_hash
    ):
        return UNCHANGED
    return STAFF_EDITED


def compare_files(session: Session, by_slug: dict[str, dict[str, content.PageSource]]) -> list[FileChange]:
    """Compare every file with the newest revision of its page language, whatever its status."""
    changes = []
    for slug, langs in sorted(by_slug.items()):
        page = session.scalar(select(Page).where(Page.slug == slug))
        for lang, source in sorted(langs.items(), key=lambda item: (item[0] != "en", item[0])):
            file_hash = content.source_hash(content.dump(source))
            latest = latest_revision(session, page.id, lang) if page is not None else None
            if page is None:
                kind = NEW_PAGE
            elif latest is None:
                kind = NEW_LANGUAGE
            else:
                kind = _kind(page, latest, file_hash)
            changes.append(
                FileChange(
                    slug,
                    lang,
                    kind,
                    source,
                    file_hash,
                    latest.number if latest else 0,
                    latest.origin if latest else None,
                )
            )
    return changes


def apply_changes(session: Session, changes: list[FileChange], origin: str) -> int:
    """Add a published revision for each change (and the page, when new); returns revisions added.
    Page-wide settings (section, order, owner...) come from the English file when it is applied."""
    created, langs = 0, set()
    for change in changes:
        page = session.scalar(select(Page).where(Page.slug == change.slug))
        if page is None:
            page = Page(slug=change.slug)
            session.add(page)
        if change.lang == "en" or page.section is None:
            english = change.source
            page.section, page.order, page.clinical = english.section, english.order, english.clinical
            page.easy_read_slug, page.standard_slug = english.easy_read, english.standard
            page.owner = english.owner
        session.flush()
        latest = latest_revision(session, page.id, change.lang)
        revision = _revision_from(change.source, page, (latest.number + 1) if latest else 1, change.file_hash)
        revision.origin = origin
        session.add(revision)
        session.flush()
        make_live(session, page.id, change.lang, revision, bump=False)
        created += 1
        langs.add(change.lang)
    if created:
        bump_versions(session, langs | {"en"})
    return created


def seed_pages(session: Session, content_dir: Path) -> tuple[int, str]:
    """Add the pages and page languages the site does not have yet. A page language that already has
    a revision is left exactly as it is, whoever made it: `flask pages load` updates from files."""
    by_slug = read_sources(content_dir)
    changes = compare_files(session, by_slug)
    created = apply_changes(session, [c for c in changes if c.kind in (NEW_PAGE, NEW_LANGUAGE)], FROM_CONTENT)
    session.commit()
    differ = sum(1 for c in changes if c.kind in (CHANGED, STAFF_EDITED))
    summary = f"{len(by_slug)} pages, {created} new revisions"
    if differ:
        summary += (
            f"; {differ} files differ from the site and were left alone (see flask pages load --dry-run)"
        )
    return created, summary


def import_pages(session: Session, folder: Path, origin: str = "import") -> tuple[int, str]:
    """The back-office's content import: every new or changed file becomes the published revision."""
    by_slug = read_sources(folder)
    changes = [c for c in compare_files(session, by_slug) if c.kind != UNCHANGED]
    created = apply_changes(session, changes, origin)
    return created, f"{len(by_slug)} pages, {created} new revisions"


@dataclass
class LoadReport:
    """What `flask pages load` did (or, in a dry run, would do)."""

    dry_run: bool
    applied: list[FileChange] = field(default_factory=list)
    refused: list[FileChange] = field(default_factory=list)
    unchanged: int = 0


class UnknownOverwrite(ValueError):
    """--overwrite named a page language that has no content file."""


def load_pages(
    session: Session, content_dir: Path, overwrite: set[str] | None = None, dry_run: bool = False
) -> LoadReport:
    """Bring the site up to date with content/: new pages and languages, and new revisions where the
    newest one came from content/. A page language whose newest revision staff made (or imported) is
    only replaced when `overwrite` names it ("slug/lang"). Each change is in the audit log."""
    from alliance.accounts.services import audit

    overwrite = set(overwrite or ())
    changes = compare_files(session, read_sources(content_dir))
    unknown = sorted(overwrite - {c.name for c in changes})
    if unknown:
        raise UnknownOverwrite(f"No content file for {', '.join(unknown)}")
    report = LoadReport(dry_run=dry_run)
    for change in changes:
        if change.kind == UNCHANGED:
            report.unchanged += 1
        elif change.kind == STAFF_EDITED and change.name not in overwrite:
            report.refused.append(change)
        else:
            report.applied.append(change)
    if dry_run:
        session.rollback()
        return report
    apply_changes(session, report.applied, FROM_CONTENT)
    for change in report.applied:
        detail = {"kind": change.kind, "revision": change.latest_number + 1}
        if change.kind == STAFF_EDITED:
            detail["replaced_origin"] = change.latest_origin
        audit(session, "content.load", target=change.name, email="command line", **detail)
    session.commit()
    return report


def _source_of(page: Page, revision: PageRevision) -> content.PageSource:
    # Page-level keys (section, order, links to Easy Read) come from the page, in every language.
    return content.PageSource(
        slug=page.slug,
        lang=revision.lang,
        title=revision.title,
        summary=revision.summary,
        section=page.section,
        order=page.order,
        clinical=page.clinical,
        body=revision.body,
        last_reviewed=revision.last_reviewed,
        next_review_due=revision.next_review_due,
        sources=json.loads(revision.sources),
        easy_read=page.easy_read_slug,
        standard=page.standard_slug,
        translated_from=revision.translated_from,
        review_status=revision.review_status,
        translator_note=revision.translator_note,
        owner=page.owner if revision.lang == "en" else None,
    )


def export_pages(session: Session, content_dir: Path) -> int:
    """Write every published page back to content/pages in the canonical format; returns files written."""
    written = 0
    rows = session.execute(published_select(Page, PageRevision).order_by(Page.slug, PageRevision.lang)).all()
    for page, revision in rows:
        path = content_dir / "pages" / page.slug / f"{revision.lang}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content.dump(_source_of(page, revision)), encoding="utf-8")
        written += 1
    return written


def _published(session: Session, slug: str, lang: str) -> tuple[Page, PageRevision] | None:
    row = session.execute(
        published_select(Page, PageRevision).where(Page.slug == slug, PageLocale.lang == lang)
    ).first()
    return (row[0], row[1]) if row else None


def get_page(session: Session, slug: str, lang: str) -> PageView | None:
    """The page as the reader should see it: in their language, or in English with a notice."""
    found = _published(session, slug, lang) or (_published(session, slug, "en") if lang != "en" else None)
    if found is None:
        return None
    page, revision = found
    out_of_date = False
    if revision.lang != "en":
        english = _published(session, slug, "en")
        out_of_date = english is not None and english[1].body_hash != revision.translated_from
    languages = session.scalars(
        select(PageLocale.lang).where(
            PageLocale.page_id == page.id, PageLocale.published_revision_id.is_not(None)
        )
    ).all()
    return PageView(
        **vars(_source_of(page, revision)),
        requested_lang=lang,
        revision_id=revision.id,
        out_of_date=out_of_date,
        languages=sorted(languages),
    )


def all_published(session: Session) -> list[tuple[str, str]]:
    """(slug, lang) of every published page language, for the sitemap."""
    rows = session.execute(
        select(Page.slug, PageLocale.lang)
        .join(PageLocale, PageLocale.page_id == Page.id)
        .where(PageLocale.published_revision_id.is_not(None))
        .order_by(Page.slug, PageLocale.lang)
    ).all()
    return [(slug, lang) for slug, lang in rows]


NO_OWNER = "No owner recorded"


def overdue_pages(session: Session, today: date) -> list[dict]:
    """Published English pages whose next review date has passed, by owner, oldest first in each."""
    rows = session.execute(
        published_select(Page.slug, PageRevision.title, PageRevision.next_review_due, Page.owner)
        .where(PageLocale.lang == "en", PageRevision.next_review_due < today)
        # Pages with no owner last, on SQLite and PostgreSQL alike.
        .order_by(Page.owner.is_(None), Page.owner, PageRevision.next_review_due, Page.slug)
    ).all()
    return [
        {"slug": slug, "title": title, "next_review_due": due, "owner": owner or NO_OWNER}
        for slug, title, due, owner in rows
    ]


def translation_status(session: Session, languages: list[str]) -> list[dict]:
    """For every page and language: missing, current or out-of-date, with the review status."""
    english = dict(
        session.execute(
            published_select(Page.slug, PageRevision.body_hash).where(PageLocale.lang == "en")
        ).all()
    )
    translated = {
        (slug, lang): (origin, review)
        for slug, lang, origin, review in session.execute(
            published_select(
                Page.slug, PageLocale.lang, PageRevision.translated_from, PageRevision.review_status
            ).where(PageLocale.lang != "en")
        ).all()
    }
    rows = []
    for slug in sorted(english):
        for lang in languages:
            if lang == "en":
                continue
            if (slug, lang) not in translated:
                rows.append({"slug": slug, "lang": lang, "status": "missing", "review_status": None})
                continue
            origin, review = translated[(slug, lang)]
            status = "current" if origin == english[slug] else "out-of-date"
            rows.append({"slug": slug, "lang": lang, "status": status, "review_status": review})
    return rows


def revision_count(session: Session) -> int:
    return session.scalar(select(func.count(PageRevision.id))) or 0
