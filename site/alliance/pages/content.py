"""The content store on disk: content/pages/<slug>/<lang>.md, Markdown with YAML front matter.

`parse` reads a file into a PageSource; `dump` writes one back in the canonical form, so that
seed-then-export reproduces the files byte for byte.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from alliance import pictures

SECTIONS = ("screening", "symptoms", "about", "get-involved", "help")
REVIEW_STATUSES = ("awaiting-translator-review", "reviewed")
# `clinical_sign_off: awaiting` marks a page whose text waits for a clinician to sign it off.
SIGN_OFF_STATES = ("awaiting",)
# Front matter keys in the order they are written.
KEYS = (
    "title",
    "summary",
    "section",
    "order",
    "clinical",
    "owner",
    "clinical_owner",
    "clinical_sign_off",
    "last_reviewed",
    "next_review_due",
    "sources",
    "easy_read",
    "standard",
    "translated_from",
    "review_status",
    "reviewed_by",
    "reviewed_on",
    "reviewed_english",
    "translator_note",
)
# The record of a translation's review: all three together, only on a reviewed translation.
REVIEW_KEYS = ("reviewed_by", "reviewed_on", "reviewed_english")
HASH = re.compile(r"^[0-9a-f]{12}$")


# Limits on a content file. The longest real page is under 20 KB; these leave room and stop a file
# (or an uploaded zip) from filling the database or a reader's screen.
MAX_FILE_BYTES = 256 * 1024
MAX_FRONT_MATTER_BYTES = 16 * 1024
MAX_SOURCES = 50
# Characters allowed in each text field (title, owner and the slugs match their database columns).
FIELD_LIMITS = {
    "title": 200,
    "summary": 600,
    "owner": 120,
    "clinical_owner": 120,
    "easy_read": 100,
    "standard": 100,
    "translated_from": 12,
    "translator_note": 2000,
    "reviewed_by": 120,
    "source title": 300,
    "source url": 2000,
}
MAX_ORDER = 100_000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
# The only names an uploaded content zip may hold.
UPLOAD_NAME = re.compile(r"^pages/[a-z0-9][a-z0-9-]{0,99}/[a-z]{2,3}\.md$")


class ContentError(ValueError):
    """A content file that cannot be loaded; the message names the file and the field."""


class _AliasRefused(Exception):
    def __init__(self, line: int):
        self.line = line


class _FrontMatterLoader(yaml.SafeLoader):
    """safe_load without anchors and aliases: an alias can make a few bytes expand into megabytes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            raise _AliasRefused(self.peek_event().start_mark.line)
        return super().compose_node(parent, index)


def load_front_matter(header: str, where: str, first_line: int = 1) -> dict:
    """The one way to read a content file's front matter: plain YAML keys, no anchors or aliases,
    no more than MAX_FRONT_MATTER_BYTES. Raises ContentError naming the file (and the line, counting
    the header's first line as first_line)."""
    if len(header.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise ContentError(f"{where}: the front matter is over {MAX_FRONT_MATTER_BYTES // 1024} KB")
    try:
        meta = yaml.load(header, Loader=_FrontMatterLoader) or {}
    except _AliasRefused as error:
        raise ContentError(
            f"{where}: line {error.line + first_line}: YAML anchors and aliases (& and *) are not allowed"
        ) from None
    except yaml.YAMLError as error:
        raise ContentError(f"{where}: the front matter is not valid YAML ({error})") from None
    except RecursionError:
        raise ContentError(f"{where}: the front matter is nested too deeply") from None
    if not isinstance(meta, dict):
        raise ContentError(f"{where}: the front matter must be a set of 'key: value' lines")
    return meta


@dataclass
class PageSource:
    slug: str
    lang: str
    title: str
    summary: str
    section: str
    order: int
    clinical: bool
    body: str
    last_reviewed: date | None = None
    next_review_due: date | None = None
    sources: list[dict] = field(default_factory=list)
    easy_read: str | None = None
    standard: str | None = None
    translated_from: str | None = None
    review_status: str | None = None
    translator_note: str | None = None
    # Who reviewed the translation, on which day, against which English body hash.
    reviewed_by: str | None = None
    reviewed_on: date | None = None
    reviewed_english: str | None = None
    # Who keeps the page up to date: a team or role, never a person's name. English files only.
    owner: str | None = None
    # The named role that owns the clinical content, and whether it awaits clinical sign-off. English only.
    clinical_owner: str | None = None
    clinical_sign_off: str | None = None

    @property
    def body_hash(self) -> str:
        return body_hash(self.body)


def body_hash(body: str) -> str:
    return hashlib.sha256(body.strip().encode("utf-8")).hexdigest()[:12]


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _split(text: str, where: str) -> tuple[dict, str]:
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ContentError(f"{where}: the file is over {MAX_FILE_BYTES // 1024} KB")
    if not text.startswith("---\n"):
        raise ContentError(f"{where}: the file must start with a '---' front matter line")
    try:
        header, body = text[4:].split("\n---\n", 1)
    except ValueError:
        raise ContentError(f"{where}: the front matter has no closing '---' line") from None
    return load_front_matter(header, where, first_line=2), body


def _check_length(where: str, name: str, value: object) -> None:
    if value is not None and len(str(value)) > FIELD_LIMITS[name]:
        raise ContentError(f"{where}: '{name}' is longer than {FIELD_LIMITS[name]} characters")


def _check_fields(meta: dict, where: str) -> list:
    """The front matter's keys and value shapes; returns the sources."""
    unknown = {str(key) for key in meta} - set(KEYS)
    if unknown or not all(isinstance(key, str) for key in meta):
        raise ContentError(f"{where}: unknown front matter keys: {', '.join(sorted(unknown))}")
    for required in ("title", "section"):
        if not meta.get(required):
            raise ContentError(f"{where}: '{required}' is required")
    if meta["section"] not in SECTIONS:
        raise ContentError(f"{where}: section must be one of {', '.join(SECTIONS)}")
    for key in ("last_reviewed", "next_review_due"):
        if meta.get(key) is not None and not isinstance(meta[key], date):
            raise ContentError(f"{where}: '{key}' must be a date like 2026-11-22")
    sources = meta.get("sources") or []
    if not isinstance(sources, list) or not all(
        isinstance(s, dict) and s.get("title") and str(s.get("url", "")).startswith("https://")
        for s in sources
    ):
        raise ContentError(f"{where}: each source needs a title and an https:// url")
    for key in ("easy_read", "standard"):
        if meta.get(key) is not None and not (isinstance(meta[key], str) and SLUG.match(meta[key])):
            raise ContentError(f"{where}: '{key}' must be the slug of a page, like bowel-screening")
    if meta.get("review_status") is not None and meta["review_status"] not in REVIEW_STATUSES:
        raise ContentError(f"{where}: review_status must be one of {', '.join(REVIEW_STATUSES)}")
    if meta.get("clinical_sign_off") is not None and meta["clinical_sign_off"] not in SIGN_OFF_STATES:
        raise ContentError(f"{where}: clinical_sign_off must be one of {', '.join(SIGN_OFF_STATES)}")
    if meta.get("translator_note") is not None and not isinstance(meta["translator_note"], str):
        raise ContentError(f"{where}: 'translator_note' must be text")
    _check_review_record(meta, where)
    return sources


def _check_review_record(meta: dict, where: str) -> None:
    present = [key for key in REVIEW_KEYS if meta.get(key) is not None]
    if not present:
        return
    if len(present) != len(REVIEW_KEYS):
        raise ContentError(f"{where}: a review record needs all of {', '.join(REVIEW_KEYS)}")
    if meta.get("review_status") != "reviewed":
        raise ContentError(f"{where}: a review record is only for a translation with review_status: reviewed")
    if not isinstance(meta["reviewed_by"], str) or not meta["reviewed_by"].strip():
        raise ContentError(f"{where}: 'reviewed_by' must be the reviewer's name")
    if not isinstance(meta["reviewed_on"], date) or isinstance(meta["reviewed_on"], datetime):
        raise ContentError(f"{where}: 'reviewed_on' must be a date like 2026-11-22")
    if not (isinstance(meta["reviewed_english"], str) and HASH.match(meta["reviewed_english"])):
        raise ContentError(f"{where}: 'reviewed_english' must be an English body hash (12 hex digits)")


def _check_sizes(meta: dict, sources: list, where: str) -> None:
    if len(sources) > MAX_SOURCES:
        raise ContentError(f"{where}: a page can name at most {MAX_SOURCES} sources")
    for name in (
        "title",
        "summary",
        "owner",
        "clinical_owner",
        "easy_read",
        "standard",
        "translated_from",
        "translator_note",
        "reviewed_by",
    ):
        _check_length(where, name, meta.get(name))
    for source in sources:
        _check_length(where, "source title", source["title"])
        _check_length(where, "source url", source["url"])


def _check_language_rules(meta: dict, lang: str, clinical: bool, sources: list, where: str) -> None:
    """A clinical English page names its sources and review dates; a translation records its origin."""
    if clinical and lang == "en":
        if not sources:
            raise ContentError(f"{where}: a clinical page must name its sources")
        if not (meta.get("last_reviewed") and meta.get("next_review_due")):
            raise ContentError(f"{where}: a clinical page needs last_reviewed and next_review_due")
    if lang == "en" and any(meta.get(key) is not None for key in REVIEW_KEYS):
        raise ContentError(f"{where}: only a translation has a review record ({', '.join(REVIEW_KEYS)})")
    if lang != "en":
        if not meta.get("translated_from"):
            raise ContentError(
                f"{where}: a translation must record 'translated_from' (the English body hash)"
            )
        if meta.get("review_status") not in REVIEW_STATUSES:
            raise ContentError(f"{where}: review_status must be one of {', '.join(REVIEW_STATUSES)}")


def _order(meta: dict, where: str) -> int:
    try:
        order = int(meta.get("order", 0))
    except (TypeError, ValueError):
        raise ContentError(f"{where}: 'order' must be a whole number") from None
    if not 0 <= order <= MAX_ORDER:
        raise ContentError(f"{where}: 'order' must be between 0 and {MAX_ORDER}")
    return order


def parse(text: str, slug: str, lang: str, where: str = "") -> PageSource:
    where = where or f"{slug}/{lang}.md"
    meta, body = _split(text, where)
    sources = _check_fields(meta, where)
    _check_sizes(meta, sources, where)
    clinical = bool(meta.get("clinical", False))
    _check_language_rules(meta, lang, clinical, sources, where)
    order = _order(meta, where)
    for problem in pictures.problems(body):
        raise ContentError(f"{where}: {problem}")
    return PageSource(
        slug=slug,
        lang=lang,
        title=str(meta["title"]).strip(),
        summary=str(meta.get("summary") or "").strip(),
        section=meta["section"],
        order=order,
        clinical=clinical,
        body=body.strip() + "\n",
        last_reviewed=meta.get("last_reviewed"),
        next_review_due=meta.get("next_review_due"),
        sources=[{"title": str(s["title"]), "url": str(s["url"])} for s in sources],
        easy_read=meta.get("easy_read"),
        standard=meta.get("standard"),
        translated_from=str(meta["translated_from"]) if meta.get("translated_from") else None,
        review_status=meta.get("review_status"),
        translator_note=meta.get("translator_note"),
        reviewed_by=str(meta["reviewed_by"]).strip() if meta.get("reviewed_by") else None,
        reviewed_on=meta.get("reviewed_on"),
        reviewed_english=meta.get("reviewed_english"),
        owner=str(meta["owner"]).strip() if meta.get("owner") and lang == "en" else None,
        clinical_owner=(
            str(meta["clinical_owner"]).strip() if meta.get("clinical_owner") and lang == "en" else None
        ),
        clinical_sign_off=meta.get("clinical_sign_off") if lang == "en" else None,
    )


def dump(page: PageSource) -> str:
    """The canonical file text for a page: fixed key order, empty keys left out."""
    values = {
        "title": page.title,
        "summary": page.summary or None,
        "section": page.section,
        "order": page.order,
        "clinical": page.clinical,
        "owner": page.owner,
        "clinical_owner": page.clinical_owner,
        "clinical_sign_off": page.clinical_sign_off,
        "last_reviewed": page.last_reviewed,
        "next_review_due": page.next_review_due,
        "sources": page.sources or None,
        "easy_read": page.easy_read,
        "standard": page.standard,
        "translated_from": page.translated_from,
        "review_status": page.review_status,
        "reviewed_by": page.reviewed_by,
        "reviewed_on": page.reviewed_on,
        "reviewed_english": page.reviewed_english,
        "translator_note": page.translator_note,
    }
    meta = {key: value for key, value in values.items() if value is not None}
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False)
    return f"---\n{header}---\n\n{page.body.strip()}\n"


def read_tree(content_dir: Path) -> tuple[list[PageSource], list[str]]:
    """Every page file under content_dir/pages; returns (pages, errors)."""
    pages, errors = [], []
    for path in sorted((content_dir / "pages").glob("*/*.md")):
        try:
            text = path.read_text(encoding="utf-8")
            pages.append(parse(text, path.parent.name, path.stem, str(path.relative_to(content_dir))))
        except (ContentError, UnicodeDecodeError) as error:
            errors.append(str(error))
    return pages, errors
