"""The dashboard says what waits for each person, with counts, and only what their roles can act on."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.directory import models as directory_models
from alliance.directory.seed import seed_directory
from alliance.outbox import enqueue
from alliance.surveys.models import Answer, AnswerReview
from tests.factories import make_staff
from tests.integration.backoffice.conftest import send_mail, signed_in_client
from tests.integration.backoffice.test_content_workflow import act, edit_fields, latest
from tests.integration.surveys.conftest import CONTENT, survey  # noqa: F401
from tests.integration.surveys.test_moderation import send, survey_id

KINDS = ("returned", "pages", "translations", "moderation", "directory", "mail")


def waiting(client) -> dict[str, int]:
    """The dashboard's counts by kind, read from its page."""
    html = client.get("/backoffice/").get_data(as_text=True)
    found = {}
    for key in KINDS:
        match = re.search(rf'id="waiting-{key}".*?class="app-waiting__count">(\d+)<', html, flags=re.S)
        if match:
            found[key] = int(match.group(1))
    return found


def kind_html(client, key: str) -> str:
    html = client.get("/backoffice/").get_data(as_text=True)
    return re.search(
        rf'<li class="app-waiting__kind" id="waiting-{key}">(.*?)</li>\s*(?:<li class="app|</ul>)',
        html,
        flags=re.S,
    ).group(1)


@pytest.fixture
def people(app, session, seeded):
    editor = make_staff(session, roles="editor", email="editor@example.nhs.uk")
    publisher = make_staff(session, roles="publisher", email="publisher@example.nhs.uk")
    return signed_in_client(app, editor), signed_in_client(app, publisher)


def save_and_submit(editor, session, lang="en", body="Screening checks for blood in your poo. New words."):
    assert (
        editor.post(
            f"/backoffice/content/example/{lang}/edit", data=edit_fields(editor, "example", lang, body=body)
        ).status_code
        == 302
    )
    revision = latest(session, lang)
    act(editor, "example", lang, revision.id, "submit")
    return latest(session, lang)


def test_an_editor_sees_only_what_was_sent_back_to_them_and_a_publisher_sees_pages_and_translations_in_review(
    people, session
):
    editor, publisher = people
    assert waiting(editor) == {"returned": 0}
    assert waiting(publisher) == {"returned": 0, "pages": 0, "translations": 0}

    english = save_and_submit(editor, session)
    save_and_submit(editor, session, "ur", body="یہ ایک مثال ہے۔")
    assert english.status == "in_review"
    assert waiting(publisher) == {"returned": 0, "pages": 1, "translations": 1}
    assert "Example screening</a> (English)" in kind_html(publisher, "pages")
    assert "(Urdu (اردو))" in kind_html(publisher, "translations")

    # The publisher sends the English page back with a note: it leaves their queue and reaches the editor.
    response = act(
        publisher, "example", "en", english.id, "send-back", note="Say who is invited & at what age."
    )
    assert response.status_code == 302
    assert waiting(publisher)["pages"] == 0
    assert waiting(editor) == {"returned": 1}
    returned = kind_html(editor, "returned")
    assert (
        "/backoffice/content/example/en" in returned and "Say who is invited &amp; at what age." in returned
    )
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "content.send-back")).one()
    assert event.actor_email == "publisher@example.nhs.uk" and event.target == "example/en"

    # Another editor does not see it; a new draft from the author clears it.
    other = make_staff(session, roles="editor", email="other.editor@example.nhs.uk")
    assert waiting(signed_in_client(editor.application, other)) == {"returned": 0}
    assert (
        editor.post(
            "/backoffice/content/example/en/edit",
            data=edit_fields(editor, "example", "en", body="Better words."),
        ).status_code
        == 302
    )
    assert waiting(editor) == {"returned": 0}


def test_a_revision_is_sent_back_only_from_review_with_a_note_and_only_by_a_publisher(people, session):
    editor, publisher = people
    revision = save_and_submit(editor, session)
    assert act(editor, "example", "en", revision.id, "send-back", note="No").status_code == 403
    act(publisher, "example", "en", revision.id, "send-back", note="   ")
    assert latest(session).status == "in_review"
    page = publisher.get("/backoffice/content/example/en").get_data(as_text=True)
    assert "Say what the author should change" in page
    act(publisher, "example", "en", revision.id, "send-back", note="x" * 2001)
    assert latest(session).status == "in_review"
    act(publisher, "example", "en", revision.id, "send-back", note="Shorter sentences, please.")
    assert (
        latest(session).status == "returned" and latest(session).review_note == "Shorter sentences, please."
    )
    act(publisher, "example", "en", revision.id, "send-back", note="Again")
    assert latest(session).review_note == "Shorter sentences, please."
    # The author can send it for review again as it is.
    act(editor, "example", "en", revision.id, "submit")
    assert latest(session).status == "in_review"


def test_a_moderator_sees_pending_answers_with_the_urgent_ones_counted(app, session, survey):  # noqa: F811
    texts = ["The nurses were kind.", "Parking was hard.", "I am scared and nobody is helping me at home."]
    for text in texts:
        send(session, survey, tell_us_more=text)
    session.commit()
    the_survey = survey_id(session, survey)
    answers = session.scalars(select(Answer.id).where(Answer.value.in_(texts)).order_by(Answer.id)).all()
    states = [("pending", False), ("approved", False), ("pending", True)]
    for answer, (status, urgent) in zip(answers, states, strict=True):
        review = session.get(AnswerReview, answer) or AnswerReview(answer_id=answer, survey_id=the_survey)
        review.status, review.urgent = status, urgent
        session.add(review)
    session.commit()
    pending = session.query(AnswerReview).filter(AnswerReview.status == "pending").count()
    moderator = signed_in_client(app, make_staff(session, roles="moderator", email="mod@example.nhs.uk"))
    assert waiting(moderator) == {"moderation": pending}
    assert pending == 2
    assert "1 urgent" in kind_html(moderator, "moderation")
    lead = signed_in_client(app, make_staff(session, roles="engagement_lead", email="lead@example.nhs.uk"))
    assert waiting(lead) == {}


def test_a_directory_manager_sees_open_problem_reports(app, session):
    with app.app_context():
        seed_directory(session, CONTENT)
    service = session.scalars(
        select(directory_models.Service).order_by(directory_models.Service.name)
    ).first()
    session.add_all(
        [
            directory_models.ProblemReport(service_id=service.id, problem="phone"),
            directory_models.ProblemReport(service_id=service.id, problem="closed"),
            directory_models.ProblemReport(service_id=service.id, problem="other", status="resolved"),
        ]
    )
    session.commit()
    manager = signed_in_client(app, make_staff(session, roles="directory_manager", email="dm@example.nhs.uk"))
    assert waiting(manager) == {"directory": 2}
    assert 'href="/backoffice/directory/problems"' in kind_html(manager, "directory")


def test_an_administrator_sees_every_kind_including_mail_that_failed(app, session, seeded, smtp_server):
    enqueue(session, to="someone@example.nhs.uk", subject="Monthly report", body="Text", kind="report")
    session.commit()
    admin = signed_in_client(app, make_staff(session, roles="administrator", email="admin@example.nhs.uk"))
    assert waiting(admin)["mail"] == 0
    assert "to retry 1" in send_mail(app)
    counts = waiting(admin)
    assert set(counts) == set(KINDS) and counts["mail"] == 1
    assert 'href="/backoffice/mail"' in kind_html(admin, "mail")
