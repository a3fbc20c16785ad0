"""Files for translation agencies: export a language's pending work as XLIFF 1.2 or PO, import the
returned file as drafts awaiting review.

What is exported for a language:
- every page whose translation is not reviewed (missing, draft, awaiting review, out of date): the
  published English title, summary and body with the latest translation as target. The body is one unit
  with its Markdown intact: CAT tools split units into sentences themselves, and a translation whose
  paragraphs do not line up with the English still has a home;
- the texts of surveys (not closed) whose translation in the language is not reviewed;
- the interface strings not reviewed for their current English (singular strings; the one plural
  string is reviewed on the strings page).

Every unit carries the English version it was made from in a developer note ("english-version: <hash>":
a page's published body_hash, a survey text's or interface string's hash of its English text). An import
whose units were made from English that has changed since is refused whole, naming every page (survey
text, interface string) concerned. Nothing published changes: pages become new draft revisions (origin
"import") awaiting translator review, survey texts become the language's unreviewed texts, interface
strings become proposed translations for the strings page.

Files are parsed by translate-toolkit, whose XML parser resolves no entities and reads no network;
a file with a DOCTYPE (which XLIFF never needs) is refused before parsing.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session
from translate.storage.po import pofile
from translate.storage.xliff import ID_SEPARATOR, xlifffile, xliffunit
from translate.storage.xliff2 import Xliff2File, Xliff2Unit

from alliance import i18n, inputs
from alliance.pages import workflow
from alliance.pages.models import Page, PageLocale, PageRevision
from alliance.pages.services import latest_revision
from alliance.surveys import builder
from alliance.surveys.models import Survey, SurveyLanguage
from alliance.translation import strings

FORMATS = ("xliff", "po")
VERSION_NOTE = "english-version:"
PAGE_FIELDS = ("title", "summary", "body")
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"


class Xliff12Unit(xliffunit):
    namespace = XLIFF_12


class Xliff12File(xlifffile):
    """translate-toolkit's XLIFF store, writing XLIFF 1.2 (it writes 1.1 unless told)."""

    UnitClass = Xliff12Unit
    XMLskeleton = """<?xml version="1.0" ?>
<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""
    namespace = XLIFF_12


class ExchangeError(ValueError):
    """A file that cannot be imported, or a language that cannot be exported; the lines say why."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Unit:
    id: str
    source: str
    target: str
    english: str  # the version of the English the unit was made from
    about: str = ""  # what it is, for the translator


@dataclass
class ImportReport:
    lang: str
    pages: list[str] = field(default_factory=list)  # slugs given a new draft revision
    surveys: list[str] = field(default_factory=list)
    strings: int = 0
    unchanged: int = 0  # units whose target was blank or equal to the current translation

    @property
    def summary(self) -> str:
        return (
            f"{len(self.pages)} page drafts awaiting review, {len(self.surveys)} surveys with unreviewed "
            f"texts, {self.strings} interface strings proposed for review"
        )


def _language(lang: str) -> i18n.Language:
    language = i18n.REGISTRY.get(lang)
    if language is None or lang == "en":
        raise ExchangeError([f"{lang!r} is not one of the site's translated languages"])
    return language


# Export ----------------------------------------------------------------------------------------------


def _published(session: Session, page_id: int, lang: str) -> PageRevision | None:
    locale = session.scalar(select(PageLocale).where(PageLocale.page_id == page_id, PageLocale.lang == lang))
    if locale is None or locale.published_revision_id is None:
        return None
    return session.get(PageRevision, locale.published_revision_id)


def _page_pending(english: PageRevision, latest: PageRevision | None) -> bool:
    return (
        latest is None
        or latest.status != "published"
        or latest.translated_from != english.body_hash
        or latest.review_status != "reviewed"
    )


def page_units(session: Session, lang: str) -> list[Unit]:
    units = []
    for page in session.scalars(select(Page).order_by(Page.section, Page.order, Page.slug)):
        english = _published(session, page.id, "en")
        if english is None:
            continue
        latest = latest_revision(session, page.id, lang)
        if not _page_pending(english, latest):
            continue
        for name in PAGE_FIELDS:
            source = getattr(english, name)
            if not source.strip():
                continue
            target = getattr(latest, name) if latest is not None else ""
            about = f"Page {page.slug}: {name}" + (
                " (Markdown: keep its marks and links)" if name == "body" else ""
            )
            units.append(Unit(f"page.{page.slug}.{name}", source, target, english.body_hash, about))
    return units


def _survey_pending(session: Session, lang: str) -> list[Survey]:
    surveys = session.scalars(
        select(Survey).where(Survey.status != "closed").order_by(Survey.slug, Survey.version)
    )
    found = []
    for survey in surveys:
        language = session.scalar(
            select(SurveyLanguage).where(SurveyLanguage.survey_id == survey.id, SurveyLanguage.lang == lang)
        )
        if language is None or not language.translator_reviewed:
            found.append(survey)
    return found


def survey_units(session: Session, lang: str) -> list[Unit]:
    units = []
    for survey in _survey_pending(session, lang):
        current = builder.texts(session, survey.id, lang)
        for key, what, english in builder.translation_keys(session, survey.id):
            units.append(
                Unit(
                    f"survey.{survey.id}.{key}",
                    english,
                    current.get(key, ""),
                    strings.short_hash(english),
                    f"Survey {survey.slug} (version {survey.version}): {what}",
                )
            )
    return units


def string_units(session: Session, lang: str, translations: Path | None = None) -> list[Unit]:
    return [
        Unit(
            f"string.{string.key}",
            string.msgid,
            string.proposed or string.translation,
            string.english,
            "Interface string" + (f" ({string.context})" if string.context else ""),
        )
        for string in strings.pending_interface_strings(lang, session, translations)
        if not string.plural
    ]


def export_units(session: Session, lang: str, translations: Path | None = None) -> list[Unit]:
    _language(lang)
    return page_units(session, lang) + survey_units(session, lang) + string_units(session, lang, translations)


def _note(unit: Unit) -> str:
    return f"{unit.about}\n{VERSION_NOTE} {unit.english}" if unit.about else f"{VERSION_NOTE} {unit.english}"


def write_file(units: list[Unit], lang: str, fmt: str) -> bytes:
    """The units as an XLIFF 1.2 or PO file, English source and `lang` target."""
    if fmt == "xliff":
        return _xliff(units, lang)
    if fmt == "po":
        return _po(units, lang)
    raise ExchangeError([f"Choose a format: {' or '.join(FORMATS)}"])


def _xliff(units: list[Unit], lang: str) -> bytes:
    store = Xliff12File(sourcelanguage="en", targetlanguage=lang)
    for unit in units:
        made = store.addsourceunit(unit.source, filename=f"alliance-{lang}", createifmissing=True)
        try:
            made.setid(unit.id)
        except ValueError:
            raise ExchangeError([f"{unit.id} cannot be an XLIFF id: export as PO instead"]) from None
        if unit.target:
            made.settarget(unit.target, lang=lang)
            made.markapproved(False)
        made.addnote(_note(unit), origin="developer")
    return bytes(store)


def _po(units: list[Unit], lang: str) -> bytes:
    store = pofile()
    store.updateheader(add=True, Language=lang, Content_Type="text/plain; charset=UTF-8")
    store.settargetlanguage(lang)
    for unit in units:
        made = store.addsourceunit(unit.source)
        made.setcontext(unit.id)
        made.target = unit.target
        made.addnote(_note(unit), origin="developer")
    return bytes(store)


def export_file(session: Session, lang: str, fmt: str, translations: Path | None = None) -> tuple[bytes, int]:
    """(file bytes, number of units) for the language's pending work."""
    units = export_units(session, lang, translations)
    return write_file(units, lang, fmt), len(units)


# Import ----------------------------------------------------------------------------------------------


@dataclass
class Returned:
    """One unit as read back from a returned file."""

    id: str
    source: str
    target: str
    english: str


def _version(notes: str) -> str:
    for line in notes.splitlines():
        if line.strip().startswith(VERSION_NOTE):
            return line.strip()[len(VERSION_NOTE) :].strip()
    return ""


def _text(value: object) -> str:
    # translate-toolkit gives a plural unit's forms as a list-like "multistring"; take the text as a whole.
    return str(value) if value is not None else ""


def read_file(data: bytes) -> tuple[str, list[Returned]]:
    """(target language, units) from XLIFF (1.2 or 2.0) or PO bytes; ExchangeError if it is neither."""
    if not data.strip():
        raise ExchangeError(["The file is empty"])
    if b"\x00" in data:
        raise ExchangeError(["The file holds NUL bytes: it is not an XLIFF or PO file"])
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _read_xliff(data)
    return _read_po(data)


def _read_xliff(data: bytes) -> tuple[str, list[Returned]]:
    if _DOCTYPE.search(data):
        raise ExchangeError(["The file declares a DOCTYPE or entities, which an XLIFF file never needs"])
    version_2 = b"urn:oasis:names:tc:xliff:document:2.0" in data[:4000]
    try:
        store = (Xliff2File if version_2 else xlifffile).parsestring(data)
        units = [
            Returned(
                _xliff_id(unit.getid() or ""), _text(unit.source), _text(unit.target), _version(_notes(unit))
            )
            for unit in store.units
            if not unit.isheader()
        ]
        lang = (store.gettargetlanguage() or "").strip()
    except etree.XMLSyntaxError as error:
        raise ExchangeError([f"The file is not well-formed XML ({str(error)[:200]})"]) from None
    except Exception:  # noqa: BLE001  translate-toolkit raises many kinds for XML that is not XLIFF
        raise ExchangeError(["The file is XML but not an XLIFF file this site can read"]) from None
    if not units:
        raise ExchangeError(["The file holds no translation units: is it an XLIFF file from this site?"])
    return lang, units


def _notes(unit: object) -> str:
    """A unit's notes; XLIFF 2.0 keeps them on the <unit> around translate-toolkit's segment."""
    if isinstance(unit, Xliff2Unit):
        element = unit.getunitelement()
        notes = element.find(unit.namespaced("notes"))
        return "\n".join(note.text or "" for note in notes) if notes is not None else ""
    return unit.getnotes() or ""  # type: ignore[attr-defined]


def _xliff_id(uid: str) -> str:
    # translate-toolkit prefixes an id with its <file original="..."> name and a separator.
    return uid.rpartition(ID_SEPARATOR)[2]


def _read_po(data: bytes) -> tuple[str, list[Returned]]:
    try:
        store = pofile.parsestring(data)
    except Exception as error:  # noqa: BLE001  translate-toolkit raises many kinds for broken PO files
        raise ExchangeError([f"The file is not a readable XLIFF or PO file ({str(error)[:200]})"]) from None
    units = [
        Returned(
            unit.getcontext() or "", _text(unit.source), _text(unit.target), _version(unit.getnotes() or "")
        )
        for unit in store.units
        if not unit.isheader() and not unit.isobsolete()
    ]
    if not units:
        raise ExchangeError(
            ["The file holds no translation units: is it an XLIFF or PO file from this site?"]
        )
    return (store.gettargetlanguage() or "").strip(), units


@dataclass
class _Plan:
    """What an import would change, worked out before anything is written."""

    pages: dict[str, dict[str, Returned]] = field(default_factory=lambda: defaultdict(dict))
    surveys: dict[int, dict[str, Returned]] = field(default_factory=lambda: defaultdict(dict))
    strings: dict[str, Returned] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def _sort(plan: _Plan, units: list[Returned]) -> None:
    for unit in units:
        if not unit.id:
            plan.problems.append("A unit has lost its id; the file must keep the ids it was exported with")
            continue
        if not unit.english:
            plan.problems.append(f"{unit.id}: the note saying which English it was made from is missing")
            continue
        control = inputs.first_control(unit.target, line_breaks=True)
        if control is not None:
            plan.problems.append(f"{unit.id}: the translation holds a control character ({control})")
            continue
        kind, _dot, rest = unit.id.partition(".")
        if kind == "page":
            slug, _dot, name = rest.rpartition(".")
            if name not in PAGE_FIELDS or not slug:
                plan.problems.append(f"{unit.id}: not a unit this site exports")
            else:
                plan.pages[slug][name] = unit
        elif kind == "survey":
            survey_id, _dot, key = rest.partition(".")
            if not survey_id.isdigit() or not key or int(survey_id) > inputs.DATABASE_INT_MAX:
                plan.problems.append(f"{unit.id}: not a unit this site exports")
            else:
                plan.surveys[int(survey_id)][key] = unit
        elif kind == "string" and rest:
            plan.strings[rest] = unit
        else:
            plan.problems.append(f"{unit.id}: not a unit this site exports")


def _check_pages(session: Session, lang: str, plan: _Plan) -> None:
    for slug, units in plan.pages.items():
        page = session.scalar(select(Page).where(Page.slug == slug))
        english = _published(session, page.id, "en") if page is not None else None
        if english is None:
            plan.problems.append(f"Page {slug}: there is no such page in English on this site")
            continue
        # The body's hash is the version; the sources (compared as words: some tools fold white space)
        # also catch a changed title or summary.
        stale = any(unit.english != english.body_hash for unit in units.values()) or any(
            unit.source.split() != getattr(english, name).split() for name, unit in units.items()
        )
        if stale:
            plan.changed.append(f"page {slug}")
        translated = {name: unit.target.strip() for name, unit in units.items() if unit.target.strip()}
        if translated and len(translated) < len(units):
            plan.problems.append(
                f"Page {slug}: translate every part of the page (title, summary, body) or none"
            )
        # A tool that folded white space folded the English source too: the Markdown would not survive.
        folded = "body" in units and "\n" not in units["body"].source and "\n" in english.body.strip()
        if folded and "body" in translated:
            plan.problems.append(
                f"Page {slug}: the body's translation has lost its line breaks, so its Markdown would break "
                '(the translation tool must keep white space: xml:space="preserve")'
            )


def _check_surveys(session: Session, plan: _Plan) -> None:
    for survey_id, units in plan.surveys.items():
        survey = session.get(Survey, survey_id)
        if survey is None:
            plan.problems.append(f"Survey {survey_id}: there is no such survey on this site")
            continue
        english = {key: text for key, _what, text in builder.translation_keys(session, survey_id)}
        for key, unit in units.items():
            if key not in english:
                plan.changed.append(
                    f"survey {survey.slug} (version {survey.version}) text {key} (no longer asked)"
                )
            elif strings.short_hash(english[key]) != unit.english:
                plan.changed.append(f"survey {survey.slug} (version {survey.version}) text {key}")


def _check_strings(
    session: Session, lang: str, plan: _Plan, translations: Path | None
) -> dict[str, strings.InterfaceString]:
    known = {s.key: s for s in strings.interface_strings(session, lang, translations)}
    for key, unit in plan.strings.items():
        string = known.get(key)
        if string is None or string.english != unit.english:
            plan.changed.append(f"interface string “{unit.source[:60]}”")
        elif string.plural:
            plan.problems.append(
                f"Interface string “{unit.source[:60]}” has plural forms: review it on the strings page"
            )
    return known


def import_file(
    session: Session,
    data: bytes,
    author_id: int,
    author_email: str,
    lang: str | None = None,
    translations: Path | None = None,
) -> ImportReport:
    """Import a returned file as drafts awaiting review. `lang`, when given, is the language the file
    must be for. Refuses the whole file (ExchangeError, nothing written) when any unit is unknown,
    broken or made from English that has changed since the export."""
    file_lang, units = read_file(data)
    file_lang = file_lang.replace("_", "-")
    language = i18n.REGISTRY.get(file_lang) or next(
        (candidate for candidate in i18n.REGISTRY.values() if candidate.babel == file_lang.replace("-", "_")),
        None,
    )
    if language is None or language.code == "en":
        raise ExchangeError(
            [f"The file's target language ({file_lang or 'none'}) is not one the site translates into"]
        )
    if lang is not None and language.code != lang:
        raise ExchangeError(
            [f"The file is a translation into {language.english_name}, not {_language(lang).english_name}"]
        )
    plan = _Plan()
    _sort(plan, units)
    _check_pages(session, language.code, plan)
    _check_surveys(session, plan)
    known = _check_strings(session, language.code, plan, translations)
    problems = list(plan.problems)
    if plan.changed:
        problems.insert(
            0,
            "Nothing was imported: the English changed after this file was exported, for "
            + "; ".join(plan.changed)
            + ". Export a new file for these and send the agency the changes.",
        )
    if problems:
        raise ExchangeError(problems)
    report = ImportReport(language.code)
    for slug, page_units_ in plan.pages.items():
        _import_page(session, language.code, slug, page_units_, author_id, report)
    for survey_id, survey_units_ in plan.surveys.items():
        _import_survey(session, language.code, survey_id, survey_units_, report)
    for key, unit in plan.strings.items():
        if unit.target.strip() and strings.propose(
            session, language.code, known[key], unit.target, author_id, author_email
        ):
            report.strings += 1
        else:
            report.unchanged += 1
    session.flush()
    return report


IMPORT_NOTE = (
    "Translated by a translation agency (imported file); not yet reviewed by a qualified translator."
)


def _import_page(
    session: Session, lang: str, slug: str, units: dict[str, Returned], author_id: int, report: ImportReport
) -> None:
    if not any(unit.target.strip() for unit in units.values()):
        report.unchanged += len(units)
        return
    page = session.scalar(select(Page).where(Page.slug == slug))
    english = _published(session, page.id, "en") if page is not None else None
    if page is None or english is None:  # checked before anything was written; the page went since
        raise ExchangeError([f"Page {slug}: there is no such page in English on this site"])
    latest = latest_revision(session, page.id, lang)
    title = units["title"].target.strip()
    summary = units["summary"].target.strip() if "summary" in units else ""
    body = units["body"].target.strip() + "\n"
    if latest is not None and (latest.title, latest.summary, latest.body) == (title, summary, body):
        report.unchanged += len(units)
        return
    basis = latest or english
    draft = workflow.Draft(
        title=title,
        summary=summary,
        body=body,
        last_reviewed=basis.last_reviewed,
        next_review_due=basis.next_review_due,
        sources=json.loads(basis.sources or "[]"),
    )
    revision_id = workflow.save_draft(session, slug, lang, draft, author_id, latest.id if latest else None)
    revision = session.get_one(PageRevision, revision_id)
    revision.origin = "import"
    revision.translator_note = IMPORT_NOTE
    report.pages.append(slug)


def _import_survey(
    session: Session, lang: str, survey_id: int, units: dict[str, Returned], report: ImportReport
) -> None:
    current = builder.texts(session, survey_id, lang)
    values = {key: unit.target.strip() for key, unit in units.items() if unit.target.strip()}
    if all(current.get(key) == text for key, text in values.items()):
        report.unchanged += len(units)
        return
    try:
        builder.save_translation(session, survey_id, lang, values, reviewed=False)
    except builder.BuilderError as error:
        raise ExchangeError([f"Survey {survey_id}: {error}"]) from None
    survey = session.get_one(Survey, survey_id)
    report.surveys.append(f"{survey.slug} (version {survey.version})")
