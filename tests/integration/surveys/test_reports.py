"""Survey reports against the real database: counts, suppression, filters, cross-tabs, themes, quotes, views."""

import re
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

import html5lib
import pytest
from sqlalchemy import func, select

from alliance.surveys import reports, seeding
from alliance.surveys.models import (
    Answer,
    AnswerReview,
    AnswerTheme,
    EqualityResponse,
    Question,
    Response,
    Survey,
    Theme,
)
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client
from tests.integration.surveys.conftest import CONTENT, SLUG

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
# (connection, sex, how many): 44 people. Carer 3 and the small sex cells are suppressed.
PEOPLE = [
    ("patient", "female", 12),
    ("patient", "male", 8),
    ("carer", "female", 3),
    ("family", "female", 5),
    ("family", "male", 4),
    ("public", "female", 10),
    ("public", "male", 2),
]
RATINGS = [2] * 5 + [3] * 10 + [4] * 15 + [5] * 14  # 44 ratings, none of 1


def make_responses(session, survey_id: int | None = None, typed: str = "Evening clinics please") -> int:
    """44 responses to the example survey with answers, equality answers, two themes and approved quotes.
    Returns the survey id. The first response's short answer is `typed`."""
    if survey_id is None:
        seeding.seed_surveys(session, CONTENT)
        survey_id = session.scalar(select(Survey.id).where(Survey.slug == SLUG))
    questions = {
        q.key: q.id for q in session.scalars(select(Question).where(Question.survey_id == survey_id))
    }
    # The survey may already have themes of its own: these two are found or added by code.
    existing = {t.code: t for t in session.scalars(select(Theme).where(Theme.survey_id == survey_id))}
    theme_rows = [
        existing.get(code) or Theme(survey_id=survey_id, code=code, label=label)
        for code, label in (("travel", "Travel"), ("staff", "Staff"))
    ]
    session.add_all(theme_rows)
    session.flush()
    first = session.scalar(select(func.count()).select_from(Response)) or 0
    n = 0
    for connection, sex, count in PEOPLE:
        for _ in range(count):
            monitoring = f"{first + n:032x}"
            response = Response(
                survey_id=survey_id,
                survey_version=1,
                reference=f"R{first + n:07d}",
                token=f"token-{first + n:040d}",
                lang="en" if n % 4 else "ur",
                locality="Barnsley" if n < 4 else "Sheffield",
                monitoring_id=monitoring,
                submitted_at=START + timedelta(days=n // 4),
            )
            response.answers = [
                Answer(question_id=questions["connection"], option_key=connection, value=""),
                Answer(question_id=questions["experience_rating"], value=str(RATINGS[n])),
                Answer(question_id=questions["travel_minutes"], value=str(10 + n)),
                Answer(question_id=questions["one_change"], value=typed if n == 0 else f"Answer {n}"),
                Answer(question_id=questions["barriers"], option_key="transport", value=""),
            ]
            for rank, key in enumerate(["close", "quick", "explained", "support", "choices"], start=1):
                response.answers.append(
                    Answer(question_id=questions["what_matters"], option_key=key, value=str(rank))
                )
            session.add(response)
            session.add(
                EqualityResponse(id=monitoring, survey_id=survey_id, submitted_on=START.date(), sex=sex)
            )
            session.flush()
            text = response.answers[3]
            theme = theme_rows[0] if n < 12 else theme_rows[1]
            session.add(AnswerTheme(answer_id=text.id, theme_id=theme.id))
            if n in (1, 2):
                session.add(
                    AnswerReview(answer_id=text.id, survey_id=survey_id, status="approved", text=f"Quote {n}")
                )
            if n == 3:
                session.add(
                    AnswerReview(answer_id=text.id, survey_id=survey_id, status="rejected", text="No")
                )
            n += 1
    session.commit()
    return survey_id


@pytest.fixture
def data(app, session):
    return make_responses(session)


def question(report, key):
    return next(item for item in report.questions if item.key == key)


def column(breakdown):
    return [row[0] for row in breakdown.table.cells]


def test_a_single_choice_question_shows_counts_with_small_and_secondary_cells_suppressed(session, data):
    report = reports.survey_report(session, data, reports.Filters())
    connection = question(report, "connection")
    assert connection.respondents == 44
    # patient 20, carer 3 (suppressed), family 9 (secondary: smallest other), public 12, professional 0
    assert column(connection.breakdown) == [20, None, None, 12, 0]
    assert connection.breakdown.table.total == 44


def test_a_rating_shows_its_whole_scale_with_the_small_count_and_the_next_smallest_hidden(session, data):
    rating = question(reports.survey_report(session, data, reports.Filters()), "experience_rating")
    assert column(rating.breakdown) == [0, None, None, 15, 14]


def test_a_multiple_choice_question_is_based_on_the_people_who_answered(session, data):
    barriers = question(reports.survey_report(session, data, reports.Filters()), "barriers")
    keys = ["language", "transport", "caring", "work", "disability", "other"]
    counts = dict(zip(keys, column(barriers.breakdown), strict=True))
    assert counts == {"language": 0, "transport": 44, "caring": 0, "work": 0, "disability": 0, "other": 0}
    assert barriers.breakdown.table.base == 44


def test_numbers_are_summarised_and_rankings_give_mean_ranks(session, data):
    report = reports.survey_report(session, data, reports.Filters())
    travel = question(report, "travel_minutes").number
    assert (travel.respondents, travel.mean, travel.median) == (44, 31.5, 31.5)
    ranking = question(report, "what_matters").ranking
    assert [mean for _, mean in ranking] == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_responses_per_week_are_counted_from_the_first_week_to_the_last(session, data):
    weekly = reports.survey_report(session, data, reports.Filters()).weekly
    # 4 responses a day from Monday 2 March for 11 days: 28 in the first week, 16 in the second.
    assert weekly.rows == ["Week of 2 Mar 2026", "Week of 9 Mar 2026"]
    assert column(weekly) == [28, 16]


def test_a_filter_to_fewer_than_ten_responses_hides_every_breakdown(session, data):
    report = reports.survey_report(session, data, reports.Filters(locality="Barnsley"))
    assert report.responses == 4 and report.too_few
    assert question(report, "connection").breakdown.table.hidden
    assert question(report, "travel_minutes").number.hidden
    assert question(report, "what_matters").ranking is None
    assert report.quotes == {}


def test_filters_by_date_and_language_narrow_the_responses(session, data):
    in_march = reports.Filters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 3))
    assert reports.survey_report(session, data, in_march).responses == 8
    assert reports.survey_report(session, data, reports.Filters(lang="ur")).responses == 11


def test_a_choice_question_is_cross_tabulated_by_an_equality_question_with_secondary_suppression(
    session, data
):
    crosstab = question(reports.survey_report(session, data, reports.Filters(), "sex"), "connection").crosstab
    assert crosstab.columns == ["Female", "Male", "Prefer not to say"]
    table = crosstab.table
    assert table.cells == [
        [12, 8, 0],  # patient
        [None, 0, 0],  # carer 3: the row's total would reveal it, so the total goes too
        [None, None, 0],  # family 5 and 4
        [None, None, 0],  # public: 2, and 10 with it
        [0, 0, 0],
    ]
    assert table.row_totals == [20, None, None, 12, 0]
    assert table.column_totals == [30, 14, 0] and table.total == 44


def test_an_unknown_equality_question_is_refused(session, data):
    with pytest.raises(reports.ReportError):
        reports.survey_report(session, data, reports.Filters(), "shoe_size")


def test_themes_are_counted_and_only_approved_quotes_are_shown(session, data):
    report = reports.survey_report(session, data, reports.Filters())
    assert report.themes.rows == ["Staff", "Travel"]
    assert column(report.themes) == [32, 12]
    assert report.quotes == {"Travel": ["Quote 1", "Quote 2"]}


def test_equality_answers_are_reported_only_as_suppressed_counts(session, data):
    sex = next(
        b
        for b in reports.survey_report(session, data, reports.Filters()).equality
        if b.title.endswith("sex?")
    )
    assert column(sex) == [30, 14, 0]
    age = next(
        b for b in reports.survey_report(session, data, reports.Filters()).equality if "age" in b.title
    )
    assert age.table.hidden


def test_versions_of_the_same_survey_are_reported_apart_and_linked(session, data):
    second = Survey(slug=SLUG, version=2, status="open")
    session.add(second)
    session.commit()
    report = reports.survey_report(session, second.id, reports.Filters())
    assert report.responses == 0 and report.version == 2
    assert [v.version for v in report.versions] == [1, 2]
    assert reports.survey_report(session, data, reports.Filters()).responses == 44


# The report page ---------------------------------------------------------------------------------------------


@pytest.fixture
def lead(app, session):
    return signed_in_client(app, make_staff(session, roles="engagement_lead"))


def test_the_report_page_shows_charts_tables_and_stars(lead, data):
    page = lead.get(f"/backoffice/surveys/{data}/report?by=sex")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'role="img"' in html and "<caption" in html and 'scope="row"' in html
    assert '<td class="nhsuk-table__cell">*</td>' in html
    assert "Quote 1" in html and "No</p>" not in html
    assert "Female" in html


def test_bad_filters_get_a_clear_error_and_keep_what_was_typed(lead, data):
    page = lead.get(
        f"/backoffice/surveys/{data}/report?date_from[day]=31&date_from[month]=2&date_from[year]=2026&lang=xx"
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Enter a real date" in html and "Choose a language from the list" in html
    assert 'value="31"' in html


def test_a_to_date_before_the_from_date_is_refused(lead, data):
    page = lead.get(
        f"/backoffice/surveys/{data}/report?date_from[day]=5&date_from[month]=3&date_from[year]=2026"
        "&date_to[day]=1&date_to[month]=3&date_to[year]=2026"
    )
    assert page.status_code == 400
    assert "must be the same as or after" in page.get_data(as_text=True)


def test_a_missing_survey_is_not_found_and_an_editor_may_not_see_reports(app, session, lead, data):
    assert lead.get("/backoffice/surveys/999999/report").status_code == 404
    editor = signed_in_client(app, make_staff(session, roles="editor"))
    assert editor.get(f"/backoffice/surveys/{data}/report").status_code == 403


def test_the_language_filter_names_languages_in_words_and_still_filters_by_code(lead, data):
    page = lead.get(f"/backoffice/surveys/{data}/report")
    form = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page.get_data(as_text=True))
    options = {
        option.get("value"): option.text for option in form.iter("option") if option.get("value") is not None
    }
    assert options["en"] == "English" and options["ur"] == "Urdu (اردو)"
    narrowed = lead.get(f"/backoffice/surveys/{data}/report?lang=ur").get_data(as_text=True)
    assert "<strong>11</strong> responses match these filters" in narrowed


def test_every_chart_on_the_report_page_has_text_of_14_pixels_or_more_and_no_shortened_label_without_its_title(
    lead, data
):
    html = lead.get(f"/backoffice/surveys/{data}/report?by=sex").get_data(as_text=True)
    charts_found = re.findall(r"<svg [^>]*class=\"app-chart\".*?</svg>", html, flags=re.S)
    assert charts_found
    for markup in charts_found:
        svg = ElementTree.fromstring(markup)
        texts = list(svg.iter("{http://www.w3.org/2000/svg}text"))
        assert texts and svg.get("viewBox") is None
        for text in texts:
            assert float(text.get("font-size")) >= 14
            if "".join(text.itertext()).endswith("…"):
                assert text.find("{http://www.w3.org/2000/svg}title") is not None
