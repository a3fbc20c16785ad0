"""'You said, we did': what a closed survey heard and what the Alliance will do, with approved quotes.

The text is written per language (`Feedback` rows of one survey version); quotes are approved answers
(`FeedbackQuote` rows), shown with the moderator's publishable text in the language they were written
in. Publishing needs the survey closed and the English text present. A language whose text is not
filled in shows the English, with a notice, as content pages do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from alliance import i18n
from alliance.surveys.models import (
    Answer,
    AnswerReview,
    Feedback,
    FeedbackQuote,
    Response,
    Survey,
    SurveyLanguage,
    SurveyText,
)
from alliance.surveys.retention import closed_since

MAX_TEXT = 10_000


class FeedbackError(Exception):
    pass


def _content_changed(session: Session) -> None:
    """The get involved page lists published feedback, and it is cached per content version."""
    from alliance.cache import content_changed
    from alliance.search import index

    index.bump(session, "pages-content")
    content_changed()


def is_closed(survey: Survey, now: datetime) -> bool:
    return survey.status != "draft" and closed_since(survey, now) is not None


def survey_languages(session: Session, survey_id: int) -> list[str]:
    """English first, then the survey's other languages in the site's order."""
    langs = set(session.scalars(select(SurveyLanguage.lang).where(SurveyLanguage.survey_id == survey_id)))
    langs.add("en")
    return [code for code in i18n.REGISTRY if code in langs]


def _title(session: Session, survey_id: int, lang: str) -> str:
    return (
        session.scalar(
            select(SurveyText.text).where(
                SurveyText.survey_id == survey_id, SurveyText.lang == lang, SurveyText.key == "title"
            )
        )
        or ""
    )


def _row(session: Session, survey_id: int, lang: str) -> Feedback | None:
    return session.scalar(select(Feedback).where(Feedback.survey_id == survey_id, Feedback.lang == lang))


def _complete(row: Feedback | None) -> bool:
    return row is not None and bool(row.heard.strip()) and bool(row.doing.strip())


def is_published(session: Session, survey_id: int) -> bool:
    english = _row(session, survey_id, "en")
    return english is not None and english.published_at is not None


# Staff: writing, choosing quotes, publishing ----------------------------------------------------------


@dataclass
class QuoteChoice:
    answer_id: int
    text: str
    lang: str
    chosen: bool


def candidate_quotes(session: Session, survey_id: int) -> list[QuoteChoice]:
    """Approved free-text answers from every version of this survey (same slug), oldest first; the
    text is the moderator's publishable (perhaps redacted) version."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        return []
    chosen = set(session.scalars(select(FeedbackQuote.answer_id).where(FeedbackQuote.survey_id == survey_id)))
    rows = session.execute(
        select(AnswerReview.answer_id, AnswerReview.text, Answer.value, Response.lang)
        .join(Answer, Answer.id == AnswerReview.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .join(Survey, Survey.id == AnswerReview.survey_id)
        .where(Survey.slug == survey.slug, AnswerReview.status == "approved")
        .order_by(AnswerReview.answer_id)
    )
    found = []
    for answer_id, text, value, lang in rows:
        shown = text if text is not None else value
        if shown and shown.strip():
            found.append(QuoteChoice(answer_id, shown, lang, answer_id in chosen))
    return found


def choose_quotes(session: Session, survey_id: int, answer_ids: list[int]) -> int:
    """Quote exactly these answers, in this order; any not approved for this survey is refused.
    Returns how many are quoted. The caller commits."""
    allowed = {choice.answer_id for choice in candidate_quotes(session, survey_id)}
    wanted = list(dict.fromkeys(answer_ids))
    refused = [answer_id for answer_id in wanted if answer_id not in allowed]
    if refused:
        raise FeedbackError("only approved answers from this survey can be quoted")
    session.execute(delete(FeedbackQuote).where(FeedbackQuote.survey_id == survey_id))
    for position, answer_id in enumerate(wanted, start=1):
        session.add(FeedbackQuote(survey_id=survey_id, answer_id=answer_id, position=position))
    session.flush()
    if is_published(session, survey_id):
        _content_changed(session)
    return len(wanted)


def save(
    session: Session, survey_id: int, lang: str, heard: str, doing: str, now: datetime | None = None
) -> bool:
    """Store one language's text. While published, English cannot be emptied, and a language's page
    goes live as soon as both its parts are filled in. Returns True when something changed. The
    caller commits."""
    now = now or datetime.now(UTC)
    if lang not in survey_languages(session, survey_id):
        raise FeedbackError(f"the survey has no language {lang}")
    heard, doing = (heard or "").replace("\x00", "").strip(), (doing or "").replace("\x00", "").strip()
    if len(heard) > MAX_TEXT or len(doing) > MAX_TEXT:
        raise FeedbackError(f"each part must be {MAX_TEXT:,} characters or fewer")
    published = is_published(session, survey_id)
    if published and lang == "en" and not (heard and doing):
        raise FeedbackError("the English text is needed while the page is published: unpublish it first")
    row = _row(session, survey_id, lang)
    if row is None:
        if not heard and not doing:
            return False
        row = Feedback(survey_id=survey_id, lang=lang, heard="", doing="")
        session.add(row)
    if (row.heard, row.doing) == (heard, doing):
        return False
    row.heard, row.doing, row.updated_at = heard, doing, now
    if published:
        row.published_at = (row.published_at or now) if _complete(row) else None
        _content_changed(session)
    session.flush()
    return True


def publish(session: Session, survey_id: int, now: datetime | None = None) -> list[str]:
    """Publish every language whose text is filled in. Refused while the survey is open or the English
    text is missing. Returns the languages published. The caller commits."""
    now = now or datetime.now(UTC)
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise FeedbackError("no such survey")
    if not is_closed(survey, now):
        raise FeedbackError("a survey's feedback can be published only once the survey has closed")
    if not _complete(_row(session, survey_id, "en")):
        raise FeedbackError("write what was heard and what will be done in English first")
    published = []
    for row in session.scalars(select(Feedback).where(Feedback.survey_id == survey_id)):
        if _complete(row):
            row.published_at = row.published_at or now
            published.append(row.lang)
        else:
            row.published_at = None
    _content_changed(session)
    session.flush()
    return [code for code in i18n.REGISTRY if code in published]


def unpublish(session: Session, survey_id: int) -> bool:
    """Take the page down in every language. Returns False when it was not published."""
    rows = list(session.scalars(select(Feedback).where(Feedback.survey_id == survey_id)))
    was = any(row.published_at is not None for row in rows)
    for row in rows:
        row.published_at = None
    if was:
        _content_changed(session)
    session.flush()
    return was


@dataclass
class EditorLanguage:
    lang: str
    name: str
    direction: str
    heard: str
    doing: str
    complete: bool


@dataclass
class EditorState:
    survey_id: int
    slug: str
    version: int
    title: str
    closed: bool
    published: bool
    languages: list[EditorLanguage]
    quotes: list[QuoteChoice]


def editor_state(session: Session, survey_id: int, now: datetime | None = None) -> EditorState | None:
    """Everything the back-office feedback page shows; None when there is no such survey."""
    now = now or datetime.now(UTC)
    survey = session.get(Survey, survey_id)
    if survey is None:
        return None
    languages = []
    for lang in survey_languages(session, survey_id):
        row = _row(session, survey_id, lang)
        language = i18n.REGISTRY[lang]
        languages.append(
            EditorLanguage(
                lang,
                language.english_name,
                language.direction,
                row.heard if row else "",
                row.doing if row else "",
                _complete(row),
            )
        )
    return EditorState(
        survey.id,
        survey.slug,
        survey.version,
        _title(session, survey.id, "en") or survey.slug,
        is_closed(survey, now),
        is_published(session, survey_id),
        languages,
        candidate_quotes(session, survey_id),
    )


# The public pages ------------------------------------------------------------------------------------


@dataclass
class Quote:
    text: str
    lang: str  # the html lang of the language it was written in
    direction: str


@dataclass
class FeedbackPage:
    slug: str
    title: str
    heard: list[str]  # paragraphs
    doing: list[str]
    text_lang: str  # html lang of the text shown
    text_dir: str
    fallback: bool  # shown in English because the reader's language has no text yet
    published_at: datetime | None
    quotes: list[Quote] = field(default_factory=list)


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _published_survey_id(session: Session, slug: str) -> int | None:
    """The newest version of the survey with published feedback."""
    return session.scalar(
        select(Survey.id)
        .join(Feedback, Feedback.survey_id == Survey.id)
        .where(Survey.slug == slug, Feedback.lang == "en", Feedback.published_at.is_not(None))
        .order_by(Survey.version.desc())
        .limit(1)
    )


def _shown_language(session: Session, survey_id: int, lang: str) -> tuple[Feedback, str]:
    """The text a reader in `lang` gets: theirs when it is published, otherwise the English."""
    own = _row(session, survey_id, lang)
    if own is not None and own.published_at is not None and _complete(own):
        return own, lang
    return _row(session, survey_id, "en"), "en"


def public_page(session: Session, slug: str, lang: str) -> FeedbackPage | None:
    """The published page for a reader in `lang`; None when nothing is published for this survey."""
    survey_id = _published_survey_id(session, slug)
    if survey_id is None:
        return None
    row, shown = _shown_language(session, survey_id, lang)
    language = i18n.REGISTRY[shown]
    quotes = []
    rows = session.execute(
        select(AnswerReview.text, Answer.value, Response.lang)
        .select_from(FeedbackQuote)
        .join(Answer, Answer.id == FeedbackQuote.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .join(AnswerReview, AnswerReview.answer_id == Answer.id)
        .where(FeedbackQuote.survey_id == survey_id, AnswerReview.status == "approved")
        .order_by(FeedbackQuote.position)
    )
    for text, value, quote_lang in rows:
        shown_text = text if text is not None else value
        written = i18n.REGISTRY.get(quote_lang, i18n.REGISTRY["en"])
        if shown_text and shown_text.strip():
            quotes.append(Quote(shown_text, written.html_lang, written.direction))
    return FeedbackPage(
        slug=slug,
        title=_title(session, survey_id, shown) or _title(session, survey_id, "en") or slug,
        heard=_paragraphs(row.heard),
        doing=_paragraphs(row.doing),
        text_lang=language.html_lang,
        text_dir=language.direction,
        fallback=shown != lang,
        published_at=row.published_at,
        quotes=quotes,
    )


@dataclass
class FeedbackLink:
    slug: str
    title: str
    title_lang: str
    title_dir: str


def published_list(session: Session, lang: str) -> list[FeedbackLink]:
    """Every survey with published feedback, newest first, titled in `lang` where its page is."""
    rows = session.execute(
        select(Survey.slug, Feedback.published_at)
        .join(Feedback, Feedback.survey_id == Survey.id)
        .where(Feedback.lang == "en", Feedback.published_at.is_not(None))
        .order_by(Feedback.published_at.desc(), Survey.version.desc())
    )
    links, seen = [], set()
    for slug, _published in rows:
        if slug in seen:
            continue
        seen.add(slug)
        survey_id = _published_survey_id(session, slug)
        _row_shown, shown = _shown_language(session, survey_id, lang)
        title = _title(session, survey_id, shown) or _title(session, survey_id, "en") or slug
        language = i18n.REGISTRY[shown]
        links.append(FeedbackLink(slug, title, language.html_lang, language.direction))
    return links
