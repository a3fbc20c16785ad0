"""The e-bulletin: sign-up with double opt-in, preferences, one-click unsubscribe (RFC 8058), and
unconfirmed sign-ups expiring."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from alliance.bulletin import mail
from alliance.bulletin.models import Subscriber
from alliance.outbox import enqueue
from tests.integration.backoffice.conftest import csrf_token, send_mail


def sign_up(client, address, topics=("screening", "research"), language="pl", lang="en"):
    url = f"/{lang}/bulletin/subscribe"
    html = client.get(url).get_data(as_text=True)
    return client.post(
        url,
        data={"email": address, "topics": list(topics), "language": language, "csrf_token": csrf_token(html)},
    )


def messages(smtp):
    return [email.message_from_bytes(e.content, policy=email.policy.default) for e in smtp.messages]


def link(message, path: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/\w+/bulletin/" + path + r"/[\w-]+)", text).group(1)


def subscribers(session):
    session.expire_all()
    return session.scalars(select(Subscriber).order_by(Subscriber.id)).all()


def test_signing_up_asks_for_confirmation_in_the_chosen_language_and_only_a_button_press_confirms(
    app, client, session, smtp
):
    response = sign_up(client, "ola@example.org")
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/en/bulletin/check-your-email"
    )
    send_mail(app)
    [message] = messages(smtp)
    assert message["Subject"] == "Potwierdź, że chcesz otrzymywać nasz biuletyn"
    path = link(message, "confirm")
    assert path.startswith("/pl/")
    page = client.get(path)  # what a mail scanner does
    assert page.status_code == 200 and subscribers(session)[0].status == "pending"
    client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    [subscriber] = subscribers(session)
    assert (subscriber.status, subscriber.topics, subscriber.lang) == (
        "confirmed",
        "screening research",
        "pl",
    )


def test_signing_up_again_never_says_whether_an_address_is_subscribed(app, client, session, smtp):
    sign_up(client, "ola@example.org")
    send_mail(app)
    confirm = link(messages(smtp)[0], "confirm")
    client.post(confirm, data={"csrf_token": csrf_token(client.get(confirm).get_data(as_text=True))})
    first = sign_up(client, "OLA@example.org")
    other = sign_up(client, "someone.new@example.org")
    assert first.headers["Location"] == other.headers["Location"]
    assert len([s for s in subscribers(session) if s.email and s.email.lower() == "ola@example.org"]) == 1
    smtp.messages.clear()
    send_mail(app)
    subjects = sorted(m["Subject"] for m in messages(smtp))
    assert subjects == ["Już otrzymujesz nasz biuletyn", "Potwierdź, że chcesz otrzymywać nasz biuletyn"]


def test_a_mistake_is_explained_in_the_readers_language_and_keeps_the_address_typed(app, client, session):
    response = sign_up(client, "ola@example.org", topics=(), lang="ur")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "nhsuk-error-summary" in html
    assert "Select at least one" not in html
    assert 'value="ola@example.org"' in html
    assert subscribers(session) == []


def test_preferences_change_topics_and_language_and_one_click_unsubscribe_erases_the_address(
    app, client, session, smtp
):
    sign_up(client, "ola@example.org")
    send_mail(app)
    confirm = link(messages(smtp)[0], "confirm")
    client.post(confirm, data={"csrf_token": csrf_token(client.get(confirm).get_data(as_text=True))})
    [subscriber] = subscribers(session)
    with app.test_request_context("/"):
        links = mail.links(subscriber)
        headers = mail.list_headers(subscriber)
    preferences = links["preferences"].removeprefix("http://127.0.0.1:5000")
    page = client.get(preferences).get_data(as_text=True)
    client.post(preferences, data={"topics": ["support"], "language": "ur", "csrf_token": csrf_token(page)})
    assert (subscribers(session)[0].topics, subscribers(session)[0].lang) == ("support", "ur")
    assert client.get(confirm.replace("/confirm/", "/preferences/")).status_code == 404, (
        "a confirm token is not a manage token"
    )

    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:5000")
    # What a mail program sends for its unsubscribe button: a POST with no form of ours, no CSRF token.
    response = client.post(
        one_click, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    [gone] = subscribers(session)
    assert (gone.status, gone.email, gone.salt) == ("unsubscribed", None, None)
    assert client.get(preferences).status_code == 404
    assert client.post(one_click, data="List-Unsubscribe=One-Click").status_code == 200, (
        "a second click is harmless"
    )


def test_list_headers_reach_the_mail_server_through_the_outbox(app, client, session, smtp):
    sign_up(client, "ola@example.org")
    [subscriber] = subscribers(session)
    with app.test_request_context("/"):
        enqueue(
            session,
            to="ola@example.org",
            subject="Bulletin",
            body="News",
            kind="bulletin",
            headers=mail.list_headers(subscriber),
        )
    session.commit()
    smtp.messages.clear()
    send_mail(app)
    bulletin = next(m for m in messages(smtp) if m["Subject"] == "Bulletin")
    assert bulletin["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://127\.0\.0\.1:5000/pl/bulletin/unsubscribe/\d+-[0-9a-f]{40}>", bulletin["List-Unsubscribe"]
    )


def test_sign_ups_nobody_confirms_expire(app, client, session, runner):
    sign_up(client, "late@example.org")
    sign_up(client, "recent@example.org")
    old = subscribers(session)[0]
    old.created_at = datetime.now(UTC) - timedelta(hours=80)
    session.commit()
    result = runner.invoke(args=["retention", "run"])
    assert "Deleted 1 e-bulletin sign-ups not confirmed within 72 hours" in result.output
    assert [s.email for s in subscribers(session)] == ["recent@example.org"]
