"""Survey services: reading a survey in one language, the answering rules, submission and seeding.

Services take primitives and a session and return plain values. Answers travel as a small dict:
question key -> a string (one value) or a list of option keys (multiple choice, or a ranking in
order), with the "other, please say" text under "<key>.other".
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from alliance.dates import DateError, parse_date_parts
from alliance.directory.places import PostcodeError, outcode
from alliance.surveys import equality, moderation
from alliance.surveys.models import (
    QUESTION_KINDS,
    Answer,
    EqualityResponse,
    Option,
    Question,
    Response,
    Survey,
    SurveyLanguage,
    SurveyPage,
    SurveyText,
)

SURVEY_FIELDS = ("title", "introduction", "privacy_notice")
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: read out over the phone
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
DEFAULT_SHORT_TEXT = 200


class SurveyError(Exception):
    pass


class SurveyLocked(SurveyError):
    """Questions cannot change once a survey has responses: answers would no longer match their question."""


class TranslationIncomplete(SurveyError):
    def __init__(self, lang: str, missing: list[str]):
        super().__init__(f"{lang}: {len(missing)} texts missing ({', '.join(missing[:5])})")
        self.lang, self.missing = lang, missing


class SurveyClosed(SurveyError):
    pass


class AnswersIncomplete(SurveyError):
    def __init__(self, page: int):
        super().__init__(f"page {page} needs answers")
        self.page = page


# Reading --------------------------------------------------------------------------------------------


@dataclass
class OptionView:
    key: str
    text: str
    is_other: bool = False


@dataclass
class QuestionView:
    key: str
    kind: str
    required: bool
    text: str
    page: int
    help: str = ""
    low_label: str = ""
    high_label: str = ""
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    show_if_key: str | None = None
    show_if_values: list[str] = field(default_factory=list)
    options: list[OptionView] = field(default_factory=list)
    id: int = 0

    def option_text(self, key: str) -> str:
        return next((option.text for option in self.options if option.key == key), key)


@dataclass
class SurveyView:
    id: int
    slug: str
    lang: str
    title: str
    introduction: str
    privacy_notice: str
    version: int
    is_open: bool
    closes_at: datetime | None
    example_data: bool
    translator_reviewed: bool
    pages: list[list[QuestionView]]

    def questions(self) -> list[QuestionView]:
        return [question for page in self.pages for question in page]


def _aware(value: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes; every time here is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def is_open(survey: Survey, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    opens, closes = _aware(survey.opens_at), _aware(survey.closes_at)
    return survey.status == "open" and (opens is None or opens <= now) and (closes is None or now < closes)


def _texts(session: Session, survey_id: int, lang: str) -> dict[str, str]:
    rows = session.execute(
        select(SurveyText.key, SurveyText.text).where(
            SurveyText.survey_id == survey_id, SurveyText.lang == lang
        )
    )
    return {row[0]: row[1] for row in rows}


def offered_languages(session: Session, survey_id: int) -> list[str]:
    return list(
        session.scalars(
            select(SurveyLanguage.lang).where(SurveyLanguage.survey_id == survey_id, SurveyLanguage.offered)
        )
    )


# Every answering request reads the whole survey: load it in four queries, not one per page and question.
WHOLE_SURVEY = (
    selectinload(Survey.languages),
    selectinload(Survey.pages).selectinload(SurveyPage.questions).selectinload(Question.options),
)


def current_survey(session: Session, slug: str) -> Survey | None:
    """The version of `slug` the public gets: the highest version that is not a draft."""
    return session.scalar(
        select(Survey)
        .where(Survey.slug == slug, Survey.status != "draft")
        .order_by(Survey.version.desc())
        .limit(1)
        .options(*WHOLE_SURVEY)
    )


def latest_version(session: Session, slug: str) -> Survey | None:
    """The highest version of `slug`, whatever its status."""
    return session.scalar(select(Survey).where(Survey.slug == slug).order_by(Survey.version.desc()).limit(1))


def load_survey(session: Session, slug: str, lang: str, now: datetime | None = None) -> SurveyView | None:
    """The survey as a reader in `lang` sees it: the current version of `slug` (a draft never shows);
    None when there is no such survey in that language."""
    survey = current_survey(session, slug)
    if survey is None:
        return None
    language = next((item for item in survey.languages if item.lang == lang and item.offered), None)
    if language is None:
        return None
    return survey_view(session, survey, lang, language.translator_reviewed, now)


def preview_survey(session: Session, survey_id: int, lang: str) -> SurveyView | None:
    """Any version (drafts too) in any language it has text in, as the public would see it; for staff."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        return None
    language = next((item for item in survey.languages if item.lang == lang), None)
    return survey_view(session, survey, lang, bool(language and language.translator_reviewed))


def survey_view(
    session: Session, survey: Survey, lang: str, translator_reviewed: bool, now: datetime | None = None
) -> SurveyView:
    texts = _texts(session, survey.id, lang)
    pages = []
    for number, page in enumerate(survey.pages, start=1):
        questions = []
        for q in page.questions:
            questions.append(
                QuestionView(
                    id=q.id,
                    key=q.key,
                    kind=q.kind,
                    required=q.required,
                    page=number,
                    text=texts.get(f"q.{q.key}.text", ""),
                    help=texts.get(f"q.{q.key}.help", ""),
                    low_label=texts.get(f"q.{q.key}.low", ""),
                    high_label=texts.get(f"q.{q.key}.high", ""),
                    max_length=q.max_length,
                    min_value=q.min_value,
                    max_value=q.max_value,
                    show_if_key=q.show_if_key,
                    show_if_values=json.loads(q.show_if_values or "[]"),
                    options=[
                        OptionView(o.key, texts.get(f"o.{q.key}.{o.key}", ""), o.is_other) for o in q.options
                    ],
                )
            )
        pages.append(questions)
    return SurveyView(
        id=survey.id,
        slug=survey.slug,
        lang=lang,
        title=texts.get("title", ""),
        introduction=texts.get("introduction", ""),
        privacy_notice=texts.get("privacy_notice", ""),
        version=survey.version,
        is_open=is_open(survey, now),
        closes_at=_aware(survey.closes_at),
        example_data=survey.example_data,
        translator_reviewed=translator_reviewed,
        pages=pages,
    )


def open_surveys(session: Session, lang: str, now: datetime | None = None) -> list[SurveyView]:
    """Surveys open now and offered in `lang` (each slug's current version), newest first."""
    slugs = session.scalars(
        select(Survey.slug)
        .join(SurveyLanguage, SurveyLanguage.survey_id == Survey.id)
        .where(Survey.status == "open", SurveyLanguage.lang == lang, SurveyLanguage.offered)
        .order_by(Survey.created_at.desc(), Survey.id.desc())
    )
    found = [load_survey(session, slug, lang, now) for slug in dict.fromkeys(slugs)]
    return [survey for survey in found if survey is not None and survey.is_open]


# Translation completeness and locking ----------------------------------------------------------------


def missing_translations(session: Session, survey_id: int, lang: str) -> list[str]:
    """Keys with English text but no text in `lang`, in a stable order."""
    english = {key for key, text in _texts(session, survey_id, "en").items() if text.strip()}
    translated = {key for key, text in _texts(session, survey_id, lang).items() if text.strip()}
    return sorted(english - translated)


def offer_language(session: Session, survey_id: int, lang: str) -> None:
    """Offer the survey in `lang`; refuses while any text is untranslated. The caller commits."""
    missing = missing_translations(session, survey_id, lang)
    if missing:
        raise TranslationIncomplete(lang, missing)
    language = session.scalar(
        select(SurveyLanguage).where(SurveyLanguage.survey_id == survey_id, SurveyLanguage.lang == lang)
    )
    if language is None:
        language = SurveyLanguage(survey_id=survey_id, lang=lang, translator_reviewed=False)
        session.add(language)
    language.offered = True


def response_count(session: Session, survey_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey_id))


def ensure_editable(session: Session, survey_id: int) -> None:
    if response_count(session, survey_id):
        raise SurveyLocked("this survey has responses: its questions can no longer change")


# The answering rules ----------------------------------------------------------------------------------


def is_visible(question: QuestionView, answers: dict) -> bool:
    """A conditional question shows only when the earlier answer it depends on is one of its values."""
    if not question.show_if_key:
        return True
    answer = answers.get(question.show_if_key)
    chosen = answer if isinstance(answer, list) else [answer]
    return any(value in question.show_if_values for value in chosen if value is not None)


def prune(survey: SurveyView, answers: dict) -> dict:
    """Only the answers to questions that are shown, given the answers before them."""
    kept: dict = {}
    for question in survey.questions():
        if not is_visible(question, kept):
            continue
        for key in (question.key, f"{question.key}.other"):
            if key in answers:
                kept[key] = answers[key]
    return kept


def visible_pages(survey: SurveyView, answers: dict) -> list[int]:
    answers = prune(survey, answers)
    return [
        number
        for number, page in enumerate(survey.pages, start=1)
        if any(is_visible(question, answers) for question in page)
    ]


def next_page(survey: SurveyView, answers: dict, current: int) -> int | None:
    """The next page with a question to show, or None when the questions are done."""
    return next((number for number in visible_pages(survey, answers) if number > current), None)


def previous_page(survey: SurveyView, answers: dict, current: int) -> int | None:
    earlier = [number for number in visible_pages(survey, answers) if number < current]
    return earlier[-1] if earlier else None


def first_unanswered_page(survey: SurveyView, answers: dict) -> int | None:
    """The first shown page with a required question left unanswered (None when all are answered)."""
    answers = prune(survey, answers)
    for question in survey.questions():
        if (
            is_visible(question, answers)
            and question.required
            and answers.get(question.key) in (None, "", [])
        ):
            return question.page
    return None


def _clean_text(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and nobody types one: everything else is kept as typed.
    return value.replace("\x00", "")


def validate_question(question: QuestionView, form: dict[str, list[str]]) -> tuple[object, str | None]:
    """(answer, error message) for one question from the submitted form; the answer is None when blank."""

    def one(name: str) -> str:
        values = form.get(name) or [""]
        return _clean_text(values[0] if isinstance(values, list) else values)

    kind, key = question.kind, question.key
    option_keys = [option.key for option in question.options]
    if kind in ("single", "rating", "yes_no"):
        choices = (
            ["yes", "no"]
            if kind == "yes_no"
            else [str(n) for n in range(question.min_value or 1, (question.max_value or 5) + 1)]
            if kind == "rating"
            else option_keys
        )
        value = one(key)
        if not value:
            return None, (str(_l("Select an answer")) if question.required else None)
        if value not in choices:
            return None, str(_l("Select an answer from the list"))
        return value, None
    if kind == "multiple":
        values = [_clean_text(v) for v in form.get(key, [])]
        if not values:
            return None, (str(_l("Select at least one answer")) if question.required else None)
        if any(value not in option_keys for value in values):
            return None, str(_l("Select answers from the list"))
        return list(dict.fromkeys(values)), None
    if kind in ("short_text", "long_text"):
        value = one(key)
        limit = question.max_length or DEFAULT_SHORT_TEXT
        if not value.strip():
            return None, (str(_l("Enter your answer")) if question.required else None)
        if len(value) > limit:
            return value, str(_l("Your answer must be %(max)s characters or fewer", max=limit))
        return value, None
    if kind == "number":
        value = one(key).strip()
        if not value:
            return None, (str(_l("Enter a number")) if question.required else None)
        if not re.fullmatch(r"[0-9]{1,9}", value):
            return value, str(_l("Enter a whole number, like 3"))
        low, high = question.min_value, question.max_value
        if (low is not None and int(value) < low) or (high is not None and int(value) > high):
            return value, str(_l("Enter a number between %(min)s and %(max)s", min=low or 0, max=high))
        return str(int(value)), None
    if kind == "date":
        try:
            value = parse_date_parts(*(one(f"{key}[{part}]") for part in ("day", "month", "year")))
        except DateError as error:
            return None, str(error.message)
        if value is None:
            return None, (str(_l("Enter a date")) if question.required else None)
        return value.isoformat(), None
    if kind == "outcode":
        value = one(key)
        if not value.strip():
            return None, (str(_l("Enter the first part of your postcode")) if question.required else None)
        try:
            return outcode(value[:20]), None
        except PostcodeError:
            return None, str(_l("Enter the first part of your postcode, like S1 or DN22"))
    if kind == "ranking":
        ranks = {option: one(f"{key}[{option}]").strip() for option in option_keys}
        if not any(ranks.values()):
            return None, (str(_l("Put every item in order")) if question.required else None)
        allowed = {str(n) for n in range(1, len(option_keys) + 1)}
        if not all(rank in allowed for rank in ranks.values()):
            return None, str(_l("Put every item in order"))
        if len(set(ranks.values())) != len(option_keys):
            return None, str(_l("Give each item a different number"))
        return sorted(option_keys, key=lambda option: int(ranks[option])), None
    raise SurveyError(f"unknown question kind {kind}")


def validate_page(
    survey: SurveyView, number: int, form: dict[str, list[str]], answers: dict
) -> tuple[dict, dict[str, str]]:
    """Check one page's answers. Returns (the page's answers, errors by question key)."""
    found: dict = {}
    errors: dict[str, str] = {}
    earlier = prune(survey, answers)
    for question in survey.pages[number - 1]:
        if not is_visible(question, {**earlier, **found}):
            continue
        value, error = validate_question(question, form)
        if error:
            errors[question.key] = error
            continue
        if value is not None:
            found[question.key] = value
        other = next((option for option in question.options if option.is_other), None)
        if other is not None and isinstance(value, list) and other.key in value:
            text = _clean_text((form.get(f"{question.key}.other") or [""])[0])
            if not text.strip():
                errors[f"{question.key}.other"] = str(_l("Tell us what you mean by other"))
            elif len(text) > DEFAULT_SHORT_TEXT:
                errors[f"{question.key}.other"] = str(
                    _l("Your answer must be %(max)s characters or fewer", max=DEFAULT_SHORT_TEXT)
                )
            else:
                found[f"{question.key}.other"] = text
    return found, errors


def merge_page(survey: SurveyView, answers: dict, number: int, found: dict) -> dict:
    """The answers with this page's replaced by `found`, and answers to now-hidden questions dropped."""
    page_keys = {q.key for q in survey.pages[number - 1]} | {
        f"{q.key}.other" for q in survey.pages[number - 1]
    }
    merged = {key: value for key, value in answers.items() if key not in page_keys}
    merged.update(found)
    return prune(survey, merged)


def form_values(question: QuestionView, answers: dict) -> dict[str, list[str]]:
    """Stored answers turned back into form values, so a page shows what was chosen before."""
    value = answers.get(question.key)
    if value is None:
        return {}
    if question.kind == "date":
        year, month, day = value.split("-")
        return {
            f"{question.key}[day]": [str(int(day))],
            f"{question.key}[month]": [str(int(month))],
            f"{question.key}[year]": [year],
        }
    if question.kind == "ranking":
        return {f"{question.key}[{option}]": [str(rank)] for rank, option in enumerate(value, start=1)}
    values = {question.key: value if isinstance(value, list) else [value]}
    if f"{question.key}.other" in answers:
        values[f"{question.key}.other"] = [answers[f"{question.key}.other"]]
    return values


# Submission -------------------------------------------------------------------------------------------


@dataclass
class Submitted:
    reference: str
    duplicate: bool  # this token had already been stored: the first response stands


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


@lru_cache(maxsize=4)
def _outcode_localities(path: str) -> dict[str, str]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {code.upper(): name for name, codes in data["localities"].items() for code in codes}


def locality_for(code: str | None, content_dir: Path) -> str | None:
    """The Alliance locality an outcode is in, or None outside the area (or when unknown)."""
    if not code:
        return None
    return _outcode_localities(str(Path(content_dir) / "surveys" / "outcode-localities.json")).get(
        code.upper()
    )


def find_submitted(session: Session, token: str) -> str | None:
    if not TOKEN.match(token or ""):
        return None
    return session.scalar(select(Response.reference).where(Response.token == token))


def submit(
    session: Session,
    slug: str,
    lang: str,
    token: str,
    answers: dict,
    equality_answers: dict,
    content_dir: Path,
    now: datetime | None = None,
    safeguarding_contacts: list[str] | None = None,
    answer_link: Callable[[int, int], str] | None = None,
) -> Submitted:
    """Store one response in one transaction, with a moderation review (and its flags) for each
    free-text answer and, for an answer that may show a safeguarding concern, an alert in the mail
    outbox to each of `safeguarding_contacts` linking to `answer_link(survey_id, answer_id)`. The
    token's UNIQUE column makes a repeat (double click, resent form, retry, or two requests at once)
    return the first response's reference instead."""
    if not TOKEN.match(token or ""):
        raise SurveyError("bad token")
    existing = find_submitted(session, token)
    if existing:
        return Submitted(existing, True)
    now = now or datetime.now(UTC)
    survey = current_survey(session, slug)
    view = load_survey(session, slug, lang, now)
    if survey is None or view is None:
        raise SurveyError("no such survey")
    if not view.is_open:
        raise SurveyClosed(slug)
    answers = prune(view, answers)
    missing = first_unanswered_page(view, answers)
    if missing is not None:
        raise AnswersIncomplete(missing)
    monitoring = equality.clean(equality_answers)
    locality = None
    for attempt in range(3):
        response = Response(
            survey_id=survey.id,
            survey_version=survey.version,
            reference=_reference(),
            token=token,
            lang=lang,
            submitted_at=now,
        )
        if monitoring:
            response.monitoring_id = secrets.token_hex(16)
        for question in view.questions():
            value = answers.get(question.key)
            if value is None:
                continue
            if question.kind == "outcode":
                locality = locality_for(value, content_dir)
            if question.kind == "multiple":
                for option in value:
                    text = answers.get(f"{question.key}.other", "") if _is_other(question, option) else ""
                    response.answers.append(Answer(question_id=question.id, option_key=option, value=text))
            elif question.kind == "ranking":
                for rank, option in enumerate(value, start=1):
                    response.answers.append(
                        Answer(question_id=question.id, option_key=option, value=str(rank))
                    )
            elif question.kind in ("single", "yes_no"):
                response.answers.append(Answer(question_id=question.id, option_key=value, value=""))
            else:
                response.answers.append(Answer(question_id=question.id, value=str(value)))
        response.locality = locality
        session.add(response)
        if monitoring:
            session.add(
                EqualityResponse(
                    id=response.monitoring_id, survey_id=survey.id, submitted_on=now.date(), **monitoring
                )
            )
        try:
            session.flush()
            concerns = moderation.review_response(session, survey.id, response.id)
            if concerns and safeguarding_contacts and answer_link is not None:
                moderation.alert_safeguarding(
                    session,
                    moderation.survey_title(session, survey.id) or slug,
                    concerns,
                    safeguarding_contacts,
                    partial(answer_link, survey.id),
                )
            session.commit()
            return Submitted(response.reference, False)
        except IntegrityError:
            session.rollback()
            existing = find_submitted(session, token)
            if existing:
                return Submitted(existing, True)
            if attempt == 2:
                raise
    raise SurveyError("could not store the response")  # pragma: no cover - the loop returns or raises


def _is_other(question: QuestionView, key: str) -> bool:
    return any(option.key == key and option.is_other for option in question.options)


# Seeding ----------------------------------------------------------------------------------------------


def _texts_of(record: dict) -> dict[str, dict[str, str]]:
    """{lang: {key: text}} from a survey record whose text fields are {lang: text}."""
    found: dict[str, dict[str, str]] = {}

    def put(key: str, by_lang: dict | None) -> None:
        for lang, text in (by_lang or {}).items():
            found.setdefault(lang, {})[key] = text

    for name in SURVEY_FIELDS:
        put(name, record.get(name))
    for page in record["pages"]:
        for q in page["questions"]:
            put(f"q.{q['key']}.text", q["text"])
            put(f"q.{q['key']}.help", q.get("help"))
            put(f"q.{q['key']}.low", q.get("low_label"))
            put(f"q.{q['key']}.high", q.get("high_label"))
            for option in q.get("options", []):
                put(f"o.{q['key']}.{option['key']}", option["text"])
    return found


def _parse_time(value: str | None) -> datetime | None:
    return _aware(datetime.fromisoformat(value)) if value else None


def load_record(session: Session, record: dict, source_hash: str) -> str:
    """Create or replace one survey from its content record. Returns "created", "updated" or "locked"."""
    survey = latest_version(session, record["slug"])
    if survey is not None:
        if response_count(session, survey.id):
            return "locked"
        session.execute(delete(SurveyText).where(SurveyText.survey_id == survey.id))
        survey.pages.clear()
        survey.languages.clear()
        survey.version += 1
        session.flush()
        outcome = "updated"
    else:
        survey = Survey(slug=record["slug"], version=1)
        session.add(survey)
        outcome = "created"
    survey.status = record.get("status", "draft")
    survey.source_hash = source_hash
    fill_survey(session, survey, record)
    return outcome


def fill_survey(session: Session, survey: Survey, record: dict) -> None:
    """Give an empty survey row the settings, texts, languages, pages, questions and options of a
    record in the content format (see content/surveys/README.md). A language is offered unless the
    record says `"offered": false`; offering refuses an incomplete translation. The caller commits."""
    survey.opens_at = _parse_time(record.get("opens_at"))
    survey.closes_at = _parse_time(record.get("closes_at"))
    survey.retain_months = record.get("retain_months")
    survey.example_data = bool(record.get("example_data"))
    session.flush()
    for page_number, page in enumerate(record["pages"], start=1):
        page_row = SurveyPage(survey_id=survey.id, position=page_number)
        survey.pages.append(page_row)
        for position, q in enumerate(page["questions"], start=1):
            if q["kind"] not in QUESTION_KINDS:
                raise SurveyError(f"{record.get('slug', survey.slug)}: unknown kind {q['kind']}")
            condition = q.get("show_if")
            page_row.questions.append(
                Question(
                    survey_id=survey.id,
                    key=q["key"],
                    position=position,
                    kind=q["kind"],
                    required=bool(q.get("required")),
                    max_length=q.get("max_length"),
                    min_value=q.get("min_value"),
                    max_value=q.get("max_value"),
                    show_if_key=condition["question"] if condition else None,
                    show_if_values=json.dumps(condition["values"]) if condition else None,
                    options=[
                        Option(key=option["key"], position=n, is_other=bool(option.get("other")))
                        for n, option in enumerate(q.get("options", []), start=1)
                    ],
                )
            )
    for lang, texts in _texts_of(record).items():
        for key, text in texts.items():
            session.add(SurveyText(survey_id=survey.id, lang=lang, key=key, text=text))
    session.flush()
    for lang, settings in record["languages"].items():
        session.add(
            SurveyLanguage(
                survey_id=survey.id,
                lang=lang,
                offered=False,
                translator_reviewed=bool(settings.get("reviewed")),
            )
        )
        session.flush()
        if settings.get("offered", True):
            offer_language(session, survey.id, lang)


def seed_surveys(session: Session, content_dir: Path) -> tuple[int, str]:
    """Add the surveys in content/surveys/*.json that the site lacks. A survey it has (by slug) is
    never replaced or given a new version, whatever its file says. Idempotent."""
    folder = Path(content_dir) / "surveys"
    outcomes: dict[str, int] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        raw = path.read_bytes()
        record = json.loads(raw)
        if "slug" not in record:
            continue  # not a survey (the outcode table)
        digest = hashlib.sha256(raw).hexdigest()
        # The column itself, not the row: a row already in the session may hold an older value.
        current = session.scalar(
            select(Survey.source_hash)
            .where(Survey.slug == record["slug"])
            .order_by(Survey.version.desc())
            .limit(1)
        )
        exists = session.scalar(select(Survey.id).where(Survey.slug == record["slug"]).limit(1))
        if current == digest:
            outcome = "unchanged"
        elif exists is not None:
            outcome = "kept"  # staff may have edited, opened or answered it: never replaced
        else:
            outcome = load_record(session, record, digest)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    session.commit()
    changed = outcomes.get("created", 0) + outcomes.get("updated", 0)
    summary = ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items())) or "no surveys"
    return changed, summary
