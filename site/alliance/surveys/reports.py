"""Survey reports: counts per question, responses over time, cross-tabulation by an equality question,
themes and approved quotes. Every breakdown goes through small-number suppression.

A report is for one Survey row (one version); other versions of the same slug are only linked.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from alliance.surveys import equality, question_kinds
from alliance.surveys.models import (
    Answer,
    AnswerReview,
    AnswerTheme,
    EqualityResponse,
    Question,
    Response,
    Survey,
    SurveyPage,
    SurveyText,
    Theme,
)
from alliance.surveys.suppression import MIN_BASE, Suppressed, suppress, suppress_column

QUOTES_PER_THEME = 5


@dataclass(frozen=True)
class Filters:
    """Which responses a report or export covers. Dates are inclusive, by the day submitted (UTC)."""

    date_from: date | None = None
    date_to: date | None = None
    lang: str = ""
    locality: str = ""

    @property
    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.lang or self.locality)

    def describe(self) -> dict[str, str]:
        found = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "language": self.lang,
            "locality": self.locality,
        }
        return {key: value for key, value in found.items() if value}


@dataclass
class Breakdown:
    """Labelled counts after suppression: rows (and columns for a cross-tabulation)."""

    title: str
    rows: list[str]
    columns: list[str]
    table: Suppressed
    note: str = ""


@dataclass
class NumberSummary:
    respondents: int
    mean: float | None = None
    median: float | None = None
    lower_quartile: float | None = None
    upper_quartile: float | None = None

    @property
    def hidden(self) -> bool:
        return self.mean is None


@dataclass
class QuestionReport:
    key: str
    kind: str
    text: str
    respondents: int
    breakdown: Breakdown | None = None
    number: NumberSummary | None = None
    ranking: list[tuple[str, float]] | None = None  # (option, mean rank), best first
    crosstab: Breakdown | None = None
    summary: str = "count"  # how the kind's answers are summed up: question_kinds.Reporting.summary
    several: bool = False  # people could choose more than one answer
    free_text: bool = False  # answers are typed text, shown under their themes


@dataclass
class Version:
    id: int
    version: int
    status: str


@dataclass
class Report:
    survey_id: int
    slug: str
    version: int
    status: str
    title: str
    filters: Filters
    responses: int
    versions: list[Version]
    weekly: Breakdown
    questions: list[QuestionReport]
    themes: Breakdown
    quotes: dict[str, list[str]] = field(default_factory=dict)
    equality: list[Breakdown] = field(default_factory=list)
    cross_by: str = ""

    @property
    def too_few(self) -> bool:
        return self.responses < MIN_BASE


class ReportError(Exception):
    pass


# Filtering ---------------------------------------------------------------------------------------------


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def filtered_ids(survey_id: int, filters: Filters) -> Select:
    """The ids of the responses a report covers, as a subquery-ready select."""
    query = select(Response.id).where(Response.survey_id == survey_id)
    if filters.date_from:
        query = query.where(Response.submitted_at >= _start(filters.date_from))
    if filters.date_to:
        query = query.where(Response.submitted_at < _start(filters.date_to + timedelta(days=1)))
    if filters.lang:
        query = query.where(Response.lang == filters.lang)
    if filters.locality:
        query = query.where(Response.locality == filters.locality)
    return query


def filter_choices(session: Session, survey_id: int) -> tuple[list[str], list[str]]:
    """The languages and localities this survey's responses have, for the filter lists."""
    langs = session.scalars(
        select(Response.lang).where(Response.survey_id == survey_id).distinct().order_by(Response.lang)
    )
    localities = session.scalars(
        select(Response.locality)
        .where(Response.survey_id == survey_id, Response.locality.is_not(None))
        .distinct()
        .order_by(Response.locality)
    )
    return list(langs), list(localities)


# Labels --------------------------------------------------------------------------------------------------


def english_texts(session: Session, survey_id: int) -> dict[str, str]:
    rows = session.execute(
        select(SurveyText.key, SurveyText.text).where(
            SurveyText.survey_id == survey_id, SurveyText.lang == "en"
        )
    )
    return dict(rows.all())


def questions_of(session: Session, survey_id: int) -> list[Question]:
    """Questions in the order people see them: by page, then position."""
    return list(
        session.scalars(
            select(Question)
            .join(SurveyPage, SurveyPage.id == Question.page_id)
            .where(Question.survey_id == survey_id)
            .order_by(SurveyPage.position, Question.position)
        )
    )


def option_label(texts: dict[str, str], question: Question, key: str) -> str:
    fixed = dict(question_kinds.reporting(question.kind).fixed_options)
    return texts.get(f"o.{question.key}.{key}") or fixed.get(key, key)


def option_keys(question: Question) -> list[str]:
    fixed = question_kinds.reporting(question.kind).fixed_options
    if fixed:
        return [key for key, _ in fixed]
    return [option.key for option in question.options]


# Breakdowns ------------------------------------------------------------------------------------------------


def _iso_week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def weekly(session: Session, survey_id: int, filters: Filters) -> Breakdown:
    """Responses per week (weeks start on Monday), every week from the first to the last response."""
    day = func.date(Response.submitted_at)
    rows = session.execute(
        select(day, func.count()).where(Response.id.in_(filtered_ids(survey_id, filters))).group_by(day)
    )
    per_week: dict[date, int] = {}
    for value, count in rows:
        week = _iso_week(_as_date(value))
        per_week[week] = per_week.get(week, 0) + count
    weeks = []
    if per_week:
        week = min(per_week)
        while week <= max(per_week):
            weeks.append(week)
            week += timedelta(days=7)
    counts = [per_week.get(week, 0) for week in weeks]
    return Breakdown(
        title="Responses per week",
        rows=[f"Week of {week.day} {week:%b %Y}" for week in weeks],
        columns=["Responses"],
        table=suppress_column(counts),
    )


def _respondents(session: Session, ids: Select) -> dict[int, int]:
    rows = session.execute(
        select(Answer.question_id, func.count(distinct(Answer.response_id)))
        .where(Answer.response_id.in_(ids))
        .group_by(Answer.question_id)
    )
    return dict(rows.all())


def _option_counts(session: Session, ids: Select) -> dict[tuple[int, str], int]:
    rows = session.execute(
        select(Answer.question_id, Answer.option_key, func.count(distinct(Answer.response_id)))
        .where(Answer.response_id.in_(ids), Answer.option_key.is_not(None))
        .group_by(Answer.question_id, Answer.option_key)
    )
    return {(question_id, key): count for question_id, key, count in rows}


def _choice_breakdown(question: Question, texts: dict[str, str], counts: dict, respondents: int) -> Breakdown:
    keys = option_keys(question)
    values = [counts.get((question.id, key), 0) for key in keys]
    several = question_kinds.reporting(question.kind).several
    # Several options may be chosen: the base is the people who answered, not the sum of the counts.
    base = respondents if several else None
    return Breakdown(
        title=texts.get(f"q.{question.key}.text") or question.key,
        rows=[option_label(texts, question, key) for key in keys],
        columns=["Respondents"],
        table=suppress_column(values, base),
        note="People could choose more than one answer." if several else "",
    )


def _rating_breakdown(session: Session, question: Question, texts: dict[str, str], ids: Select) -> Breakdown:
    rows = session.execute(
        select(Answer.value, func.count())
        .where(Answer.question_id == question.id, Answer.response_id.in_(ids))
        .group_by(Answer.value)
    )
    found = {str(value): count for value, count in rows}
    low = question.min_value if question.min_value is not None else 1
    high = question.max_value if question.max_value is not None else 5
    scale = [str(n) for n in range(low, high + 1)]
    low_label, high_label = texts.get(f"q.{question.key}.low", ""), texts.get(f"q.{question.key}.high", "")
    labels = list(scale)
    if low_label:
        labels[0] = f"{scale[0]} ({low_label})"
    if high_label:
        labels[-1] = f"{scale[-1]} ({high_label})"
    return Breakdown(
        title=texts.get(f"q.{question.key}.text") or question.key,
        rows=labels,
        columns=["Respondents"],
        table=suppress_column([found.get(n, 0) for n in scale]),
    )


def _number_summary(session: Session, question: Question, ids: Select) -> NumberSummary:
    values = []
    for (value,) in session.execute(
        select(Answer.value).where(Answer.question_id == question.id, Answer.response_id.in_(ids))
    ):
        try:
            values.append(float(value))
        except (TypeError, ValueError):
            continue
    if len(values) < MIN_BASE:
        # Too few to summarise without someone's own answer showing through.
        return NumberSummary(respondents=len(values))
    quartiles = statistics.quantiles(values, n=4)
    return NumberSummary(
        respondents=len(values),
        mean=round(statistics.fmean(values), 1),
        median=statistics.median(values),
        lower_quartile=round(quartiles[0], 1),
        upper_quartile=round(quartiles[2], 1),
    )


def _mean_ranks(
    session: Session, question: Question, texts: dict[str, str], ids: Select, respondents: int
) -> list[tuple[str, float]] | None:
    if respondents < MIN_BASE:
        return None
    rows = session.execute(
        select(Answer.option_key, Answer.value).where(
            Answer.question_id == question.id, Answer.response_id.in_(ids)
        )
    )
    totals: dict[str, list[int]] = {}
    for key, value in rows:
        try:
            rank = int(value)
        except (TypeError, ValueError):
            continue
        totals.setdefault(key, []).append(rank)
    means = [
        (option_label(texts, question, key), round(sum(ranks) / len(ranks), 2))
        for key in option_keys(question)
        if (ranks := totals.get(key))
    ]
    return sorted(means, key=lambda item: item[1])


def equality_question(key: str) -> equality.EqualityQuestion:
    for question in equality.QUESTIONS:
        if question.key == key:
            return question
    raise ReportError(f"No equality question {key!r}")


def crosstab(session: Session, question: Question, texts: dict[str, str], ids: Select, by: str) -> Breakdown:
    """A choice question's options (rows) by the categories of one equality question (columns), counting
    respondents who answered both. Joined through the response's monitoring id, shown only in aggregate."""
    monitored = equality_question(by)
    column = getattr(EqualityResponse, by)
    rows = session.execute(
        select(Answer.option_key, column, func.count(distinct(Response.id)))
        .join(Response, Response.id == Answer.response_id)
        .join(EqualityResponse, EqualityResponse.id == Response.monitoring_id)
        .where(Answer.question_id == question.id, Answer.response_id.in_(ids), column.is_not(None))
        .group_by(Answer.option_key, column)
    )
    counts = {(key, category): count for key, category, count in rows}
    base = session.scalar(
        select(func.count(distinct(Response.id)))
        .join(Answer, Answer.response_id == Response.id)
        .join(EqualityResponse, EqualityResponse.id == Response.monitoring_id)
        .where(Answer.question_id == question.id, Response.id.in_(ids), column.is_not(None))
    )
    keys = option_keys(question)
    categories = equality.options(monitored)
    return Breakdown(
        title=f"{texts.get(f'q.{question.key}.text') or question.key}, by {str(monitored.text).lower()}",
        rows=[option_label(texts, question, key) for key in keys],
        columns=[str(label) for _, label in categories],
        table=suppress(
            [[counts.get((key, category), 0) for category, _ in categories] for key in keys], base
        ),
        note="Respondents who answered both questions.",
    )


def equality_breakdowns(session: Session, survey_id: int, filters: Filters) -> list[Breakdown]:
    """Each equality question's answers, counted and suppressed: the only way equality data is shown."""
    ids = filtered_ids(survey_id, filters)
    monitored = select(Response.monitoring_id).where(
        Response.id.in_(ids), Response.monitoring_id.is_not(None)
    )
    found = []
    for question in equality.QUESTIONS:
        column = getattr(EqualityResponse, question.key)
        rows = session.execute(
            select(column, func.count())
            .where(EqualityResponse.id.in_(monitored), column.is_not(None))
            .group_by(column)
        )
        counts = dict(rows.all())
        categories = equality.options(question)
        found.append(
            Breakdown(
                title=str(question.text),
                rows=[str(label) for _, label in categories],
                columns=["Respondents"],
                table=suppress_column([counts.get(key, 0) for key, _ in categories]),
            )
        )
    return found


def theme_counts(session: Session, survey_id: int, filters: Filters) -> Breakdown:
    ids = filtered_ids(survey_id, filters)
    themes = list(
        session.execute(
            select(Theme.id, Theme.label).where(Theme.survey_id == survey_id).order_by(Theme.label)
        )
    )
    rows = session.execute(
        select(AnswerTheme.theme_id, func.count(distinct(Answer.response_id)))
        .join(Answer, Answer.id == AnswerTheme.answer_id)
        .where(Answer.response_id.in_(ids))
        .group_by(AnswerTheme.theme_id)
    )
    counts = dict(rows.all())
    base = session.scalar(
        select(func.count(distinct(Answer.response_id)))
        .join(AnswerTheme, AnswerTheme.answer_id == Answer.id)
        .where(Answer.response_id.in_(ids))
    )
    return Breakdown(
        title="Themes in free-text answers",
        rows=[label for _, label in themes],
        columns=["Respondents"],
        table=suppress_column([counts.get(theme_id, 0) for theme_id, _ in themes], base or 0),
        note="An answer can have several themes.",
    )


def approved_quotes(
    session: Session, survey_id: int, filters: Filters, per_theme: int = QUOTES_PER_THEME
) -> dict[str, list[str]]:
    """Approved (and possibly redacted) answer text, per theme label, oldest decision first."""
    ids = filtered_ids(survey_id, filters)
    rows = session.execute(
        select(Theme.label, AnswerReview.text)
        .join(AnswerTheme, AnswerTheme.theme_id == Theme.id)
        .join(AnswerReview, AnswerReview.answer_id == AnswerTheme.answer_id)
        .join(Answer, Answer.id == AnswerReview.answer_id)
        .where(
            Theme.survey_id == survey_id,
            AnswerReview.status == "approved",
            AnswerReview.text.is_not(None),
            Answer.response_id.in_(ids),
        )
        .order_by(Theme.label, AnswerReview.decided_at, AnswerReview.answer_id)
    )
    quotes: dict[str, list[str]] = {}
    for label, text in rows:
        if text.strip() and len(quotes.setdefault(label, [])) < per_theme:
            quotes[label].append(text.strip())
    return quotes


def versions(session: Session, survey: Survey) -> list[Version]:
    rows = session.execute(
        select(Survey.id, Survey.version, Survey.status)
        .where(Survey.slug == survey.slug)
        .order_by(Survey.version)
    )
    return [Version(*row) for row in rows]


def question_reports(
    session: Session, survey_id: int, filters: Filters, cross_by: str = ""
) -> list[QuestionReport]:
    ids = filtered_ids(survey_id, filters)
    texts = english_texts(session, survey_id)
    respondents = _respondents(session, ids)
    counts = _option_counts(session, ids)
    found = []
    for question in questions_of(session, survey_id):
        answered = respondents.get(question.id, 0)
        kind = question_kinds.reporting(question.kind)
        item = QuestionReport(
            key=question.key,
            kind=question.kind,
            text=texts.get(f"q.{question.key}.text") or question.key,
            respondents=answered,
            summary=kind.summary,
            several=kind.several,
            free_text=kind.free_text,
        )
        if kind.summary == "choices":
            item.breakdown = _choice_breakdown(question, texts, counts, answered)
            if cross_by:
                item.crosstab = crosstab(session, question, texts, ids, cross_by)
        elif kind.summary == "scale":
            item.breakdown = _rating_breakdown(session, question, texts, ids)
        elif kind.summary == "number":
            item.number = _number_summary(session, question, ids)
        elif kind.summary == "ranking":
            item.ranking = _mean_ranks(session, question, texts, ids, answered)
        found.append(item)
    return found


def survey_report(session: Session, survey_id: int, filters: Filters, cross_by: str = "") -> Report | None:
    """Everything the report page shows for one survey version; None when there is no such survey."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        return None
    if cross_by and cross_by not in equality.KEYS:
        raise ReportError(f"No equality question {cross_by!r}")
    total = session.scalar(select(func.count()).select_from(filtered_ids(survey_id, filters).subquery()))
    return Report(
        survey_id=survey.id,
        slug=survey.slug,
        version=survey.version,
        status=survey.status,
        title=english_texts(session, survey_id).get("title") or survey.slug,
        filters=filters,
        responses=total,
        versions=versions(session, survey),
        weekly=weekly(session, survey_id, filters),
        questions=question_reports(session, survey_id, filters, cross_by),
        themes=theme_counts(session, survey_id, filters),
        # Quotes are shown only when the filtered group is big enough not to point at anyone.
        quotes=approved_quotes(session, survey_id, filters) if total >= MIN_BASE else {},
        equality=equality_breakdowns(session, survey_id, filters),
        cross_by=cross_by,
    )
