"""'You said, we did' on SQLite and PostgreSQL: publishing only once a survey has closed, quoting only
approved answers, each language falling back to English with a notice, and the back-office page."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.pages import services as page_services
from alliance.surveys import feedback
from alliance.surveys.models import (
    Answer,
    AnswerReview,
    Feedback,
    FeedbackQuote,
    Question,
    Response,
    Survey,
)
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client
from tests.integration.surveys.conftest import csrf_from

CONTENT = Path(__file__).resolve().parents[3] / "content"
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def add_answer(session, survey_id: int, text: str, lang: str, status: str, shown: str | None = None) -> int:
    """A response with one free-text answer and the moderator's decision on it; returns the answer id."""
    question = session.scalars(select(Question).order_by(Question.id)).first()  # any will do
    number = session.query(Response).count() + 1
    response = Response(
        survey_id=survey_id, survey_version=1, reference=f"REF{number:05d}", token=f"t{number}", lang=lang
    )
    response.answers.append(Answer(question_id=question.id, value=text))
    session.add(response)
    session.flush()
    answer_id = response.answers[0].id
    session.add(AnswerReview(answer_id=answer_id, survey_id=survey_id, status=status, text=shown))
    session.commit()
    return answer_id


@pytest.fixture
def closed(survey, session):
    row = session.scalar(select(Survey).where(Survey.slug == survey))
    row.status, row.closed_at = "closed", datetime(2026, 10, 1, tzinfo=UTC)
    session.commit()
    return row.id


def write_english(session, survey_id):
    feedback.save(
        session, survey_id, "en", "You said waiting was hard.\n\nAnd parking.", "We will add clinics."
    )
    session.commit()


def test_feedback_cannot_be_published_while_the_survey_is_open(session, survey):
    survey_id = session.scalar(select(Survey.id).where(Survey.slug == survey))
    write_english(session, survey_id)
    with pytest.raises(feedback.FeedbackError, match="closed"):
        feedback.publish(session, survey_id, NOW)
    session.rollback()
    assert feedback.public_page(session, survey, "en") is None


def test_feedback_needs_its_english_text_before_it_is_published(session, closed):
    feedback.save(session, closed, "ur", "آپ نے کہا", "ہم کریں گے")
    with pytest.raises(feedback.FeedbackError, match="English"):
        feedback.publish(session, closed, NOW)


def test_a_survey_past_its_closing_time_can_have_its_feedback_published(session, survey):
    row = session.scalar(select(Survey).where(Survey.slug == survey))
    row.closes_at = datetime(2026, 10, 1, tzinfo=UTC)
    session.commit()
    write_english(session, row.id)
    assert feedback.publish(session, row.id, NOW) == ["en"]


def test_only_approved_answers_from_this_survey_and_its_other_versions_can_be_quoted(session, closed, survey):
    approved = add_answer(session, closed, "as typed", "en", "approved", "Waiting [redacted] was hard")
    pending = add_answer(session, closed, "pending one", "en", "pending")
    rejected = add_answer(session, closed, "rejected one", "en", "rejected", "no")
    newer = Survey(slug=survey, version=2, status="closed", closed_at=datetime(2026, 10, 2, tzinfo=UTC))
    other = Survey(slug="another-survey", version=1, status="closed")
    session.add_all([newer, other])
    session.commit()
    in_newer = add_answer(session, newer.id, "مجھے ترجمان نہیں ملا", "ur", "approved", "مجھے ترجمان نہیں ملا")
    elsewhere = add_answer(session, other.id, "other survey", "en", "approved", "other survey")
    candidates = feedback.candidate_quotes(session, closed)
    assert [(c.answer_id, c.text, c.lang) for c in candidates] == [
        (approved, "Waiting [redacted] was hard", "en"),
        (in_newer, "مجھے ترجمان نہیں ملا", "ur"),
    ]
    for refused in (pending, rejected, elsewhere, 999999):
        with pytest.raises(feedback.FeedbackError):
            feedback.choose_quotes(session, closed, [approved, refused])
        session.rollback()
    assert feedback.choose_quotes(session, closed, [in_newer, approved]) == 2
    session.commit()
    rows = session.execute(
        select(FeedbackQuote.answer_id, FeedbackQuote.position).order_by(FeedbackQuote.position)
    )
    assert list(rows) == [(in_newer, 1), (approved, 2)]


def publish_with_quotes(session, survey_id):
    english = add_answer(session, survey_id, "typed", "en", "approved", "The nurses were [redacted] kind")
    urdu = add_answer(session, survey_id, "typed", "ur", "approved", "مجھے ترجمان نہیں ملا")
    write_english(session, survey_id)
    feedback.choose_quotes(session, survey_id, [english, urdu])
    feedback.publish(session, survey_id, NOW)
    session.commit()


def test_the_english_page_shows_what_was_heard_what_we_will_do_and_the_quotes_as_moderated(
    client, session, closed, survey
):
    publish_with_quotes(session, closed)
    html = client.get(f"/en/surveys/{survey}/you-said-we-did").get_data(as_text=True)
    assert "You said waiting was hard." in html and "<p>And parking.</p>" in html
    assert "We will add clinics." in html
    assert "The nurses were [redacted] kind" in html and "typed" not in html
    assert '<blockquote class="app-feedback-quote" lang="ur" dir="rtl">' in html
    assert '<blockquote class="app-feedback-quote" lang="en" dir="ltr">' in html
    assert "is not available in" not in html


def test_a_language_without_its_own_text_shows_the_english_with_a_notice(client, session, closed, survey):
    publish_with_quotes(session, closed)
    response = client.get(f"/ur/surveys/{survey}/you-said-we-did")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="ur" dir="rtl"' in html
    assert "You said waiting was hard." in html
    assert 'lang="en" dir="ltr" class="app-feedback-text"' in html
    assert "app-feedback-text" in html and "inset" in html  # the notice


def test_a_language_with_its_text_filled_in_is_published_in_that_language(client, session, closed, survey):
    publish_with_quotes(session, closed)
    feedback.save(session, closed, "ur", "آپ نے کہا کہ انتظار مشکل تھا", "")  # half done: not yet shown
    session.commit()
    assert "You said waiting was hard." in client.get(f"/ur/surveys/{survey}/you-said-we-did").get_data(
        as_text=True
    )
    feedback.save(session, closed, "ur", "آپ نے کہا کہ انتظار مشکل تھا", "ہم مزید کلینک کھولیں گے")
    session.commit()
    html = client.get(f"/ur/surveys/{survey}/you-said-we-did").get_data(as_text=True)
    assert "آپ نے کہا کہ انتظار مشکل تھا" in html and "You said waiting was hard." not in html
    assert 'lang="ur" dir="rtl" class="app-feedback-text"' in html
    # Polish has no text: the English stands in.
    assert "You said waiting was hard." in client.get(f"/pl/surveys/{survey}/you-said-we-did").get_data(
        as_text=True
    )


def test_the_english_text_cannot_be_emptied_while_published(session, closed):
    publish_with_quotes(session, closed)
    with pytest.raises(feedback.FeedbackError, match="unpublish"):
        feedback.save(session, closed, "en", "", "")


def test_unpublished_or_unknown_feedback_is_not_found(client, session, closed, survey):
    assert client.get(f"/en/surveys/{survey}/you-said-we-did").status_code == 404
    publish_with_quotes(session, closed)
    assert client.get(f"/en/surveys/{survey}/you-said-we-did").status_code == 200
    feedback.unpublish(session, closed)
    session.commit()
    assert client.get(f"/en/surveys/{survey}/you-said-we-did").status_code == 404
    assert client.get("/en/surveys/no-such-survey/you-said-we-did").status_code == 404


def test_the_index_and_the_surveys_page_lead_to_published_feedback(client, session, closed, survey):
    empty = client.get("/en/surveys/you-said-we-did").get_data(as_text=True)
    assert "Nothing has been published yet" in empty
    publish_with_quotes(session, closed)
    html = client.get("/en/surveys/you-said-we-did").get_data(as_text=True)
    assert f'href="/en/surveys/{survey}/you-said-we-did"' in html
    assert "Have your say on cancer care" in html
    assert 'href="/en/surveys/you-said-we-did"' in client.get("/en/surveys/").get_data(as_text=True)
    urdu = client.get("/ur/surveys/you-said-we-did").get_data(as_text=True)
    assert 'lang="en" dir="ltr">Have your say on cancer care' in urdu  # no Urdu text yet: the English title


def test_the_get_involved_page_lists_published_feedback(app, client, session, closed, survey, content_dir):
    shutil.copytree(CONTENT / "pages" / "get-involved", content_dir / "pages" / "get-involved")
    page_services.seed_pages(session, content_dir)
    assert "you-said-we-did" not in client.get("/en/get-involved").get_data(as_text=True)
    publish_with_quotes(session, closed)
    html = client.get("/en/get-involved").get_data(as_text=True)
    assert f'href="/en/surveys/{survey}/you-said-we-did"' in html
    assert "What we did after our surveys" in html


# The back-office page --------------------------------------------------------------------------------


@pytest.fixture
def lead(app, session):
    return signed_in_client(app, make_staff(session, roles="engagement_lead", email="lead@example.nhs.uk"))


def post_feedback(client, survey_id, data):
    url = f"/backoffice/surveys/{survey_id}/feedback"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_the_lead_writes_chooses_quotes_and_publishes_and_every_change_is_audited(
    lead, session, closed, survey
):
    approved = add_answer(session, closed, "typed", "en", "approved", "Kind nurses")
    page = lead.get(f"/backoffice/surveys/{closed}/feedback").get_data(as_text=True)
    assert "Kind nurses" in page and 'name="heard_ur"' in page and 'lang="ur"' in page
    saved = post_feedback(
        lead,
        closed,
        {"heard_en": "Heard", "doing_en": "Doing", "quotes": [str(approved)], "action": "save"},
    )
    assert saved.status_code == 303
    assert feedback.public_page(session, survey, "en") is None  # saved, not published
    published = post_feedback(
        lead,
        closed,
        {"heard_en": "Heard", "doing_en": "Doing", "quotes": [str(approved)], "action": "publish"},
    )
    assert published.status_code == 303
    session.expire_all()
    shown = feedback.public_page(session, survey, "en")
    assert shown.heard == ["Heard"] and [q.text for q in shown.quotes] == ["Kind nurses"]
    after = lead.get(f"/backoffice/surveys/{closed}/feedback").get_data(as_text=True)
    assert f'href="/en/surveys/{survey}/you-said-we-did"' in after
    post_feedback(lead, closed, {"action": "unpublish"})
    session.expire_all()
    assert feedback.public_page(session, survey, "en") is None
    actions = [(e.action, e.target) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [
        ("surveys.feedback.save", survey),
        ("surveys.feedback.publish", survey),
        ("surveys.feedback.unpublish", survey),
    ]
    detail = json.loads(session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first().detail)
    assert detail == {"changed": ["en", "quotes"]}


def test_publishing_an_open_survey_or_quoting_an_unapproved_answer_is_refused_with_the_text_kept(
    lead, session, survey
):
    survey_id = session.scalar(select(Survey.id).where(Survey.slug == survey))
    pending = add_answer(session, survey_id, "typed", "en", "pending")
    refused = post_feedback(lead, survey_id, {"heard_en": "Kept text", "doing_en": "D", "action": "publish"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "once the survey has closed" in html and "Kept text" in html
    bad_quote = post_feedback(lead, survey_id, {"heard_en": "H", "doing_en": "D", "quotes": [str(pending)]})
    assert (
        bad_quote.status_code == 400 and "only approved answers" in bad_quote.get_data(as_text=True).lower()
    )
    session.expire_all()
    assert session.scalars(select(Feedback)).all() == []


def test_staff_without_survey_permission_cannot_reach_the_feedback_page(app, session, closed):
    moderator = signed_in_client(app, make_staff(session, roles="moderator", email="mod@example.nhs.uk"))
    assert moderator.get(f"/backoffice/surveys/{closed}/feedback").status_code == 403
