"""Retention and erasure of survey responses, on SQLite and PostgreSQL: the scheduled deletion with its
boundaries and audit entries, `flask retention run`, and erasing one response by its reference."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from alliance.accounts.models import AuditEvent
from alliance.surveys import retention
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
from tests.integration.surveys.conftest import csrf_from

CLOSED = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)


def add_response(session, survey_id: int, reference: str, equality: bool = True) -> Response:
    """A stored response with a free-text answer, its moderation decision, a theme tag and equality row."""
    question = session.scalars(select(Question).where(Question.survey_id == survey_id)).first()
    response = Response(
        survey_id=survey_id,
        survey_version=1,
        reference=reference,
        token=f"token-{reference}",
        lang="en",
        monitoring_id=f"m{reference.replace('-', '')}" if equality else None,
    )
    response.answers.append(Answer(question_id=question.id, value=f"answer {reference}"))
    session.add(response)
    if equality:
        session.add(
            EqualityResponse(
                id=response.monitoring_id, survey_id=survey_id, submitted_on=CLOSED.date(), age_band="55-64"
            )
        )
    session.flush()
    answer = response.answers[0]
    theme = session.scalar(select(Theme).where(Theme.survey_id == survey_id, Theme.code == "access"))
    if theme is None:
        theme = Theme(survey_id=survey_id, code="access", label="Access")
        session.add(theme)
        session.flush()
    session.add(AnswerReview(answer_id=answer.id, survey_id=survey_id, status="approved", text="ok"))
    session.add(AnswerTheme(answer_id=answer.id, theme_id=theme.id))
    session.commit()
    return response


def count(session, model, **where) -> int:
    session.expire_all()
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalar(query)


def audit_entries(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def closed_survey(survey, session):
    """The example survey, closed by staff on CLOSED, with two responses."""
    row = session.scalar(select(Survey).where(Survey.slug == survey))
    row.status, row.closed_at = "closed", CLOSED
    session.commit()
    add_response(session, row.id, "AAAA-2222")
    add_response(session, row.id, "BBBB-3333", equality=False)
    return row.id


def test_responses_are_due_exactly_the_default_months_after_closing_and_not_a_second_before(
    session, closed_survey
):
    due_at = datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
    assert retention.expired(session, due_at - timedelta(seconds=1), 24) == []
    [found] = retention.expired(session, due_at, 24)
    assert (found.survey_id, found.responses, found.equality) == (closed_survey, 2, 1)
    assert found.due == due_at


def test_a_survey_past_its_closing_time_counts_from_the_earlier_of_closes_at_and_closed_at(session, survey):
    row = session.scalar(select(Survey).where(Survey.slug == survey))
    row.status, row.closes_at = "open", datetime(2025, 1, 10, tzinfo=UTC)  # closed by the clock, not staff
    session.commit()
    add_response(session, row.id, "CCCC-4444")
    assert retention.expired(session, datetime(2027, 1, 9, tzinfo=UTC), 24) == []
    assert [e.survey_id for e in retention.expired(session, datetime(2027, 1, 10, tzinfo=UTC), 24)] == [
        row.id
    ]
    row.status, row.closed_at = "closed", datetime(2024, 12, 1, tzinfo=UTC)  # staff closed it earlier
    session.commit()
    assert retention.expired(session, datetime(2026, 12, 1, tzinfo=UTC), 24)[0].closed.date().isoformat() == (
        "2024-12-01"
    )


def test_an_open_survey_is_never_due(session, survey):
    row = session.scalar(select(Survey).where(Survey.slug == survey))
    add_response(session, row.id, "DDDD-5555")
    assert row.status == "open"
    assert retention.expired(session, datetime(2099, 1, 1, tzinfo=UTC), 0) == []


def test_a_surveys_own_retention_overrides_the_site_default(session, closed_survey):
    survey = session.get(Survey, closed_survey)
    survey.retain_months = 6
    session.commit()
    assert retention.expired(session, datetime(2025, 9, 30, 11, 59, tzinfo=UTC), 24) == []
    assert len(retention.expired(session, datetime(2025, 9, 30, 12, 0, tzinfo=UTC), 24)) == 1
    survey.retain_months = 36
    session.commit()
    assert retention.expired(session, datetime(2027, 6, 1, tzinfo=UTC), 24) == []


def test_a_dry_run_reports_but_changes_nothing(session, closed_survey):
    found = retention.run(session, datetime(2030, 1, 1, tzinfo=UTC), 24, dry_run=True)
    session.commit()
    assert [(e.responses, e.equality) for e in found] == [(2, 1)]
    assert count(session, Response) == 2 and count(session, EqualityResponse) == 1
    assert audit_entries(session, "surveys.retention") == []


def test_a_run_deletes_responses_their_answers_reviews_tags_and_equality_rows_and_audits_the_counts(
    session, closed_survey, survey
):
    # Another survey still open keeps its responses.
    other = Survey(slug="another-survey", version=1, status="open")
    session.add(other)
    session.commit()
    question = session.scalars(select(Question).where(Question.survey_id == closed_survey)).first()
    session.add(
        Response(survey_id=other.id, survey_version=1, reference="KEEP-2345", token="t-keep", lang="en")
    )
    session.commit()
    found = retention.run(session, datetime(2030, 1, 1, tzinfo=UTC), 24)
    session.commit()
    assert [e.slug for e in found] == [survey]
    assert count(session, Response, survey_id=closed_survey) == 0
    assert count(session, EqualityResponse) == 0
    assert count(session, Answer, question_id=question.id) == 0
    assert count(session, AnswerReview) == 0 and count(session, AnswerTheme) == 0
    assert count(session, Response) == 1  # the open survey's
    [entry] = audit_entries(session, "surveys.retention")
    detail = json.loads(entry.detail)
    assert entry.target == survey
    assert detail == {"closed": "2025-03-31", "equality": 1, "responses": 2, "version": 1}
    assert "AAAA" not in entry.detail and "answer" not in entry.detail
    # A second run finds nothing left to delete and logs nothing more.
    assert retention.run(session, datetime(2030, 1, 1, tzinfo=UTC), 24) == []
    assert len(audit_entries(session, "surveys.retention")) == 1


def long_closed(session, survey_id: int) -> None:
    session.get(Survey, survey_id).closed_at = datetime(2001, 1, 1, tzinfo=UTC)
    session.commit()


def test_the_retention_command_deletes_due_responses_and_its_dry_run_does_not(runner, session, closed_survey):
    long_closed(session, closed_survey)
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would delete 2 responses and 1 equality rows" in dry.output
    assert count(session, Response) == 2
    real = runner.invoke(args=["retention", "run"])
    assert real.exit_code == 0, real.output
    assert "Deleted 2 responses from 1 survey versions" in real.output
    assert count(session, Response) == 0 and count(session, EqualityResponse) == 0
    assert len(audit_entries(session, "surveys.retention")) == 1
    again = runner.invoke(args=["retention", "run"])
    assert "Deleted 0 responses from 0 survey versions" in again.output


def test_the_retention_command_uses_the_configured_months(app, runner, session, closed_survey):
    long_closed(session, closed_survey)
    old = app.config["SURVEY_RETENTION_MONTHS"]
    app.config["SURVEY_RETENTION_MONTHS"] = 1200  # a century: nothing is due yet
    try:
        result = runner.invoke(args=["retention", "run"])
    finally:
        app.config["SURVEY_RETENTION_MONTHS"] = old
    assert "Deleted 0 responses" in result.output
    assert count(session, Response) == 2


# Erasing one response ---------------------------------------------------------------------------------


def test_erasing_by_reference_deletes_exactly_that_response_and_its_equality_row(
    session, closed_survey, survey
):
    assert retention.erase(session, " aaaa 2222 ") is True
    session.commit()
    assert [r.reference for r in session.scalars(select(Response))] == ["BBBB-3333"]
    assert count(session, EqualityResponse) == 0
    [entry] = audit_entries(session, "surveys.erase")
    assert entry.target == survey
    assert "AAAA" not in entry.detail and "2222" not in entry.detail
    assert retention.erase(session, "AAAA-2222") is False
    assert retention.erase(session, "not a reference") is False
    assert count(session, Response) == 1


def erase_page(client, lang="en"):
    page = client.get(f"/{lang}/surveys/erase")
    assert page.status_code == 200
    return csrf_from(page.get_data(as_text=True))


def test_a_respondent_erases_their_answers_after_confirming(client, session, closed_survey):
    token = erase_page(client)
    first = client.post("/en/surveys/erase", data={"csrf_token": token, "reference": "aaaa2222"})
    html = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "Are you sure you want to delete your answers?" in html
    assert "AAAA-2222" in html
    assert "answer AAAA" not in html and "Have your say" not in html  # nothing about the response
    assert count(session, Response) == 2  # not until confirmed
    done = client.post(
        "/en/surveys/erase", data={"csrf_token": token, "reference": "AAAA-2222", "confirm": "yes"}
    )
    assert done.status_code == 303 and done.headers["Location"] == "/en/surveys/erase/done"
    assert "Your answers have been deleted" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert [r.reference for r in session.scalars(select(Response))] == ["BBBB-3333"]
    assert count(session, EqualityResponse) == 0


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your reference"),
        ("hello there", "Enter your reference as it was shown to you, like ABCD-2345"),
        ("ZZZZ-9999", "We cannot find answers with that reference. Check it and try again."),
    ],
)
def test_a_wrong_reference_gets_a_clear_error_and_keeps_what_was_typed(
    client, session, closed_survey, typed, message
):
    token = erase_page(client)
    response = client.post(
        "/en/surveys/erase", data={"csrf_token": token, "reference": typed, "confirm": "yes"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error:" in html
    assert message in html
    if typed:
        assert f'value="{typed}"' in html
    assert count(session, Response) == 2


def test_the_erase_form_is_right_to_left_in_urdu_and_refuses_a_post_without_its_csrf_token(
    client, closed_survey
):
    page = client.get("/ur/surveys/erase").get_data(as_text=True)
    assert 'dir="rtl"' in page and 'lang="ur"' in page
    response = client.post("/ur/surveys/erase", data={"reference": "AAAA-2222", "confirm": "yes"})
    assert response.status_code == 400
    assert "AAAA-2222" in response.get_data(as_text=True)


def test_erase_attempts_are_rate_limited(app, client, session, closed_survey):
    old = app.config.get("SURVEY_ERASE_RATE_LIMIT")
    app.config["SURVEY_ERASE_RATE_LIMIT"] = "3 per 10 minutes"
    try:
        token = erase_page(client)
        codes = [
            client.post(
                "/en/surveys/erase", data={"csrf_token": token, "reference": f"ZZZZ-{n}{n}{n}{n}"}
            ).status_code
            for n in range(2, 7)
        ]
    finally:
        if old is None:
            app.config.pop("SURVEY_ERASE_RATE_LIMIT")
        else:
            app.config["SURVEY_ERASE_RATE_LIMIT"] = old
    assert codes == [400, 400, 400, 429, 429]
    assert count(session, Response) == 2


def test_the_survey_confirmation_page_links_to_erasing(client, survey):
    with client.session_transaction() as cookie:
        cookie["survey_sent"] = {"s": survey, "r": "AAAA-2222"}
    html = client.get(f"/en/surveys/{survey}/sent").get_data(as_text=True)
    assert 'href="/en/surveys/erase"' in html


def test_staff_erase_a_response_for_someone_who_phones_in(app, session, closed_survey, survey):
    staff = signed_in_client(app, make_staff(session, roles="engagement_lead", email="lead@example.nhs.uk"))
    page = staff.get("/backoffice/surveys/erase")
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    wrong = staff.post("/backoffice/surveys/erase", data={"csrf_token": token, "reference": "QQQQ-7777"})
    assert wrong.status_code == 400 and "There is no response with that reference" in wrong.get_data(
        as_text=True
    )
    done = staff.post(
        "/backoffice/surveys/erase",
        data={"csrf_token": token, "reference": "bbbb-3333"},
        follow_redirects=True,
    )
    assert "BBBB-3333 and its equality answers were deleted" in done.get_data(as_text=True)
    assert [r.reference for r in session.scalars(select(Response))] == ["AAAA-2222"]
    [entry] = audit_entries(session, "surveys.erase")
    assert entry.actor_email == "lead@example.nhs.uk" and entry.target == survey
    assert "BBBB" not in entry.detail


def test_staff_without_survey_permission_cannot_erase(app, session, closed_survey):
    editor = signed_in_client(app, make_staff(session, roles="editor", email="ed@example.nhs.uk"))
    assert editor.get("/backoffice/surveys/erase").status_code == 403
