"""Building surveys: the builder services on the real database, and the back-office pages over HTTP."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from alliance.accounts.models import AuditEvent
from alliance.surveys import answering, builder, locking, reading, seeding, submission
from alliance.surveys.models import QUESTION_KINDS, Question, Survey, SurveyLanguage, SurveyText
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client, submit
from tests.integration.surveys.conftest import CONTENT

Q = builder.QuestionInput
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def small_survey(session, slug="bowel-views") -> Survey:
    """Two pages: a yes/no question, then a long-text question asked only after "yes"."""
    survey = builder.create_survey(session, slug, "Your views on bowel screening")
    builder.edit_survey(
        session, survey.id, "Your views on bowel screening", "Intro.", "Privacy.", None, None, None
    )
    first, second = builder.add_page(session, survey.id), builder.add_page(session, survey.id)
    builder.add_question(session, survey.id, first.id, "yes_no", Q("Have you done the test?", required=True))
    builder.add_question(
        session, survey.id, second.id, "long_text", Q("What was it like?", show_if=["q1=yes"])
    )
    session.commit()
    return survey


def translate(session, survey_id, lang, prefix):
    values = {key: f"{prefix} {english}" for key, _, english in builder.translation_keys(session, survey_id)}
    builder.save_translation(session, survey_id, lang, values, reviewed=False)


def test_every_kind_of_question_can_be_made_and_read_back_as_the_public_sees_it(session):
    survey = builder.create_survey(session, "every-kind", "Every kind")
    page = builder.add_page(session, survey.id)
    for kind in QUESTION_KINDS:
        data = Q(f"A {kind} question", help="Some help")
        if kind in builder.OPTION_KINDS:
            data.options = "First\nSecond\nThird"
            data.other_label = "Something else" if kind != "ranking" else ""
        if kind == "rating":
            data.low_label, data.high_label = "Poor", "Good"
        if kind == "long_text":
            data.max_length = 500
        builder.add_question(session, survey.id, page.id, kind, data)
    session.commit()
    view = reading.preview_survey(session, survey.id, "en")
    by_kind = {q.kind: q for q in view.questions()}
    assert list(by_kind) == list(QUESTION_KINDS)
    assert [o.text for o in by_kind["multiple"].options] == ["First", "Second", "Third", "Something else"]
    assert by_kind["multiple"].options[-1].is_other
    assert [o.text for o in by_kind["ranking"].options] == ["First", "Second", "Third"]
    assert (by_kind["rating"].min_value, by_kind["rating"].max_value, by_kind["rating"].low_label) == (
        1,
        5,
        "Poor",
    )
    assert by_kind["long_text"].max_length == 500 and by_kind["short_text"].max_length == 200
    assert by_kind["date"].help == "Some help"


def test_a_condition_must_name_answers_of_a_choice_question_on_an_earlier_page(session):
    survey = small_survey(session)
    pages = survey.pages
    with pytest.raises(builder.BuilderError, match="earlier page"):
        builder.add_question(
            session, survey.id, pages[0].id, "short_text", Q("Same page", show_if=["q1=yes"])
        )
    session.rollback()
    with pytest.raises(builder.BuilderError, match="offers"):
        builder.add_question(
            session, survey.id, pages[1].id, "short_text", Q("Bad value", show_if=["q1=maybe"])
        )
    session.rollback()
    with pytest.raises(builder.BuilderError, match="earlier page"):
        builder.add_question(
            session, survey.id, pages[1].id, "short_text", Q("Not a choice", show_if=["q2=x"])
        )
    session.rollback()
    # Moving the dependent question above its source is refused too.
    dependent = session.scalar(select(Question).where(Question.key == "q2"))
    with pytest.raises(builder.BuilderError, match="answer given later"):
        builder.move_question(session, survey.id, dependent.id, -1)
    session.rollback()
    with pytest.raises(builder.BuilderError, match="depends"):
        builder.delete_question(
            session, survey.id, session.scalar(select(Question.id).where(Question.key == "q1"))
        )


def test_the_public_sees_a_conditional_question_only_after_the_answer_it_depends_on(session):
    survey = small_survey(session)
    view = reading.preview_survey(session, survey.id, "en")
    assert answering.visible_pages(view, {"q1": "no"}) == [1]
    assert answering.visible_pages(view, {"q1": "yes"}) == [1, 2]


def test_a_language_cannot_be_offered_until_every_text_is_translated(session):
    survey = small_survey(session)
    values = {"title": "سروے"}
    assert builder.save_translation(session, survey.id, "ur", values, reviewed=False)
    with pytest.raises(builder.BuilderError, match="not complete"):
        builder.offer(session, survey.id, "ur")
    session.rollback()
    translate(session, survey.id, "ur", "اردو")
    builder.offer(session, survey.id, "ur")
    session.commit()
    assert "ur" in reading.offered_languages(session, survey.id)
    with pytest.raises(builder.BuilderError, match="offered"):
        builder.save_translation(session, survey.id, "ur", {"title": ""}, reviewed=False)


def test_questions_lock_after_the_first_response_and_a_new_version_copies_everything(session):
    survey = small_survey(session)
    translate(session, survey.id, "pl", "PL")
    builder.offer(session, survey.id, "pl")
    builder.open_survey(session, survey.id, NOW)
    session.commit()
    submission.submit(session, survey.slug, "en", submission.new_token(), {"q1": "no"}, {}, CONTENT)
    q1 = session.scalar(select(Question.id).where(Question.survey_id == survey.id, Question.key == "q1"))
    with pytest.raises(builder.BuilderError, match="Make a new version"):
        builder.edit_question(session, survey.id, q1, Q("Changed"))
    session.rollback()
    with pytest.raises(builder.BuilderError, match="Make a new version"):
        builder.add_page(session, survey.id)
    session.rollback()

    copy = builder.new_version(session, survey.id)
    session.commit()
    assert (copy.slug, copy.version, copy.status, copy.based_on_id) == (survey.slug, 2, "draft", survey.id)
    original = builder.export_record(session, survey.id)
    copied = builder.export_record(session, copy.id)
    assert {**copied, "status": "open"} == original
    # The draft does not show publicly: the public still answers version 1.
    assert reading.load_survey(session, survey.slug, "en").version == 1
    builder.edit_question(
        session,
        copy.id,
        session.scalar(select(Question.id).where(Question.survey_id == copy.id, Question.key == "q1")),
        Q("Have you done the bowel screening test?", required=True),
    )
    builder.open_survey(session, copy.id, NOW)
    session.commit()
    session.refresh(survey)
    assert survey.status == "closed" and survey.closed_at is not None
    public = reading.load_survey(session, survey.slug, "en")
    assert (public.id, public.version) == (copy.id, 2)
    assert public.questions()[0].text == "Have you done the bowel screening test?"
    assert [s.id for s in reading.open_surveys(session, "en")] == [copy.id]
    sent = submission.submit(session, survey.slug, "pl", submission.new_token(), {"q1": "yes"}, {}, CONTENT)
    assert not sent.duplicate
    counts = {sid: locking.response_count(session, sid) for sid in (survey.id, copy.id)}
    assert counts == {survey.id: 1, copy.id: 1}


def test_a_duplicate_is_a_new_draft_survey_with_its_own_slug_and_title(session):
    survey = small_survey(session)
    translate(session, survey.id, "ro", "RO")
    builder.offer(session, survey.id, "ro")
    copy = builder.duplicate(session, survey.id, "bowel-views-2027", "Bowel screening 2027")
    session.commit()
    assert (copy.version, copy.status, copy.based_on_id) == (1, "draft", survey.id)
    assert builder.texts(session, copy.id, "en")["title"] == "Bowel screening 2027"
    assert builder.texts(session, copy.id, "en")["q.q2.text"] == "What was it like?"
    assert locking.missing_translations(session, copy.id, "ro") == ["title"]
    assert not session.scalar(
        select(SurveyLanguage.offered).where(SurveyLanguage.survey_id == copy.id, SurveyLanguage.lang == "ro")
    )
    with pytest.raises(builder.BuilderError, match="already exists"):
        builder.duplicate(session, survey.id, "bowel-views-2027", "Again")


def test_closing_by_hand_records_when(session):
    survey = small_survey(session)
    builder.open_survey(session, survey.id, NOW)
    builder.close_survey(session, survey.id, NOW)
    assert (survey.status, reading._aware(survey.closed_at)) == ("closed", NOW)


def test_seeding_still_loads_and_the_seeded_survey_can_be_copied(session):
    seeding.seed_surveys(session, CONTENT)
    seeded = session.scalars(select(Survey)).one()
    copy = builder.new_version(session, seeded.id)
    session.commit()
    assert (
        builder.export_record(session, copy.id)["pages"] == builder.export_record(session, seeded.id)["pages"]
    )
    # The staff's new version is the survey's newest: seeding again keeps it, never replaces it.
    assert seeding.seed_surveys(session, CONTENT) == (0, "1 kept")
    assert session.scalars(select(Survey.id).order_by(Survey.version.desc())).first() == copy.id


# The back-office pages --------------------------------------------------------------------------------


@pytest.fixture
def lead(app, session):
    return signed_in_client(app, make_staff(session, roles="engagement_lead", email="lead@example.nhs.uk"))


def test_staff_without_surveys_manage_cannot_reach_the_builder(app, session):
    editor = signed_in_client(app, make_staff(session, roles="editor", email="ed@example.nhs.uk"))
    assert editor.get("/backoffice/surveys").status_code == 403
    survey = small_survey(session)
    assert editor.get(f"/backoffice/surveys/{survey.id}/preview/en").status_code == 403


def test_a_lead_creates_a_survey_and_a_bad_slug_keeps_what_was_typed(lead, session):
    response = submit(lead, "/backoffice/surveys", {"slug": "Not OK!", "title": "Typed title"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "lower-case letters" in html and 'value="Typed title"' in html
    response = submit(lead, "/backoffice/surveys", {"slug": "screening-views", "title": "Screening views"})
    assert response.status_code == 302
    survey = session.scalar(select(Survey).where(Survey.slug == "screening-views"))
    assert survey.status == "draft"
    listing = lead.get("/backoffice/surveys").get_data(as_text=True)
    assert "Screening views" in listing and "screening-views" in listing
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "survey.create")
        )
        == 1
    )


def test_a_lead_builds_pages_and_questions_through_the_forms(lead, session):
    survey = builder.create_survey(session, "forms-survey", "Forms survey")
    session.commit()
    base = f"/backoffice/surveys/{survey.id}"
    overview = lead.get(base).get_data(as_text=True)
    assert lead.post(f"{base}/pages", data={"csrf_token": csrf_token(overview)}).status_code == 302
    assert lead.post(f"{base}/pages", data={"csrf_token": csrf_token(overview)}).status_code == 302
    session.expire_all()
    first, second = [p.id for p in session.get(Survey, survey.id).pages]
    url = f"{base}/pages/{first}/questions/new?kind=single"
    bad = submit(lead, url, {"text": "Who are you?", "options": "Only one"})
    assert bad.status_code == 400 and "at least 2 options" in bad.get_data(as_text=True)
    assert "Only one" in bad.get_data(as_text=True)
    ok = submit(lead, url, {"text": "Who are you?", "options": "A patient\nA carer", "required": "yes"})
    assert ok.status_code == 302
    url = f"{base}/pages/{second}/questions/new?kind=short_text"
    page = lead.get(url).get_data(as_text=True)
    assert "‘Who are you?’ is ‘A carer’" in page
    ok = submit(lead, url, {"text": "What do you care for?", "show_if": ["q1=o2"], "required": "no"})
    assert ok.status_code == 302
    question = session.scalar(select(Question).where(Question.survey_id == survey.id, Question.key == "q2"))
    assert (question.show_if_key, json.loads(question.show_if_values)) == ("q1", ["o2"])
    edit = submit(lead, f"{base}/questions/{question.id}", {"text": "", "required": "no"})
    assert edit.status_code == 400 and "Enter the question" in edit.get_data(as_text=True)
    html = lead.get(base).get_data(as_text=True)
    assert "What do you care for?" in html and "Make a new version" in html


def test_the_preview_walks_the_public_pages_in_urdu_and_saves_nothing(lead, session):
    survey = small_survey(session)
    translate(session, survey.id, "ur", "اردو")
    session.commit()
    base = f"/backoffice/surveys/{survey.id}/preview/ur"
    start = lead.get(base).get_data(as_text=True)
    assert 'lang="ur"' in start and 'dir="rtl"' in start and "Preview: answers are not saved" in start
    assert "اردو Your views on bowel screening" in start
    first = lead.get(f"{base}?step=1").get_data(as_text=True)
    response = lead.post(f"{base}?step=1", data={"csrf_token": csrf_token(first), "q1": "yes"})
    assert response.status_code == 303 and "step=2" in response.location
    second = lead.get(f"{base}?step=2").get_data(as_text=True)
    assert "اردو What was it like?" in second
    assert "/ur/surveys/" not in second.split("<main", 1)[1].split("</main>")[0]
    lead.post(f"{base}?step=2", data={"csrf_token": csrf_token(second), "q2": "Fine"})
    check = lead.get(f"{base}?step=check").get_data(as_text=True)
    assert "Fine" in check and f"/backoffice/surveys/{survey.id}/preview/ur" in check
    done = lead.post(f"{base}?step=check", data={"csrf_token": csrf_token(check), "token": "preview"})
    assert done.status_code == 303
    assert locking.response_count(session, survey.id) == 0


def test_opening_from_the_back_office_is_refused_while_english_is_incomplete(lead, session):
    survey = builder.create_survey(session, "empty-survey", "Empty")
    session.commit()
    html = lead.get(f"/backoffice/surveys/{survey.id}").get_data(as_text=True)
    response = lead.post(
        f"/backoffice/surveys/{survey.id}/open", data={"csrf_token": csrf_token(html)}, follow_redirects=True
    )
    assert "Before offering the survey in English" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Survey, survey.id).status == "draft"
    assert (
        session.scalar(select(func.count()).select_from(SurveyText).where(SurveyText.survey_id == survey.id))
        == 1
    )


@pytest.mark.parametrize("field", ["opens_on", "closes_on"])
def test_a_two_digit_year_in_a_surveys_open_or_close_date_is_refused_and_nothing_changes(
    lead, session, field
):
    survey = small_survey(session)
    url = f"/backoffice/surveys/{survey.id}/edit"
    response = submit(
        lead,
        url,
        {
            "title": "Your views on bowel screening",
            "introduction": "Intro.",
            "privacy_notice": "Privacy.",
            f"{field}[day]": "1",
            f"{field}[month]": "3",
            f"{field}[year]": "27",
        },
    )
    assert response.status_code in (200, 400)
    assert "Enter the year as four digits, like 2026" in response.get_data(as_text=True)
    session.expire_all()
    stored = session.get(Survey, survey.id)
    assert stored.opens_at is None and stored.closes_at is None
