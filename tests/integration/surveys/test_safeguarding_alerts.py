"""Safeguarding at once: a response is reviewed and flagged when it is submitted, in its own transaction;
a possible concern emails the safeguarding contacts through the outbox with a link and no answer text;
opening a moderation page never writes."""

import pytest
from sqlalchemy import event, func, select

from alliance.accounts.models import AuditEvent
from alliance.outbox.models import OutboxMessage
from alliance.surveys.models import Answer, AnswerReview, Survey
from tests.factories import make_staff
from tests.integration.backoffice.conftest import send_mail, signed_in_client
from tests.integration.surveys.conftest import ENGLISH_ANSWERS, SLUG, answer_all, send

CONCERN = "I want to end it. Nobody is helping me at home."
CONTACTS = ["safeguarding.lead@example.nhs.uk", "deputy.lead@example.nhs.uk"]


def pages_with(one_change: str):
    return [*ENGLISH_ANSWERS[:-1], (7, {**ENGLISH_ANSWERS[-1][1], "one_change": one_change})]


@pytest.fixture
def contacts(app):
    old = app.config["SAFEGUARDING_CONTACTS"]
    app.config["SAFEGUARDING_CONTACTS"] = CONTACTS
    yield CONTACTS
    app.config["SAFEGUARDING_CONTACTS"] = old


def answer(client, one_change: str) -> None:
    html = answer_all(client, "en", SLUG, pages=pages_with(one_change))
    assert send(client, "en", SLUG, html).status_code == 303


def test_submitting_a_concern_stores_its_urgent_review_and_queues_an_alert_per_contact(
    client, session, survey, contacts
):
    answer(client, CONCERN)
    answer_id = session.scalar(select(Answer.id).where(Answer.value == CONCERN))
    review = session.get(AnswerReview, answer_id)
    assert review.status == "pending" and review.urgent
    assert "safeguarding:self_harm" in review.flags and "safeguarding:distress" in review.flags
    messages = session.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address)).all()
    assert sorted(message.to_address for message in messages) == sorted(CONTACTS)
    assert {message.kind for message in messages} == {"safeguarding-alert"}
    assert all("end it" not in message.body and "Nobody" not in message.body for message in messages)


def test_an_answer_without_a_concern_is_reviewed_and_alerts_nobody(client, session, survey, contacts):
    answer(client, "Evening appointments please")
    assert session.scalar(select(func.count()).select_from(AnswerReview)) == 3  # tell_us_more, other, this
    assert not session.scalar(select(func.count()).where(AnswerReview.urgent))
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_alert_arrives_by_smtp_with_a_link_to_the_answer_and_none_of_its_text(
    app, client, session, survey, contacts, smtp
):
    answer(client, CONCERN)
    send_mail(app)
    assert len(smtp.messages) == 2
    survey_id = session.scalar(select(Survey.id).where(Survey.slug == SLUG))
    answer_id = session.scalar(select(Answer.id).where(Answer.value == CONCERN))
    link = f"{app.config['SITE_URL'].rstrip('/')}/backoffice/moderation/{survey_id}/answers/{answer_id}"
    for index in range(2):
        body = smtp.body(index)
        assert link in body
        assert "Possible risk of suicide or self-harm" in body
        assert "end it" not in body and "helping me" not in body and "Evening" not in body
    assert sorted(message.rcpt_tos[0] for message in smtp.messages) == sorted(CONTACTS)


def test_without_contacts_configured_the_answer_is_still_flagged_and_no_mail_is_queued(
    app, client, session, survey
):
    assert app.config["SAFEGUARDING_CONTACTS"] == []
    answer(client, CONCERN)
    assert session.scalar(select(func.count()).where(AnswerReview.urgent)) == 1
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_opening_the_moderation_pages_writes_nothing(app, client, session, survey, contacts):
    answer(client, CONCERN)
    answer(client, "Evening appointments please")
    moderator = signed_in_client(app, make_staff(session, roles="moderator", email="mod@example.nhs.uk"))
    survey_id = session.scalar(select(Survey.id).where(Survey.slug == SLUG))
    answer_id = session.scalar(select(Answer.id).where(Answer.value == CONCERN))
    reviews = session.scalar(select(func.count()).select_from(AnswerReview))
    audit = session.scalar(select(func.count()).select_from(AuditEvent))
    commits = []
    engine = app.extensions["db"]["engine"]
    listener = lambda connection: commits.append(connection)  # noqa: E731
    event.listen(engine, "commit", listener)
    try:
        for url in (
            "/backoffice/moderation",
            f"/backoffice/moderation/{survey_id}",
            f"/backoffice/moderation/{survey_id}?status=approved",
            f"/backoffice/moderation/{survey_id}/answers/{answer_id}",
        ):
            response = moderator.get(url)
            assert response.status_code == 200, url
    finally:
        event.remove(engine, "commit", listener)
    assert commits == []
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AnswerReview)) == reviews
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == audit


def test_upgrading_gives_each_answer_stored_before_reviews_were_made_at_submission_its_review(
    app, client, session, survey
):
    from sqlalchemy import delete

    from alliance.extensions import db

    answer(client, CONCERN)
    before = session.scalar(select(func.count()).select_from(AnswerReview))
    session.execute(delete(AnswerReview))
    session.commit()
    with app.app_context():
        history = db.history()  # newest first
        backfill = next(
            i for i, item in enumerate(history) if item["title"].startswith("Every answer stored")
        )
        db.downgrade(history[backfill + 1]["revision"])
        db.upgrade()
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AnswerReview)) == before == 3
    answer_id = session.scalar(select(Answer.id).where(Answer.value == CONCERN))
    assert session.get(AnswerReview, answer_id).urgent
