"""Interface strings, one review state per string and language.

A translation of an interface string is trusted once a reviewer approved it for the English it
translates. Approvals live in the database (`interface_string_reviews`), so every node of a server
sees the same state; `flask translations review-export` writes them to translations/<locale>/REVIEW.json
(and approved proposals into the catalogue) for version control, and seeding and `flask deploy` read
that file back add-only: a row already in the database is never changed by a file.

A row is keyed by language and a hash of the string's context and English (its `key`). The English of
a changed string is a different key, so a changed string is pending again. A row says:
- "reviewed": the translation `translation` was approved for this English;
- "flagged": a reviewer flagged the catalogue's translation with a comment;
- "proposed": a translation agency's file proposed `translation`, waiting for a reviewer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from alliance import catalogues, i18n
from alliance.database import Base, utcnow

if TYPE_CHECKING:
    from alliance.accounts.models import StaffUser

STATUSES = ("reviewed", "flagged", "proposed")
COMMENT_LIMIT = 2000
REVIEW_FILE = "REVIEW.json"


class StringReviewError(ValueError):
    """A review action that cannot be done; the message is safe to show."""


class InterfaceStringReview(Base):
    """The review state of one interface string in one language (see the module docstring)."""

    __tablename__ = "interface_string_reviews"
    __table_args__ = (UniqueConstraint("lang", "key", name="uq_interface_string_reviews_lang_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lang: Mapped[str] = mapped_column(String(10))
    # sha256 of context + NUL + msgid, first 16 hex digits.
    key: Mapped[str] = mapped_column(String(16))
    context: Mapped[str] = mapped_column(Text, default="")
    msgid: Mapped[str] = mapped_column(Text)
    # First 12 hex digits of sha256 of the English (msgid, and msgid_plural when there is one).
    english: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(20))
    # The translation reviewed, flagged or proposed (plural forms joined by NUL).
    translation: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    # Who, by email: kept when the row came from a review file with no account here.
    by_email: Mapped[str] = mapped_column(String(254), default="")
    on: Mapped[datetime] = mapped_column(default=utcnow)


def short_hash(text: str, digits: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:digits]


def string_key(msgid: str, context: str = "") -> str:
    return short_hash(f"{context}\x00{msgid}", 16)


@dataclass(frozen=True)
class InterfaceString:
    key: str
    context: str
    msgid: str
    plural: str
    translation: str  # the catalogue's (plural forms joined by NUL)
    english: str  # short hash of the English
    status: str  # "pending", "reviewed", "flagged" or "proposed"
    proposed: str  # a proposed translation waiting for review, else ""
    comment: str

    @property
    def pending(self) -> bool:
        return self.status != "reviewed"

    @property
    def translation_forms(self) -> list[str]:
        return self.translation.split("\x00")


def _translations_dir(translations: Path | None) -> Path:
    if translations is not None:
        return translations
    from flask import current_app

    return Path(current_app.config["TRANSLATIONS_DIR"])


def _locale(lang: str) -> str:
    language = i18n.REGISTRY.get(lang)
    if language is None or lang == "en":
        raise StringReviewError(f"There are no interface translations for {lang!r}")
    return language.babel


def catalogue_path(lang: str, translations: Path | None = None) -> Path:
    return _translations_dir(translations) / _locale(lang) / "LC_MESSAGES" / "messages.po"


def read_catalogue(lang: str, translations: Path | None = None) -> Catalog:
    with catalogue_path(lang, translations).open("rb") as handle:
        return read_po(handle, locale=_locale(lang))


def _parts(message: Message) -> tuple[str, str, str, str]:
    """(msgid, plural, context, translation) of a catalogue entry."""
    if isinstance(message.id, tuple | list):
        msgid, plural = message.id[0], message.id[1]
    else:
        msgid, plural = message.id, ""
    string = message.string
    translation = "\x00".join(string) if isinstance(string, tuple | list) else (string or "")
    return msgid, plural, message.context or "", translation


def english_hash(msgid: str, plural: str = "") -> str:
    return short_hash(msgid + ("\x00" + plural if plural else ""))


def interface_strings(session: Session, lang: str, translations: Path | None = None) -> list[InterfaceString]:
    """Every string of the language's catalogue, in catalogue order, with its review state."""
    catalogue = read_catalogue(lang, translations)
    rows = {
        row.key: row
        for row in session.scalars(select(InterfaceStringReview).where(InterfaceStringReview.lang == lang))
    }
    found = []
    for message in catalogue:
        if not message.id:
            continue
        msgid, plural, context, translation = _parts(message)
        key, english = string_key(msgid, context), english_hash(msgid, plural)
        row = rows.get(key)
        status, proposed, comment = "pending", "", ""
        if row is not None and row.english == english:
            status, comment = row.status, row.comment
            if row.status == "proposed":
                proposed = row.translation
        if message.fuzzy and status == "reviewed":
            status = "pending"
        found.append(
            InterfaceString(key, context, msgid, plural, translation, english, status, proposed, comment)
        )
    return found


def pending_interface_strings(
    lang: str, session: Session | None = None, translations: Path | None = None
) -> list[InterfaceString]:
    """The strings of `lang` not recorded as reviewed for their current English."""
    if session is None:
        from alliance.extensions import db

        session = db.session
    return [string for string in interface_strings(session, lang, translations) if string.pending]


def _row(session: Session, lang: str, key: str) -> InterfaceStringReview | None:
    return session.scalar(
        select(InterfaceStringReview).where(
            InterfaceStringReview.lang == lang, InterfaceStringReview.key == key
        )
    )


def _record(
    session: Session,
    lang: str,
    string: InterfaceString,
    status: str,
    translation: str,
    by_id: int | None,
    by_email: str,
    comment: str = "",
) -> None:
    row = _row(session, lang, string.key)
    if row is None:
        row = InterfaceStringReview(lang=lang, key=string.key)
        session.add(row)
    row.context, row.msgid, row.english = string.context, string.msgid, string.english
    row.status, row.translation, row.comment = status, translation, comment
    row.by_id, row.by_email, row.on = by_id, by_email, utcnow()


def approve(
    session: Session,
    lang: str,
    keys: list[str],
    by_id: int,
    by_email: str,
    translations: Path | None = None,
) -> int:
    """Approve the strings named by `keys`: each one's proposed translation when it has one, else the
    catalogue's. Returns how many were approved; an unknown key is refused and nothing changes."""
    strings = {s.key: s for s in interface_strings(session, lang, translations)}
    unknown = [key for key in keys if key not in strings]
    if unknown:
        raise StringReviewError("Some of the chosen strings are no longer in the catalogue: reload the page")
    if not keys:
        raise StringReviewError("Tick the strings you have checked")
    for key in keys:
        string = strings[key]
        text = string.proposed or string.translation
        if not text.replace("\x00", "").strip():
            raise StringReviewError(f"“{string.msgid[:60]}” has no translation to approve")
        _record(session, lang, string, "reviewed", text, by_id, by_email)
    session.flush()
    return len(keys)


def flag(
    session: Session,
    lang: str,
    key: str,
    comment: str,
    by_id: int,
    by_email: str,
    translations: Path | None = None,
) -> None:
    """Flag one string's translation as wrong, saying why; it stays pending."""
    comment = comment.strip()
    if not comment:
        raise StringReviewError("Say what is wrong with the translation")
    if len(comment) > COMMENT_LIMIT:
        raise StringReviewError(f"Keep the comment to {COMMENT_LIMIT} characters or fewer")
    string = next((s for s in interface_strings(session, lang, translations) if s.key == key), None)
    if string is None:
        raise StringReviewError("That string is no longer in the catalogue: reload the page")
    _record(session, lang, string, "flagged", string.proposed or string.translation, by_id, by_email, comment)
    session.flush()


def propose(
    session: Session,
    lang: str,
    string: InterfaceString,
    translation: str,
    by_id: int | None,
    by_email: str,
) -> bool:
    """Record a translation proposed by an agency's file, waiting for review. A proposal equal to the
    catalogue's translation changes nothing (returns False)."""
    if translation == string.translation:
        return False
    _record(session, lang, string, "proposed", translation, by_id, by_email)
    return True


# The review file ---------------------------------------------------------------------------------


def _file_key(msgid: str, context: str) -> str:
    # gettext's own way of joining a context to its msgid.
    return f"{context}\x04{msgid}" if context else msgid


def review_file(lang: str, translations: Path | None = None) -> Path:
    return _translations_dir(translations) / _locale(lang) / REVIEW_FILE


def export_reviews(session: Session, lang: str, translations: Path | None = None) -> tuple[int, int]:
    """Write the language's review file from the database, and every approved translation that differs
    from the catalogue's into the catalogue. Returns (entries written, catalogue translations changed)."""
    rows = session.scalars(
        select(InterfaceStringReview)
        .where(InterfaceStringReview.lang == lang, InterfaceStringReview.status != "proposed")
        .order_by(InterfaceStringReview.msgid, InterfaceStringReview.context)
    ).all()
    entries = {}
    for row in rows:
        entry = {
            "status": row.status,
            "reviewed_by": row.by_email,
            "reviewed_on": row.on.date().isoformat(),
            "english": row.english,
            "translation": row.translation,
        }
        if row.comment:
            entry["comment"] = row.comment
        entries[_file_key(row.msgid, row.context)] = entry
    path = review_file(lang, translations)
    if not entries and not path.exists():
        return 0, 0
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(
        json.dumps(entries, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    staging.replace(path)
    changed = _write_approved(lang, [row for row in rows if row.status == "reviewed"], translations)
    return len(entries), changed


def _write_approved(lang: str, rows: list[InterfaceStringReview], translations: Path | None) -> int:
    catalogue = read_catalogue(lang, translations)
    changed = 0
    for row in rows:
        message = catalogue.get(row.msgid, context=row.context or None)
        if message is None:
            continue
        msgid, plural, _context, current = _parts(message)
        if english_hash(msgid, plural) != row.english or current == row.translation:
            continue
        forms = row.translation.split("\x00")
        message.string = tuple(forms) if plural else forms[0]
        message.flags.discard("fuzzy")
        changed += 1
    if changed:
        catalogues.save(catalogue_path(lang, translations), catalogue)
    return changed


def import_reviews(session: Session, lang: str, translations: Path | None = None) -> int:
    """Add the review file's entries the database lacks (add-only: a row already there, whatever its
    state, is kept). Returns how many rows were added. A missing file adds nothing."""
    path = review_file(lang, translations)
    if not path.exists():
        return 0
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StringReviewError(f"{path}: not a readable review file ({error})") from None
    if not isinstance(entries, dict):
        raise StringReviewError(f"{path.name}: expected an object of strings")
    known = set(session.scalars(select(InterfaceStringReview.key).where(InterfaceStringReview.lang == lang)))
    added = 0
    for file_key, entry in entries.items():
        context, _sep, msgid = file_key.rpartition("\x04")
        key = string_key(msgid, context)
        if key in known or not isinstance(entry, dict) or entry.get("status") not in ("reviewed", "flagged"):
            continue
        try:
            on = datetime.fromisoformat(str(entry.get("reviewed_on")))
        except ValueError:
            on = utcnow()
        session.add(
            InterfaceStringReview(
                lang=lang,
                key=key,
                context=context,
                msgid=msgid,
                english=str(entry.get("english", ""))[:12],
                status=entry["status"],
                translation=str(entry.get("translation", "")),
                comment=str(entry.get("comment", "")),
                by_email=str(entry.get("reviewed_by", ""))[:254],
                on=on,
            )
        )
        known.add(key)
        added += 1
    session.flush()
    return added


def interface_languages() -> list[str]:
    return [code for code in i18n.REGISTRY if code != "en"]


def seed_reviews(session: Session, _content_dir: Path, translations: Path | None = None) -> tuple[int, str]:
    """Seeder and deploy step: every language's review file, add-only."""
    added = sum(import_reviews(session, lang, translations) for lang in interface_languages())
    session.commit()
    return added, f"{added} interface-string reviews added from the review files"


def may_review(user: StaffUser | None, lang: str) -> bool:
    """Whether `user` may review `lang`'s interface strings and exchange its files with agencies: the
    same rule as every other review (alliance.translation.access)."""
    from alliance.translation import access

    return lang in i18n.REGISTRY and access.may_review(user, lang)
