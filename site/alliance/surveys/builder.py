"""Building surveys in the back-office: texts, pages, questions, options, conditions, translations,
languages, opening and closing, new versions and duplicates.

Functions take primitives and a session, change rows and flush; the caller audits and commits.
A refusal raises `BuilderError` with a message for staff and, where it belongs to one form field,
that field's name. Once a version has responses its questions, options and English question text
are locked (`locking.ensure_editable`): staff make a new version to change them. Survey-level
texts, dates and translations stay editable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from alliance.surveys import locking, question_kinds, reading, seeding
from alliance.surveys.models import (
    QUESTION_KINDS,
    Option,
    Question,
    Response,
    Survey,
    SurveyLanguage,
    SurveyPage,
    SurveyText,
)

KIND_LABELS = {kind: question_kinds.building(kind).label for kind in QUESTION_KINDS}
OPTION_KINDS = tuple(kind for kind in QUESTION_KINDS if question_kinds.building(kind).options)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LOCKED = (
    "This version has responses, so its questions can no longer change. Make a new version to change them."
)
FIELD_LABELS = {"title": "Title", "introduction": "Introduction", "privacy_notice": "Privacy notice"}


class BuilderError(reading.SurveyError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


# Reading ------------------------------------------------------------------------------------------------


@dataclass
class SurveyRow:
    id: int
    slug: str
    title: str
    version: int
    status: str
    opens_at: datetime | None
    closes_at: datetime | None
    responses: int


def survey_rows(session: Session) -> list[SurveyRow]:
    """Every version of every survey, by slug then newest version first, with its English title."""
    counts = dict(
        session.execute(select(Response.survey_id, func.count()).group_by(Response.survey_id)).all()
    )
    titles = dict(
        session.execute(
            select(SurveyText.survey_id, SurveyText.text).where(
                SurveyText.lang == "en", SurveyText.key == "title"
            )
        ).all()
    )
    return [
        SurveyRow(
            s.id,
            s.slug,
            titles.get(s.id, ""),
            s.version,
            s.status,
            reading._aware(s.opens_at),
            reading._aware(s.closes_at),
            counts.get(s.id, 0),
        )
        for s in session.scalars(select(Survey).order_by(Survey.slug, Survey.version.desc()))
    ]


def texts(session: Session, survey_id: int, lang: str) -> dict[str, str]:
    return reading._texts(session, survey_id, lang)


def is_locked(session: Session, survey_id: int) -> bool:
    return locking.response_count(session, survey_id) > 0


def _survey(session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise BuilderError("No such survey")
    return survey


def _editable(session: Session, survey_id: int) -> None:
    try:
        locking.ensure_editable(session, survey_id)
    except reading.SurveyLocked as error:
        raise BuilderError(LOCKED) from error


def _set_text(session: Session, survey_id: int, lang: str, key: str, text: str) -> None:
    row = session.scalar(
        select(SurveyText).where(
            SurveyText.survey_id == survey_id, SurveyText.lang == lang, SurveyText.key == key
        )
    )
    text = (text or "").replace("\r\n", "\n").strip()
    if row is None:
        if text:
            session.add(SurveyText(survey_id=survey_id, lang=lang, key=key, text=text))
    elif text:
        row.text = text
    else:
        session.delete(row)


def _drop_texts(session: Session, survey_id: int, prefixes: list[str]) -> None:
    for prefix in prefixes:
        session.execute(
            delete(SurveyText).where(SurveyText.survey_id == survey_id, SurveyText.key.startswith(prefix))
        )


# Surveys ------------------------------------------------------------------------------------------------


def _check_slug(session: Session, slug: str) -> str:
    slug = (slug or "").strip()
    if not SLUG.match(slug) or len(slug) > 100:
        raise BuilderError(
            "Enter a web address name using lower-case letters, numbers and hyphens, like cancer-care-2026",
            "slug",
        )
    if session.scalar(select(Survey.id).where(Survey.slug == slug).limit(1)) is not None:
        raise BuilderError("A survey with this web address name already exists", "slug")
    return slug


def create_survey(session: Session, slug: str, title: str) -> Survey:
    """A new draft, version 1, with an English title and English as its first language."""
    slug = _check_slug(session, slug)
    if not (title or "").strip():
        raise BuilderError("Enter the survey's English title", "title")
    survey = Survey(slug=slug, version=1, status="draft")
    session.add(survey)
    session.flush()
    session.add(SurveyLanguage(survey_id=survey.id, lang="en", offered=False, translator_reviewed=True))
    _set_text(session, survey.id, "en", "title", title)
    session.flush()
    return survey


def edit_survey(
    session: Session,
    survey_id: int,
    title: str,
    introduction: str,
    privacy_notice: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    retain_months: int | None,
) -> None:
    """The English texts and the settings. Times are UTC."""
    survey = _survey(session, survey_id)
    if not (title or "").strip():
        raise BuilderError("Enter the survey's English title", "title")
    if opens_at and closes_at and closes_at <= opens_at:
        raise BuilderError("The closing date must be after the opening date", "closes_on")
    for key, text in (("title", title), ("introduction", introduction), ("privacy_notice", privacy_notice)):
        _set_text(session, survey_id, "en", key, text)
    survey.opens_at, survey.closes_at, survey.retain_months = opens_at, closes_at, retain_months
    session.flush()


# Pages ---------------------------------------------------------------------------------------------------


def add_page(session: Session, survey_id: int) -> SurveyPage:
    _editable(session, survey_id)
    survey = _survey(session, survey_id)
    page = SurveyPage(survey_id=survey_id, position=len(survey.pages) + 1)
    survey.pages.append(page)
    session.flush()
    return page


def _page(session: Session, survey_id: int, page_id: int) -> SurveyPage:
    page = session.get(SurveyPage, page_id)
    if page is None or page.survey_id != survey_id:
        raise BuilderError("No such page")
    return page


def _renumber(items: list) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


def delete_page(session: Session, survey_id: int, page_id: int) -> None:
    _editable(session, survey_id)
    page = _page(session, survey_id, page_id)
    if page.questions:
        raise BuilderError("Delete or move this page's questions first")
    survey = page.survey
    survey.pages.remove(page)
    _renumber(survey.pages)
    session.flush()


def move_page(session: Session, survey_id: int, page_id: int, step: int) -> None:
    """Move a page one place earlier (step -1) or later (+1); refused when a condition would then
    depend on a later answer."""
    _editable(session, survey_id)
    page = _page(session, survey_id, page_id)
    pages = list(page.survey.pages)
    index = pages.index(page)
    target = index + step
    if not 0 <= target < len(pages):
        return
    pages[index], pages[target] = pages[target], pages[index]
    _renumber(pages)
    page.survey.pages.sort(key=lambda p: p.position)
    _check_conditions(page.survey)
    session.flush()


# Questions -----------------------------------------------------------------------------------------------


@dataclass
class QuestionInput:
    """What staff type for a question, all in English. `options` one per line; `other_label` adds an
    "other, please say" option; `show_if` a list of "question_key=value" choices from one question."""

    text: str
    required: bool = False
    help: str = ""
    options: str = ""
    other_label: str = ""
    min_value: int | None = None
    max_value: int | None = None
    low_label: str = ""
    high_label: str = ""
    max_length: int | None = None
    show_if: list[str] | None = None


def _question(session: Session, survey_id: int, question_id: int) -> Question:
    question = session.get(Question, question_id)
    if question is None or question.survey_id != survey_id:
        raise BuilderError("No such question")
    return question


def _ordered(survey: Survey) -> list[Question]:
    return [q for page in sorted(survey.pages, key=lambda p: p.position) for q in page.questions]


def _page_number(question: Question) -> int:
    return question.page.position


def condition_values(question: Question, english: dict[str, str]) -> list[tuple[str, str]]:
    """(value, English label) for each answer of a question another question may depend on."""
    conditions = question_kinds.building(question.kind).conditions
    if conditions == "yes_no":
        return [("yes", "Yes"), ("no", "No")]
    if conditions == "scale":
        low, high = question.min_value or 1, question.max_value or 5
        return [(str(n), str(n)) for n in range(low, high + 1)]
    if conditions == "options":
        return [(o.key, english.get(f"o.{question.key}.{o.key}", o.key)) for o in question.options]
    return []


def condition_choices(session: Session, survey_id: int, page_id: int) -> list[tuple[str, str]]:
    """("key=value", label) for every answer of every question on a page before `page_id`."""
    survey = _survey(session, survey_id)
    page = _page(session, survey_id, page_id)
    english = texts(session, survey_id, "en")
    choices = []
    for question in _ordered(survey):
        if question_kinds.building(question.kind).conditions and _page_number(question) < page.position:
            asked = english.get(f"q.{question.key}.text", question.key)
            for value, label in condition_values(question, english):
                choices.append((f"{question.key}={value}", f"‘{asked}’ is ‘{label}’"))
    return choices


def _parse_show_if(survey: Survey, page_position: int, chosen: list[str] | None, english: dict):
    """(source key, values) from "key=value" choices, or (None, None); refuses anything else."""
    chosen = [c for c in (chosen or []) if c]
    if not chosen:
        return None, None
    pairs = [c.split("=", 1) for c in chosen]
    if any(len(pair) != 2 for pair in pairs) or len({key for key, _ in pairs}) != 1:
        raise BuilderError("Choose answers to one earlier question only", "show_if")
    key = pairs[0][0]
    source = next((q for q in _ordered(survey) if q.key == key), None)
    if (
        source is None
        or not question_kinds.building(source.kind).conditions
        or _page_number(source) >= page_position
    ):
        raise BuilderError(
            "A question can only depend on a choice, yes or no, or rating question on an earlier page",
            "show_if",
        )
    allowed = {value for value, _ in condition_values(source, english)}
    values = list(dict.fromkeys(value for _, value in pairs))
    if not set(values) <= allowed:
        raise BuilderError("Choose answers that the earlier question offers", "show_if")
    return key, values


def _check_conditions(survey: Survey) -> None:
    """Every condition names a question on an earlier page, with values it can still have."""
    ordered = _ordered(survey)
    by_key = {q.key: q for q in ordered}
    for question in ordered:
        if not question.show_if_key:
            continue
        source = by_key.get(question.show_if_key)
        if source is None or _page_number(source) >= _page_number(question):
            raise BuilderError(
                "That would make a question depend on an answer given later. Change its condition first."
            )
        allowed = {value for value, _ in condition_values(source, {})}
        if not set(json.loads(question.show_if_values or "[]")) <= allowed:
            raise BuilderError(
                f"Another question is shown only for an answer that would no longer exist "
                f"(it depends on ‘{source.key}’). Change that condition first."
            )


def _next_key(existing: set[str], prefix: str) -> str:
    n = 1
    while f"{prefix}{n}" in existing:
        n += 1
    return f"{prefix}{n}"


def _number_settings(question: Question, data: QuestionInput) -> None:
    kind = question_kinds.building(question.kind)
    question.max_length = question.min_value = question.max_value = None
    if kind.limits == "scale":
        low = 1 if data.min_value is None else data.min_value
        high = 5 if data.max_value is None else data.max_value
        if not 0 <= low < high <= 10:
            raise BuilderError("A rating scale runs from 0 or 1 up to at most 10", "max_value")
        question.min_value, question.max_value = low, high
    elif kind.limits == "range":
        if data.min_value is not None and data.max_value is not None and data.max_value < data.min_value:
            raise BuilderError("The largest number must not be less than the smallest", "max_value")
        question.min_value, question.max_value = data.min_value, data.max_value
    elif kind.limits == "length":
        limit = data.max_length or kind.default_length or reading.DEFAULT_SHORT_TEXT
        if not 1 <= limit <= 10000:
            raise BuilderError("Enter a character limit between 1 and 10000", "max_length")
        question.max_length = limit


def _set_options(session: Session, question: Question, data: QuestionInput, english: dict) -> None:
    """Options from one line each. A line whose English text is unchanged keeps its option (and its
    translations); a changed or new line is a new option; a missing line is deleted."""
    kind = question_kinds.building(question.kind)
    if not kind.options:
        for option in list(question.options):
            question.options.remove(option)
        return
    lines = [line.strip() for line in (data.options or "").splitlines() if line.strip()]
    if len(lines) != len(set(lines)):
        raise BuilderError("Give each option different text", "options")
    if len(lines) < 2:
        raise BuilderError("Enter at least 2 options, one on each line", "options")
    other_label = (data.other_label or "").strip() if kind.other_option else ""
    current = {english.get(f"o.{question.key}.{o.key}"): o for o in question.options if not o.is_other}
    old_other = next((o for o in question.options if o.is_other), None)
    keys = {o.key for o in question.options}
    kept = []
    for line in lines:
        option = current.pop(line, None)
        if option is None:
            key = _next_key(keys, "o")
            keys.add(key)
            option = Option(key=key, position=0)
            question.options.append(option)
            _set_text(session, question.survey_id, "en", f"o.{question.key}.{key}", line)
        kept.append(option)
    if other_label:
        if old_other is None:
            old_other = Option(key=_next_key(keys, "other"), position=0, is_other=True)
            question.options.append(old_other)
        _set_text(session, question.survey_id, "en", f"o.{question.key}.{old_other.key}", other_label)
        kept.append(old_other)
    for option in list(question.options):
        if option not in kept:
            _drop_texts(session, question.survey_id, [f"o.{question.key}.{option.key}"])
            question.options.remove(option)
    for position, option in enumerate(kept, start=1):
        option.position = position
    question.options.sort(key=lambda o: o.position)


def _apply(session: Session, survey: Survey, question: Question, data: QuestionInput) -> None:
    if not (data.text or "").strip():
        raise BuilderError("Enter the question", "text")
    english = texts(session, survey.id, "en")
    question.required = bool(data.required)
    _number_settings(question, data)
    _set_options(session, question, data, english)
    key, values = _parse_show_if(survey, question.page.position, data.show_if, english)
    question.show_if_key = key
    question.show_if_values = json.dumps(values) if values else None
    scale_labels = question_kinds.building(question.kind).scale_labels
    for name, text in (
        ("text", data.text),
        ("help", data.help),
        ("low", data.low_label if scale_labels else ""),
        ("high", data.high_label if scale_labels else ""),
    ):
        _set_text(session, survey.id, "en", f"q.{question.key}.{name}", text)
    session.flush()
    _check_conditions(survey)


def add_question(session: Session, survey_id: int, page_id: int, kind: str, data: QuestionInput) -> Question:
    """A new question at the end of a page, with its English text."""
    _editable(session, survey_id)
    survey = _survey(session, survey_id)
    page = _page(session, survey_id, page_id)
    if kind not in QUESTION_KINDS:
        raise BuilderError("Choose a kind of question", "kind")
    key = _next_key({q.key for q in _ordered(survey)}, "q")
    question = Question(survey_id=survey_id, key=key, kind=kind, position=len(page.questions) + 1)
    page.questions.append(question)
    session.flush()
    _apply(session, survey, question, data)
    return question


def question_input(session: Session, question: Question) -> QuestionInput:
    """A question as the edit form shows it."""
    english = texts(session, question.survey_id, "en")
    prefix = f"q.{question.key}"
    return QuestionInput(
        text=english.get(f"{prefix}.text", ""),
        required=question.required,
        help=english.get(f"{prefix}.help", ""),
        options="\n".join(
            english.get(f"o.{question.key}.{o.key}", "") for o in question.options if not o.is_other
        ),
        other_label=next(
            (english.get(f"o.{question.key}.{o.key}", "") for o in question.options if o.is_other), ""
        ),
        min_value=question.min_value,
        max_value=question.max_value,
        low_label=english.get(f"{prefix}.low", ""),
        high_label=english.get(f"{prefix}.high", ""),
        max_length=question.max_length,
        show_if=[f"{question.show_if_key}={v}" for v in json.loads(question.show_if_values or "[]")],
    )


def edit_question(session: Session, survey_id: int, question_id: int, data: QuestionInput) -> None:
    _editable(session, survey_id)
    question = _question(session, survey_id, question_id)
    _apply(session, _survey(session, survey_id), question, data)


def delete_question(session: Session, survey_id: int, question_id: int) -> str:
    """Delete a question and its texts in every language. Returns its key."""
    _editable(session, survey_id)
    question = _question(session, survey_id, question_id)
    survey = _survey(session, survey_id)
    if any(q.show_if_key == question.key for q in _ordered(survey)):
        raise BuilderError("Another question depends on this one's answer. Change that question first.")
    page = question.page
    page.questions.remove(question)
    _renumber(page.questions)
    _drop_texts(session, survey_id, [f"q.{question.key}.", f"o.{question.key}."])
    session.flush()
    return question.key


def move_question(session: Session, survey_id: int, question_id: int, step: int) -> None:
    """One place earlier (-1) or later (+1); past the top or bottom of its page it moves to the end
    of the page before or the start of the page after."""
    _editable(session, survey_id)
    question = _question(session, survey_id, question_id)
    survey = _survey(session, survey_id)
    pages = sorted(survey.pages, key=lambda p: p.position)
    page = question.page
    index = page.questions.index(question)
    target = index + step
    if 0 <= target < len(page.questions):
        items = list(page.questions)
        items[index], items[target] = items[target], items[index]
        _renumber(items)
        page.questions.sort(key=lambda q: q.position)
    else:
        page_index = pages.index(page) + step
        if not 0 <= page_index < len(pages):
            return
        destination = pages[page_index]
        # Load the destination's questions first: a lazy load would flush the question as an orphan.
        moved_to = list(destination.questions)
        page.questions.remove(question)
        _renumber(page.questions)
        moved_to = [*moved_to, question] if step < 0 else [question, *moved_to]
        destination.questions.append(question)
        _renumber(moved_to)
        destination.questions.sort(key=lambda q: q.position)
    session.flush()
    session.expire(survey, ["pages"])
    _check_conditions(survey)


# Translations and languages ---------------------------------------------------------------------------


@dataclass
class LanguageRow:
    lang: str
    offered: bool
    reviewed: bool
    missing: int


def language_rows(session: Session, survey_id: int) -> list[LanguageRow]:
    rows = session.scalars(select(SurveyLanguage).where(SurveyLanguage.survey_id == survey_id))
    return sorted(
        (
            LanguageRow(
                row.lang,
                row.offered,
                row.translator_reviewed,
                len(locking.missing_translations(session, survey_id, row.lang)) if row.lang != "en" else 0,
            )
            for row in rows
        ),
        key=lambda row: (row.lang != "en", row.lang),
    )


def english_missing(session: Session, survey_id: int) -> list[str]:
    """What a survey needs in English before it can be offered at all."""
    survey = _survey(session, survey_id)
    english = texts(session, survey_id, "en")
    missing = [FIELD_LABELS[f] for f in reading.SURVEY_FIELDS if not english.get(f)]
    questions = _ordered(survey)
    if not questions:
        missing.append("at least one question")
    if any(not page.questions for page in survey.pages):
        missing.append("a question on every page")
    for question in questions:
        if not english.get(f"q.{question.key}.text"):
            missing.append(f"the text of question {question.key}")
    return missing


def translation_keys(session: Session, survey_id: int) -> list[tuple[str, str, str]]:
    """(key, what it is, English text) for every text to translate, in the order the public meets them."""
    survey = _survey(session, survey_id)
    english = texts(session, survey_id, "en")
    found = [(f, FIELD_LABELS[f], english[f]) for f in reading.SURVEY_FIELDS if english.get(f)]
    for question in _ordered(survey):
        name = f"Question {question.key}"
        for suffix, what in (
            ("text", "question"),
            ("help", "help"),
            ("low", "low end"),
            ("high", "high end"),
        ):
            key = f"q.{question.key}.{suffix}"
            if english.get(key):
                found.append((key, f"{name}: {what}", english[key]))
        for option in question.options:
            key = f"o.{question.key}.{option.key}"
            if english.get(key):
                found.append((key, f"{name}: option", english[key]))
    return found


def add_language(session: Session, survey_id: int, lang: str) -> None:
    _survey(session, survey_id)
    exists = session.scalar(
        select(SurveyLanguage).where(SurveyLanguage.survey_id == survey_id, SurveyLanguage.lang == lang)
    )
    if exists is None:
        session.add(SurveyLanguage(survey_id=survey_id, lang=lang, offered=False, translator_reviewed=False))
        session.flush()


def save_translation(
    session: Session, survey_id: int, lang: str, values: dict[str, str], reviewed: bool
) -> list[str]:
    """Store the texts typed for `lang` (only keys that have English text) and whether a qualified
    translator has checked them. Returns the keys still missing. A blank withdraws an offered language
    only by refusing: an offered language must stay complete."""
    if lang == "en":
        raise BuilderError("English is edited on the survey and question pages")
    add_language(session, survey_id, lang)
    wanted = {key for key, _, _ in translation_keys(session, survey_id)}
    language = session.scalar(
        select(SurveyLanguage).where(SurveyLanguage.survey_id == survey_id, SurveyLanguage.lang == lang)
    )
    before = texts(session, survey_id, lang)
    for key, text in values.items():
        if key in wanted:
            _set_text(session, survey_id, lang, key, text)
    session.flush()
    if texts(session, survey_id, lang) != before:
        # Changed text is no longer the text a reviewer approved.
        language.reviewed_by = language.reviewed_at = language.reviewed_english = None
    missing = locking.missing_translations(session, survey_id, lang)
    if missing and language.offered:
        raise BuilderError(
            f"This language is offered, so every text needs a translation ({len(missing)} missing). "
            "Withdraw the language first to leave texts blank."
        )
    language.translator_reviewed = bool(reviewed)
    return missing


def offer(session: Session, survey_id: int, lang: str) -> None:
    """Offer the survey in a language: English needs every text; others a complete translation."""
    if lang == "en":
        missing = english_missing(session, survey_id)
        if missing:
            raise BuilderError("Before offering the survey in English, add " + ", ".join(missing))
    add_language(session, survey_id, lang)
    try:
        locking.offer_language(session, survey_id, lang)
    except reading.TranslationIncomplete as error:
        raise BuilderError(
            f"The translation is not complete: {len(error.missing)} texts are missing"
        ) from error
    session.flush()


def withdraw(session: Session, survey_id: int, lang: str) -> None:
    language = session.scalar(
        select(SurveyLanguage).where(SurveyLanguage.survey_id == survey_id, SurveyLanguage.lang == lang)
    )
    if language is None:
        raise BuilderError("The survey has no text in that language")
    if lang == "en":
        raise BuilderError("A survey is always offered in English once it has opened")
    language.offered = False
    session.flush()


# Opening, closing, versions and duplicates ----------------------------------------------------------------


def open_survey(session: Session, survey_id: int, now: datetime | None = None) -> list[int]:
    """Open a version: English offered, every offered language complete. Any other open version of the
    same slug closes. Returns the ids of the versions closed."""
    now = now or datetime.now(UTC)
    survey = _survey(session, survey_id)
    offer(session, survey_id, "en")
    for row in survey.languages:
        if row.offered and locking.missing_translations(session, survey_id, row.lang):
            raise BuilderError(f"The {row.lang} translation is not complete: withdraw it or finish it")
    closed = []
    for other in session.scalars(
        select(Survey).where(Survey.slug == survey.slug, Survey.id != survey.id, Survey.status == "open")
    ):
        other.status, other.closed_at = "closed", now
        closed.append(other.id)
    survey.status, survey.closed_at = "open", None
    session.flush()
    return closed


def close_survey(session: Session, survey_id: int, now: datetime | None = None) -> None:
    survey = _survey(session, survey_id)
    if survey.status != "open":
        raise BuilderError("Only an open survey can be closed")
    survey.status, survey.closed_at = "closed", now or datetime.now(UTC)
    session.flush()


def _iso(value: datetime | None) -> str | None:
    return reading._aware(value).isoformat() if value else None


def export_record(session: Session, survey_id: int) -> dict:
    """A survey version as a record in the content format (content/surveys/README.md)."""
    survey = _survey(session, survey_id)
    by_lang: dict[str, dict[str, str]] = {}
    for row in session.scalars(select(SurveyText).where(SurveyText.survey_id == survey_id)):
        by_lang.setdefault(row.lang, {})[row.key] = row.text

    def each(key: str) -> dict[str, str]:
        return {lang: found[key] for lang, found in sorted(by_lang.items()) if key in found}

    pages = []
    for page in sorted(survey.pages, key=lambda p: p.position):
        questions = []
        for q in page.questions:
            record = {
                "key": q.key,
                "kind": q.kind,
                "required": q.required,
                "text": each(f"q.{q.key}.text"),
                "help": each(f"q.{q.key}.help"),
                "low_label": each(f"q.{q.key}.low"),
                "high_label": each(f"q.{q.key}.high"),
                "max_length": q.max_length,
                "min_value": q.min_value,
                "max_value": q.max_value,
                "options": [
                    {"key": o.key, "text": each(f"o.{q.key}.{o.key}"), "other": o.is_other} for o in q.options
                ],
            }
            if q.show_if_key:
                record["show_if"] = {"question": q.show_if_key, "values": json.loads(q.show_if_values)}
            questions.append(record)
        pages.append({"questions": questions})
    return {
        "slug": survey.slug,
        "status": survey.status,
        "opens_at": _iso(survey.opens_at),
        "closes_at": _iso(survey.closes_at),
        "retain_months": survey.retain_months,
        "example_data": survey.example_data,
        "languages": {
            row.lang: {"reviewed": row.translator_reviewed, "offered": row.offered}
            for row in sorted(survey.languages, key=lambda row: row.lang)
        },
        **{name: each(name) for name in reading.SURVEY_FIELDS},
        "pages": pages,
    }


def _copy(session: Session, source: Survey, slug: str, version: int) -> Survey:
    record = export_record(session, source.id)
    copy = Survey(slug=slug, version=version, status="draft", based_on_id=source.id)
    session.add(copy)
    session.flush()
    seeding.fill_survey(session, copy, record)
    session.flush()
    return copy


def new_version(session: Session, survey_id: int) -> Survey:
    """A draft copy (texts, languages, pages, questions, options) as the slug's next version."""
    source = _survey(session, survey_id)
    highest = session.scalar(select(func.max(Survey.version)).where(Survey.slug == source.slug))
    return _copy(session, source, source.slug, highest + 1)


def duplicate(session: Session, survey_id: int, slug: str, title: str) -> Survey:
    """A draft copy under a new slug, version 1, with a new English title."""
    source = _survey(session, survey_id)
    slug = _check_slug(session, slug)
    if not (title or "").strip():
        raise BuilderError("Enter the new survey's English title", "title")
    copy = _copy(session, source, slug, 1)
    copy.example_data = False
    _set_text(session, copy.id, "en", "title", title)
    for language in copy.languages:
        # The other languages' titles no longer translate the new English title.
        if language.lang != "en":
            _set_text(session, copy.id, language.lang, "title", "")
            language.offered = False
    session.flush()
    return copy
