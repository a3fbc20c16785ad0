"""Moderation of free-text answers: the queue, decisions, redaction, themes, audit and permissions."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from alliance.accounts.models import AuditEvent
from alliance.surveys import decisions, moderation_terms, review_queue, submission, theming
from alliance.surveys.models import Answer, AnswerReview, Survey
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client
from tests.integration.surveys.conftest import CONTENT, csrf_from

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PHONE_ANSWER = "The nurses were kind. Ring me on 07700 900123 if you want to know more."
URGENT_ANSWER = "I had an urgent referral three weeks ago and nobody has called me back."


def send(session, slug, lang="en", tell_us_more="", one_change="", other="", minutes=0):
    answers = {"connection": "public", "barriers": ["transport"]}
    if other:
        answers["barriers"] = ["transport", "other"]
        answers["barriers.other"] = other
    if tell_us_more:
        answers["tell_us_more"] = tell_us_more
    if one_change:
        answers["one_change"] = one_change
    submission.submit(
        session,
        slug,
        lang,
        submission.new_token(),
        answers,
        {},
        CONTENT,
        now=START + timedelta(minutes=minutes),
    )


def survey_id(session, slug):
    return session.scalar(select(Survey.id).where(Survey.slug == slug))


def answer_id(session, text):
    return session.scalar(select(Answer.id).where(Answer.value == text))


@pytest.fixture
def answered(session, survey):
    """Three responses: a phone number (oldest), an "other" text, and an urgent one (newest)."""
    send(session, survey, tell_us_more=PHONE_ANSWER, minutes=0)
    send(session, survey, other="The bus does not go there", minutes=5)
    send(session, survey, one_change=URGENT_ANSWER, minutes=10)
    return survey_id(session, survey)


@pytest.fixture
def moderator(app, session):
    user = make_staff(session, roles="moderator", email="moderator@example.nhs.uk")
    return user, signed_in_client(app, user)


def test_submitting_adds_one_pending_review_per_free_text_answer_and_syncing_finds_none_left(
    session, answered
):
    assert review_queue.sync_queue(session, answered) == 0
    reviews = session.scalars(select(AnswerReview)).all()
    assert len(reviews) == 3 and {review.status for review in reviews} == {"pending"}
    # Choice answers without text are not free text: only three of the many answer rows are queued.
    assert session.scalar(select(func.count()).select_from(Answer)) > 3


def test_the_queue_puts_urgent_answers_first_then_the_oldest(session, answered):
    items = review_queue.queue(session, answered)
    assert [item.text for item in items] == [URGENT_ANSWER, PHONE_ANSWER, "The bus does not go there"]
    assert items[0].urgent and items[0].concerns == ["urgent_referral_delay"]
    assert items[1].personal_data == ["phone"] and not items[1].urgent


def test_approving_publishes_the_answer_as_typed(session, answered):
    staff = make_staff(session, roles="moderator")
    target = answer_id(session, "The bus does not go there")
    decided = decisions.decide(session, answered, target, "approve", staff.id)
    session.commit()
    review = session.get(AnswerReview, target)
    assert (decided.status, review.text, review.decided_by) == (
        "approved",
        "The bus does not go there",
        staff.id,
    )
    assert review.decided_at is not None


def test_redacting_a_chosen_span_replaces_it_and_rejecting_publishes_nothing(session, answered):
    phone = answer_id(session, PHONE_ANSWER)
    decided = decisions.decide(session, answered, phone, "redact", None, chosen=[0])
    assert decided.redactions == 1
    assert session.get(AnswerReview, phone).text == (
        "The nurses were kind. Ring me on [redacted] if you want to know more."
    )
    urgent = answer_id(session, URGENT_ANSWER)
    decisions.decide(session, answered, urgent, "reject", None)
    assert session.get(AnswerReview, urgent).status == "rejected"
    assert session.get(AnswerReview, urgent).text is None


def test_an_edit_may_replace_text_with_redacted_but_never_add_words(session, answered):
    phone = answer_id(session, PHONE_ANSWER)
    with pytest.raises(moderation_terms.ModerationError) as error:
        decisions.decide(
            session, answered, phone, "redact", None, edited="The nurses were rude. Ring me on [redacted]."
        )
    assert error.value.field == "text"
    decisions.decide(session, answered, phone, "redact", None, edited="The nurses were kind. [redacted]")
    assert session.get(AnswerReview, phone).text == "The nurses were kind. [redacted]"


def test_redact_with_nothing_chosen_is_refused(session, answered):
    with pytest.raises(moderation_terms.ModerationError):
        decisions.decide(session, answered, answer_id(session, PHONE_ANSWER), "redact", None)


def test_themes_can_be_added_renamed_removed_tagged_and_counted(session, answered):
    transport = theming.add_theme(session, answered, "Transport", "Getting to hospital")
    staff = theming.add_theme(session, answered, "staff", "Staff attitude")
    assert transport.code == "transport"
    with pytest.raises(moderation_terms.ModerationError):
        theming.add_theme(session, answered, "transport", "Again")
    with pytest.raises(moderation_terms.ModerationError):
        theming.add_theme(session, answered, "has spaces", "Bad code")
    bus = answer_id(session, "The bus does not go there")
    phone = answer_id(session, PHONE_ANSWER)
    assert theming.set_answer_themes(session, answered, bus, [transport.id]) == (["transport"], [])
    theming.set_answer_themes(session, answered, phone, [transport.id, staff.id])
    assert theming.set_answer_themes(session, answered, phone, [staff.id]) == ([], ["transport"])
    theming.rename_theme(session, answered, staff.id, "staff", "Kindness of staff")
    counts = {theme.code: (theme.label, count) for theme, count in theming.theme_counts(session, answered)}
    assert counts == {"staff": ("Kindness of staff", 1), "transport": ("Getting to hospital", 1)}
    decisions.decide(session, answered, phone, "redact", None, chosen=[0])
    decisions.decide(session, answered, bus, "approve", None)
    quotes = theming.approved_quotes(session, answered, theme_id=staff.id)
    assert quotes == [
        (phone, "The nurses were kind. Ring me on [redacted] if you want to know more.", "tell_us_more", "en")
    ]
    assert len(theming.approved_quotes(session, answered)) == 2
    theming.remove_theme(session, answered, transport.id)
    assert [theme.code for theme, _ in theming.theme_counts(session, answered)] == ["staff"]


def test_a_moderator_redacts_over_http_and_the_audit_entry_carries_no_text(session, answered, moderator):
    user, client = moderator
    overview = client.get("/backoffice/moderation").get_data(as_text=True)
    assert "1 urgent" in overview and "call 999 now" in overview and "example data" in overview
    queue = client.get(f"/backoffice/moderation/{answered}").get_data(as_text=True)
    assert queue.index(URGENT_ANSWER[:20]) < queue.index("The nurses were kind")
    assert "Possible delay in an urgent referral" in queue
    phone = answer_id(session, PHONE_ANSWER)
    url = f"/backoffice/moderation/{answered}/answers/{phone}"
    page = client.get(url).get_data(as_text=True)
    assert '<span class="nhsuk-u-visually-hidden">(possible phone number) </span>07700 900123</mark>' in page
    response = client.post(
        url, data={"csrf_token": csrf_from(page), "decision": "redact", "redact": "0", "text": PHONE_ANSWER}
    )
    assert response.status_code == 302
    assert session.get(AnswerReview, phone).text.endswith("on [redacted] if you want to know more.")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.answer.redact"))
    assert event.actor_id == user.id and event.target == f"answer {phone}"
    assert json.loads(event.detail)["answer_id"] == phone
    every_event = " ".join(f"{e.target} {e.detail}" for e in session.scalars(select(AuditEvent)))
    assert "07700" not in every_event and "nurses" not in every_event


def test_an_edit_that_adds_words_is_refused_over_http_keeping_what_was_typed(session, answered, moderator):
    _user, client = moderator
    phone = answer_id(session, PHONE_ANSWER)
    url = f"/backoffice/moderation/{answered}/answers/{phone}"
    page = client.get(url).get_data(as_text=True)
    edited = "The nurses were wonderful. Ring me on [redacted]"
    response = client.post(url, data={"csrf_token": csrf_from(page), "decision": "redact", "text": edited})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "may only replace parts of the answer" in html
    assert "The nurses were wonderful" in html
    assert session.get(AnswerReview, phone).status == "pending"
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_themes_are_managed_and_tagged_over_http(session, answered, moderator):
    _user, client = moderator
    url = f"/backoffice/moderation/{answered}/themes"
    page = client.get(url).get_data(as_text=True)
    response = client.post(
        url, data={"csrf_token": csrf_from(page), "action": "add", "code": "transport", "label": "Transport"}
    )
    assert response.status_code == 302
    clash = client.post(
        url, data={"csrf_token": csrf_from(page), "action": "add", "code": "transport", "label": "Again"}
    )
    assert clash.status_code == 400 and "already has the code transport" in clash.get_data(as_text=True)
    theme = theming.themes(session, answered)[0]
    bus = answer_id(session, "The bus does not go there")
    answer_url = f"/backoffice/moderation/{answered}/answers/{bus}"
    form_page = client.get(answer_url).get_data(as_text=True)
    client.post(
        answer_url,
        data={
            "csrf_token": csrf_from(form_page),
            "decision": "approve",
            "themes": str(theme.id),
            "text": "The bus does not go there",
        },
    )
    assert theming.theme_counts(session, answered)[0][1] == 1
    renamed = client.post(
        url,
        data={
            "csrf_token": csrf_from(page),
            "action": "rename",
            "theme_id": theme.id,
            "edit-code": "travel",
            "edit-label": "Travel",
        },
    )
    assert renamed.status_code == 302
    client.post(url, data={"csrf_token": csrf_from(page), "action": "remove", "theme_id": theme.id})
    assert theming.themes(session, answered) == []
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {
        "survey.theme.add",
        "survey.theme.rename",
        "survey.theme.remove",
        "survey.answer.approve",
    } <= actions


def test_staff_without_the_moderation_permission_are_refused(app, session, answered):
    editor = signed_in_client(app, make_staff(session, roles="editor"))
    assert editor.get("/backoffice/moderation").status_code == 403
    assert editor.get(f"/backoffice/moderation/{answered}").status_code == 403
    assert app.test_client().get("/backoffice/moderation").status_code == 302


def test_an_answer_from_another_survey_or_no_survey_is_not_found(session, answered, moderator):
    _user, client = moderator
    phone = answer_id(session, PHONE_ANSWER)
    assert client.get(f"/backoffice/moderation/{answered + 1}/answers/{phone}").status_code == 404
    assert client.get(f"/backoffice/moderation/{answered}/answers/999999").status_code == 404
    assert client.get(f"/backoffice/moderation/{answered}?status=nonsense").status_code == 200


def test_an_urdu_answer_is_shown_right_to_left_with_its_name_highlighted(session, survey, moderator):
    _user, client = moderator
    text = "میرا نام احمد ہے، مجھے ۰۷۷۰۰ ۹۰۰۱۲۳ پر فون کریں"
    send(session, survey, lang="ur", tell_us_more=text)
    sid = survey_id(session, survey)
    page = client.get(f"/backoffice/moderation/{sid}/answers/{answer_id(session, text)}").get_data(
        as_text=True
    )
    assert 'lang="ur" dir="rtl"' in page
    assert '<mark><span class="nhsuk-u-visually-hidden">(possible name) </span>احمد</mark>' in page
    assert (
        '<mark class="app-ltr"><span class="nhsuk-u-visually-hidden">(possible phone number) </span>' in page
    )


def test_the_queue_comes_in_pages_urgent_first_and_a_page_past_the_end_gives_the_last(session, answered):
    first = review_queue.queue_page(session, answered, "pending", page=1, per_page=2)
    assert [item.text for item in first.items] == [URGENT_ANSWER, PHONE_ANSWER]
    assert (first.total, first.urgent, first.page, first.pages) == (3, 1, 1, 2)
    last = review_queue.queue_page(session, answered, "pending", page=99, per_page=2)
    assert [item.text for item in last.items] == ["The bus does not go there"] and last.page == 2
