"""Answers in progress live in the database under a random key, never in the cookie; SQLite and PostgreSQL."""

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, inspect, select, update

from alliance.surveys.models import Answer, Draft, Question, Response
from tests.integration.surveys.conftest import answer_all, post_page, send

LONG_ANSWER = ("ہمیں ترجمان نہیں ملا اور انتظار بہت طویل تھا۔ " * 250)[:10_000]


def cookie_session(app, client) -> dict:
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(client.get_cookie("session").value)


def drafts(session) -> list[Draft]:
    session.expire_all()
    return list(session.scalars(select(Draft)))


def test_the_cookie_holds_only_the_survey_and_a_random_key_and_the_answers_are_in_a_draft_row(
    app, client, survey, session
):
    post_page(client, f"/en/surveys/{survey}/questions/1", {"connection": "patient"})
    post_page(client, f"/en/surveys/{survey}/questions/5", {"tell_us_more": "Waiting for results was hard."})
    held = cookie_session(app, client)["survey"]
    assert set(held) == {"s", "k"} and held["s"] == survey and len(held["k"]) >= 40
    (row,) = drafts(session)
    assert row.key == hashlib.sha256(held["k"].encode()).hexdigest() != held["k"]
    assert "Waiting for results was hard." in row.data and "patient" in row.data


def test_a_ten_thousand_character_answer_survives_the_journey_into_the_stored_response(
    client, survey, session
):
    session.execute(update(Question).where(Question.key == "tell_us_more").values(max_length=10_000))
    session.commit()
    pages = [(1, {"connection": "public"}), (3, {}), (4, {"barriers": ["language"]})]
    pages += [(5, {"tell_us_more": LONG_ANSWER}), (6, {"outcode": "DN22"}), (7, {})]
    html = answer_all(client, "en", survey, pages=pages)
    assert LONG_ANSWER[:200] in html
    assert send(client, "en", survey, html).status_code == 303
    stored = session.scalars(select(Answer.value).where(Answer.value.like("ہمیں%"))).one()
    assert stored == LONG_ANSWER and len(stored) == 10_000


def test_sending_deletes_the_draft_and_sending_again_gives_the_same_reference_and_one_response(
    client, survey, session
):
    html = answer_all(client, "en", survey)
    assert len(drafts(session)) == 1
    first = send(client, "en", survey, html)
    assert drafts(session) == []
    again = send(client, "en", survey, html)
    assert first.status_code == again.status_code == 303
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_draft_untouched_for_longer_than_the_expiry_is_gone_and_sending_says_the_form_expired(
    app, client, survey, session
):
    html = answer_all(client, "en", survey)
    hours = app.config["SURVEY_DRAFT_HOURS"]
    session.execute(update(Draft).values(updated_at=datetime.now(UTC) - timedelta(hours=hours, minutes=1)))
    session.commit()
    assert client.get(f"/en/surveys/{survey}/check-your-answers").headers["Location"].endswith("/questions/1")
    sent = send(client, "en", survey, html)
    assert sent.headers["Location"] == f"/en/surveys/{survey}/?expired=1"
    assert session.scalar(select(func.count()).select_from(Response)) == 0


def test_starting_a_new_draft_deletes_expired_drafts_of_other_people(app, client, survey, session):
    post_page(client, f"/en/surveys/{survey}/questions/1", {"connection": "patient"})
    session.execute(update(Draft).values(updated_at=datetime.now(UTC) - timedelta(days=2)))
    session.commit()
    other = app.test_client()
    post_page(other, f"/en/surveys/{survey}/questions/1", {"connection": "carer"})
    rows = drafts(session)
    assert len(rows) == 1 and "carer" in rows[0].data


def test_retention_run_deletes_drafts_past_the_expiry_and_keeps_recent_ones(
    app, client, runner, survey, session
):
    post_page(client, f"/en/surveys/{survey}/questions/1", {"connection": "patient"})
    post_page(app.test_client(), f"/en/surveys/{survey}/questions/1", {"connection": "carer"})
    old = drafts(session)[0].key
    session.execute(
        update(Draft).where(Draft.key == old).values(updated_at=datetime.now(UTC) - timedelta(days=2))
    )
    session.commit()
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert "Would delete 1 unfinished sets of answers not touched for 24 hours" in dry.output
    assert len(drafts(session)) == 2
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 unfinished sets of answers" in result.output
    assert [row.key for row in drafts(session)] != [old] and len(drafts(session)) == 1


def test_the_draft_table_keeps_nothing_about_who_is_answering(app, session):
    columns = {column["name"] for column in inspect(session.get_bind()).get_columns("survey_drafts")}
    assert columns == {"key", "survey_slug", "data", "updated_at"}


def test_a_staff_preview_keeps_its_answers_in_a_draft_of_its_own_and_drops_it_at_the_end(app, session):
    from tests.factories import make_staff
    from tests.integration.backoffice.conftest import csrf_token, signed_in_client
    from tests.integration.surveys.test_builder import small_survey

    lead = signed_in_client(app, make_staff(session, roles="engagement_lead", email="lead@example.nhs.uk"))
    survey = small_survey(session)
    session.commit()
    base = f"/backoffice/surveys/{survey.id}/preview/en"
    lead.get(base)
    first = lead.get(f"{base}?step=1").get_data(as_text=True)
    lead.post(f"{base}?step=1", data={"csrf_token": csrf_token(first), "q1": "yes"})
    second = lead.get(f"{base}?step=2").get_data(as_text=True)
    lead.post(f"{base}?step=2", data={"csrf_token": csrf_token(second), "q2": "A preview answer " * 50})
    held = cookie_session(app, lead)["survey_preview"]
    assert set(held) == {"id", "k"}
    (row,) = drafts(session)
    assert row.survey_slug == f"preview:{survey.id}" and "A preview answer" in row.data
    check = lead.get(f"{base}?step=check").get_data(as_text=True)
    assert check.count("A preview answer") >= 50
    lead.post(f"{base}?step=check", data={"csrf_token": csrf_token(check), "token": "preview"})
    assert drafts(session) == []
