"""Page services: load content/ into the database, export it back, and read pages for the public."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.pages import content
from alliance.pages.models import Page, PageLocale, PageRevision
from alliance.translation.state import translation_state

INDEX_NAMES_PREFIX = "pages-"


@dataclass
class PageView(content.PageSource):
    """A page as a reader gets it: its text (perhaps in English, standing in) and what to tell them."""

    requested_lang: str = ""
    revision_id: int = 0
    out_of_date: bool = False
    languages: list[str] = field(default_factory=list)
    # The body hash of the published English page, which a translation should have been made from.
    english_body_hash: str | None = None
    # The language the Easy Read version is shown in to this reader: theirs, or English standing in.
    easy_read_lang: str | None = None

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
        reviewed_by=source.reviewed_by,
        reviewed_at=_start_of(source.reviewed_on),
        reviewed_english=source.reviewed_english,
        origin="seed",
    )


def _start_of(day: date | None) -> datetime | None:
    """A review date from a content file, as the moment stored on the revision (midnight UTC)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None


def bump_versions(session: Session, langs: set[str]) -> None:
    """Tell every node that pages changed: the page cache and these languages' search indexes."""
    from alliance.cache import content_changed
    from alliance.search import index

    for lang in sorted(langs):
        index.bump(session, INDEX_NAMES_PREFIX + lang)
    index.bump(session, "pages-content")
    content_changed()


def make_live(
    session: Session,
    page_id: int,
    lang: str,
    revision: PageRevision | None,
    bump: bool = True,
    first_install: bool = False,
) -> None:
    """Make `revision` the one the public sees in `lang` (None takes the language down). Every path
    to the public goes through here, and so through the workflow's two-person rule."""
    from alliance.pages.workflow import check_two_people

    if revision is not None:
        check_two_people(session, revision, first_install=first_install)
    locale = session.scalar(select(PageLocale).where(PageLocale.page_id == page_id, PageLocale.lang == lang))
    if locale is None:
        locale = PageLocale(page_id=page_id, lang=lang)
        session.add(locale)
    if locale.published_revision_id is not None:
        previous = session.get_one(PageRevision, locale.published_revision_id)
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
    # Whether applying it makes a draft in review (a clinical page, or any uploaded file).
    to_review: bool = False

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


def apply_changes(
    session: Session,
    changes: list[FileChange],
    origin: str,
    author_id: int | None = None,
    uploaded: bool = False,
    first_install: bool = False,
) -> int:
    """Add a revision for each change (and the page, when new); returns revisions added. A change
    marked to_review becomes a draft in review by author_id; the others are published, approved by
    author_id. Page-wide settings (section, order, owner...) come from the English file when it is
    applied, except that the clinical flag of an existing page never comes from a file, and an
    uploaded file changes no page-wide setting of an existing page."""
    created, langs = 0, set()
    for change in changes:
        found = session.scalar(select(Page).where(Page.slug == change.slug))
        new_page = found is None
        if found is None:
            # An uploaded page starts clinical: its first text needs a second person to approve it.
            page = Page(slug=change.slug, clinical=True if uploaded else change.source.clinical)
            session.add(page)
        else:
            page = found
        if new_page or (not uploaded and (change.lang == "en" or page.section is None)):
            english = change.source
            page.section, page.order = english.section, english.order
            page.easy_read_slug, page.standard_slug = english.easy_read, english.standard
            page.owner = english.owner
            page.clinical_owner = english.clinical_owner
            page.clinical_signoff_due = english.clinical_sign_off == "awaiting"
        session.flush()
        latest = latest_revision(session, page.id, change.lang)
        revision = _revision_from(change.source, page, (latest.number + 1) if latest else 1, change.file_hash)
        revision.origin = origin
        revision.author_id = author_id
        if uploaded and change.lang != "en":
            # An uploaded file cannot claim a review: a reviewer records one on the site.
            revision.review_status = "awaiting-translator-review"
            revision.reviewed_by = revision.reviewed_at = revision.reviewed_english = None
        if change.to_review:
            revision.status = "in_review"
            session.add(revision)
            session.flush()
        else:
            revision.status = "approved"
            revision.approved_by_id = author_id
            session.add(revision)
            session.flush()
            make_live(session, page.id, change.lang, revision, bump=False, first_install=first_install)
            langs.add(change.lang)
        created += 1
    if langs:
        bump_versions(session, langs | {"en"})
    return created


def is_clinical(session: Session, change: FileChange) -> bool:
    """Whether a file's page is clinical: the site's flag, or the file's for a page new to the site."""
    page = session.scalar(select(Page).where(Page.slug == change.slug))
    return page.clinical if page is not None else change.source.clinical


def site_is_empty(session: Session) -> bool:
    """No page at all: a first install, whose pages are the release's reviewed content/."""
    return session.scalar(select(func.count(Page.id))) == 0


def seed_pages(session: Session, content_dir: Path) -> tuple[int, str]:
    """Add the pages and page languages the site does not have yet. A page language that already has
    a revision is left exactly as it is, whoever made it: `flask pages load` updates from files.
    A site with pages gets no new clinical page or language this way: it needs a second person
    (`flask pages load --as EMAIL` puts it in review)."""
    by_slug = read_sources(content_dir)
    changes = compare_files(session, by_slug)
    first_install = site_is_empty(session)
    new = [c for c in changes if c.kind in (NEW_PAGE, NEW_LANGUAGE)]
    clinical = [] if first_install else [c for c in new if is_clinical(session, c)]
    created = apply_changes(
        session, [c for c in new if c not in clinical], FROM_CONTENT, first_install=first_install
    )
    session.commit()
    differ = sum(1 for c in changes if c.kind in (CHANGED, STAFF_EDITED)) + len(clinical)
    summary = f"{len(by_slug)} pages, {created} new revisions"
    if differ:
        summary += (
            f"; {differ} files differ from the site and were left alone (see flask pages load --dry-run)"
        )
    return created, summary


# Limits on an uploaded content zip, on top of each file's own limits in content.py.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_FILES = 2000


def unpack_upload(stream: IO[bytes], folder: Path) -> None:
    """Unpack an uploaded content zip into folder, refusing anything but pages/<slug>/<lang>.md files
    and anything over the size limits; raises ContentError with a message to show."""
    stream.seek(0, 2)
    if stream.tell() > MAX_UPLOAD_BYTES:
        raise content.ContentError(f"The file is too large (over {MAX_UPLOAD_BYTES // 1024 // 1024} MB)")
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError):
        raise content.ContentError("The file is not a .zip file") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if not members or any(not content.UPLOAD_NAME.match(info.filename) for info in members):
            raise content.ContentError("The file holds something other than pages/<slug>/<language>.md files")
        if len(members) > MAX_UPLOAD_FILES:
            raise content.ContentError(f"The file holds more than {MAX_UPLOAD_FILES} files")
        too_big = [i.filename for i in members if i.file_size > content.MAX_FILE_BYTES]
        if too_big:
            raise content.ContentError(
                f"Files over {content.MAX_FILE_BYTES // 1024} KB: {', '.join(sorted(too_big)[:10])}"
            )
        if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
            raise content.ContentError(
                f"The file is too large (over {MAX_UNPACKED_BYTES // 1024 // 1024} MB unpacked)"
            )
        for info in members:
            # The sizes above are what the zip claims; reading stops at the limit whatever it holds.
            try:
                with archive.open(info) as member:
                    data = member.read(content.MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                raise content.ContentError(f"{info.filename}: the file cannot be unpacked") from None
            if len(data) > content.MAX_FILE_BYTES:
                raise content.ContentError(f"{info.filename}: the file is over the size limit")
            target = folder / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def _as_on_site(session: Session, source: content.PageSource) -> content.PageSource:
    """An uploaded file with the page-wide settings (clinical flag included) the site already has:
    an upload changes a page's text, never its settings."""
    page = session.scalar(select(Page).where(Page.slug == source.slug))
    if page is None:
        return replace(source, clinical=True)
    return replace(
        source,
        clinical=page.clinical,
        section=page.section,
        order=page.order,
        easy_read=page.easy_read_slug,
        standard=page.standard_slug,
        owner=page.owner if source.lang == "en" else None,
        clinical_owner=page.clinical_owner if source.lang == "en" else None,
        clinical_sign_off=_sign_off(page) if source.lang == "en" else None,
    )


@dataclass
class ImportReport:
    """What a content upload did: the drafts it put in review, and the flags it ignored."""

    pages: int
    in_review: list[str]
    ignored_flags: list[str]

    @property
    def summary(self) -> str:
        text = f"{self.pages} pages, {len(self.in_review)} new revisions in review"
        if self.ignored_flags:
            text += (
                f"; the clinical flag in {', '.join(self.ignored_flags)} was not used "
                "(change it on the page in the back-office)"
            )
        return text


def import_pages(session: Session, folder: Path, author_id: int, origin: str = "import") -> ImportReport:
    """The back-office's content import: every new or changed file becomes a draft in review by the
    uploader, for someone to approve and publish; nothing goes live and no page setting changes."""
    by_slug = read_sources(folder)
    ignored = []
    for langs in by_slug.values():
        for lang, source in langs.items():
            on_site = _as_on_site(session, source)
            if lang == "en" and source.clinical != on_site.clinical:
                ignored.append(f"{source.slug}/{lang}")
            langs[lang] = on_site
    changes = [c for c in compare_files(session, by_slug) if c.kind != UNCHANGED]
    for change in changes:
        change.to_review = True
    apply_changes(session, changes, origin, author_id=author_id, uploaded=True)
    return ImportReport(len(by_slug), [c.name for c in changes], sorted(ignored))


@dataclass
class LoadReport:
    """What `flask pages load` did (or, in a dry run, would do)."""

    dry_run: bool
    applied: list[FileChange] = field(default_factory=list)
    refused: list[FileChange] = field(default_factory=list)
    unchanged: int = 0


class LoadRefused(ValueError):
    """`flask pages load` cannot run as asked; the message says why."""


class UnknownOverwrite(LoadRefused):
    """--overwrite named a page language that has no content file."""


def load_pages(
    session: Session,
    content_dir: Path,
    overwrite: set[str] | None = None,
    dry_run: bool = False,
    operator_email: str | None = None,
) -> LoadReport:
    """Bring the site up to date with content/: new pages and languages, and new revisions where the
    newest one came from content/. A page language whose newest revision staff made (or imported) is
    only replaced when `overwrite` names it ("slug/lang").

    Every revision is attributed to the staff account `operator_email` names. A change to a
    non-clinical page is published, approved by that account, which must be able to publish; a
    change to a clinical page becomes a draft in review by that account, for a second person to
    approve in the back-office. On a site with no pages yet (a first install) every page is
    published. Each change is in the audit log."""
    from alliance.accounts.models import StaffUser
    from alliance.accounts.permissions import permissions_for
    from alliance.accounts.services import audit

    overwrite = set(overwrite or ())
    changes = compare_files(session, read_sources(content_dir))
    unknown = sorted(overwrite - {c.name for c in changes})
    if unknown:
        raise UnknownOverwrite(f"No content file for {', '.join(unknown)}")
    report = LoadReport(dry_run=dry_run)
    first_install = site_is_empty(session)
    for change in changes:
        if change.kind == UNCHANGED:
            report.unchanged += 1
        elif change.kind == STAFF_EDITED and change.name not in overwrite:
            report.refused.append(change)
        else:
            change.to_review = not first_install and is_clinical(session, change)
            report.applied.append(change)
    if dry_run:
        session.rollback()
        return report
    if not report.applied:
        return report
    if not operator_email:
        raise LoadRefused("Name the staff account responsible for these changes: --as EMAIL")
    operator = session.scalar(select(StaffUser).where(StaffUser.email == operator_email.strip().lower()))
    if operator is None or not operator.is_active:
        raise LoadRefused(f"No active staff account {operator_email}")
    granted = permissions_for(operator.role_set)
    if "content.edit" not in granted:
        raise LoadRefused(f"{operator.email} cannot edit content")
    if "content.publish" not in granted and not all(c.to_review for c in report.applied):
        raise LoadRefused(f"{operator.email} cannot publish: name a publisher with --as")
    apply_changes(session, report.applied, FROM_CONTENT, author_id=operator.id, first_install=first_install)
    for change in report.applied:
        detail = {"kind": change.kind, "revision": change.latest_number + 1}
        detail["status"] = "in_review" if change.to_review else "published"
        if change.kind == STAFF_EDITED:
            detail["replaced_origin"] = change.latest_origin
        audit(session, "content.load", operator, target=change.name, via="command line", **detail)
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
        reviewed_by=revision.reviewed_by,
        reviewed_on=revision.reviewed_at.date() if revision.reviewed_at else None,
        reviewed_english=revision.reviewed_english,
        owner=page.owner if revision.lang == "en" else None,
        clinical_owner=page.clinical_owner if revision.lang == "en" else None,
        clinical_sign_off=_sign_off(page) if revision.lang == "en" else None,
    )


def _sign_off(page: Page) -> str | None:
    return "awaiting" if page.clinical_signoff_due else None


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
    english_hash = revision.body_hash if revision.lang == "en" else None
    if revision.lang != "en":
        english = _published(session, slug, "en")
        english_hash = english[1].body_hash if english else None
        out_of_date = english is not None and english[1].body_hash != revision.translated_from
    easy_read_lang = None
    if page.easy_read_slug:
        easy_read_lang = (
            "en" if lang == "en" or _published(session, page.easy_read_slug, lang) is None else lang
        )
    languages = session.scalars(
        select(PageLocale.lang).where(
            PageLocale.page_id == page.id, PageLocale.published_revision_id.is_not(None)
        )
    ).all()
    view = PageView(
        **vars(_source_of(page, revision)),
        requested_lang=lang,
        revision_id=revision.id,
        out_of_date=out_of_date,
        languages=sorted(languages),
        english_body_hash=english_hash,
        easy_read_lang=easy_read_lang,
    )
    # Readers see who owns the clinical content in every language, not only in English.
    view.clinical_owner = page.clinical_owner
    return view


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
            outdated = translation_state(review, origin, english[slug]) == "outdated"
            status = "out-of-date" if outdated else "current"
            rows.append({"slug": slug, "lang": lang, "status": status, "review_status": review})
    return rows


@dataclass(frozen=True)
class RelatedPage:
    slug: str
    title: str
    lang: str  # the language the title is in: the reader's, or English where there is no translation


def related_pages(session: Session, slug: str, lang: str, limit: int = 4) -> list[RelatedPage]:
    """Other published pages in the same section as `slug` (in section order, Easy Read versions left
    out), titled in `lang` where translated and in English otherwise."""
    section = session.scalar(select(Page.section).where(Page.slug == slug))
    if not section:
        return []
    rows = session.execute(
        published_select(Page, PageRevision)
        .where(Page.section == section, Page.slug != slug, Page.standard_slug.is_(None))
        .where(PageLocale.lang.in_({lang, "en"}))
        .order_by(Page.order, Page.slug)
    ).all()
    titles: dict[str, RelatedPage] = {}
    for page, revision in rows:
        if page.slug not in titles or revision.lang == lang:
            titles[page.slug] = RelatedPage(page.slug, revision.title, revision.lang)
    return list(titles.values())[:limit]
