"""Survey services against the real database: seeding, translation completeness, locking, submission."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from alliance.surveys import locking, reading, seeding, submission
from alliance.surveys.models import (
    Answer,
    EqualityResponse,
    Question,
    Response,
    Survey,
    SurveyLanguage,
    SurveyText,
)
from tests.integration.surveys.conftest import CONTENT

ANSWERS = {"connection": "public", "barriers": ["transport"]}


def survey_id(session) -> int:
    return session.scalar(select(Survey.id))


def test_seeding_loads_the_example_survey_in_eleven_languages_marked_as_example_and_unreviewed(
    session, survey
):
    row = session.scalars(select(Survey)).one()
    assert row.example_data and row.status == "open" and row.version == 1
    languages = {lang.lang: lang for lang in session.scalars(select(SurveyLanguage))}
    assert sorted(languages) == sorted(["en", "ar", "bn", "ckb", "pa", "pl", "ro", "sk", "so", "ur", "zh"])
    assert all(lang.offered for lang in languages.values())
    assert not any(lang.translator_reviewed for code, lang in languages.items() if code != "en")
    view = reading.load_survey(session, survey, "so")
    assert view.title == "Ka dhiibo fikirkaaga daryeelka kansarka"
    assert [q.kind for q in view.questions()] == [
        "single", "rating", "ranking", "multiple", "long_text", "outcode", "number", "date", "short_text",
    ]  # fmt: skip


def test_seeding_twice_changes_nothing(session, survey):
    assert seeding.seed_surveys(session, CONTENT) == (0, "1 unchanged")
    assert session.scalar(select(func.count()).select_from(Survey)) == 1


def test_a_survey_with_responses_is_not_replaced_by_the_seeder(session, survey):
    submission.submit(session, survey, "en", submission.new_token(), ANSWERS, {}, CONTENT)
    session.execute(Survey.__table__.update().values(source_hash="changed"))
    session.commit()
    assert seeding.seed_surveys(session, CONTENT) == (0, "1 kept")


def test_a_survey_the_site_has_is_never_replaced_by_the_seeder_even_when_its_file_changed(session, survey):
    session.execute(Survey.__table__.update().values(source_hash="changed"))
    session.commit()
    versions = session.scalars(select(Survey.version)).all()
    assert seeding.seed_surveys(session, CONTENT) == (0, "1 kept")
    assert session.scalars(select(Survey.version)).all() == versions


def test_a_language_with_any_text_missing_cannot_be_offered(session, survey):
    sid = survey_id(session)
    session.execute(
        delete(SurveyText).where(SurveyText.lang == "pl", SurveyText.key == "o.barriers.transport")
    )
    session.execute(
        SurveyText.__table__.update()
        .where(SurveyText.lang == "pl", SurveyText.key == "title")
        .values(text="   ")
    )
    assert locking.missing_translations(session, sid, "pl") == ["o.barriers.transport", "title"]
    with pytest.raises(reading.TranslationIncomplete) as error:
        locking.offer_language(session, sid, "pl")
    assert error.value.missing == ["o.barriers.transport", "title"]
    assert locking.missing_translations(session, sid, "ur") == []


def test_a_survey_is_only_shown_in_languages_it_is_offered_in(session, survey):
    session.execute(
        SurveyLanguage.__table__.update().where(SurveyLanguage.lang == "sk").values(offered=False)
    )
    session.commit()
    assert reading.load_survey(session, survey, "sk") is None
    assert reading.open_surveys(session, "sk") == []
    assert [s.slug for s in reading.open_surveys(session, "ro")] == [survey]


def test_opening_and_closing_times_decide_whether_a_survey_is_open(session, survey):
    row = session.scalars(select(Survey)).one()
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert reading.is_open(row, now)
    row.closes_at = now - timedelta(seconds=1)
    assert not reading.is_open(row, now)
    row.closes_at, row.opens_at = None, now + timedelta(days=1)
    assert not reading.is_open(row, now)
    row.opens_at, row.status = None, "draft"
    assert not reading.is_open(row, now)


def test_submitting_with_a_required_answer_missing_names_the_page_to_go_back_to(session, survey):
    with pytest.raises(reading.AnswersIncomplete) as error:
        submission.submit(
            session, survey, "en", submission.new_token(), {"connection": "patient"}, {}, CONTENT
        )
    assert error.value.page == 2  # the rating question, asked because of the first answer
    assert session.scalar(select(func.count()).select_from(Response)) == 0


def test_answers_to_questions_not_asked_are_not_stored(session, survey):
    answers = {**ANSWERS, "experience_rating": "2"}
    submission.submit(session, survey, "en", submission.new_token(), answers, {}, CONTENT)
    keys = session.scalars(select(Question.key).join(Answer, Answer.question_id == Question.id)).all()
    assert "connection" in keys and "experience_rating" not in keys


def test_the_same_token_submitted_twice_returns_the_first_reference(session, survey):
    token = submission.new_token()
    first = submission.submit(session, survey, "en", token, ANSWERS, {}, CONTENT)
    second = submission.submit(session, survey, "en", token, ANSWERS, {}, CONTENT)
    assert (first.duplicate, second.duplicate) == (False, True)
    assert first.reference == second.reference
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_submitting_to_a_closed_survey_is_refused(session, survey):
    session.scalars(select(Survey)).one().status = "closed"
    session.commit()
    with pytest.raises(reading.SurveyClosed):
        submission.submit(session, survey, "en", submission.new_token(), ANSWERS, {}, CONTENT)


def test_an_outcode_is_turned_into_its_locality_and_one_outside_the_area_into_none():
    assert submission.locality_for("S10", CONTENT) == "Sheffield"
    assert submission.locality_for("dn22", CONTENT) == "Bassetlaw"
    assert submission.locality_for("SW1A", CONTENT) is None
    assert submission.locality_for(None, CONTENT) is None


def test_equality_answers_cannot_be_joined_to_a_response_except_by_the_opaque_id(session, survey):
    assert {fk.column.table.name for fk in EqualityResponse.__table__.foreign_keys} == {"surveys"}
    assert {fk.column.table.name for fk in Response.__table__.foreign_keys} == {"surveys"}
    submission.submit(session, survey, "en", submission.new_token(), ANSWERS, {"religion": "sikh"}, CONTENT)
    stored = session.scalars(select(EqualityResponse)).one()
    response = session.scalars(select(Response)).one()
    assert stored.id == response.monitoring_id and len(stored.id) == 32 and stored.id != str(response.id)
    assert type(stored.submitted_on) is date  # a day, never a time
