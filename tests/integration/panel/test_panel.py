"""The people's panel: joining with consent, equality answers kept apart, withdrawing at once from the
emailed link, staff's audited list and export, and invitations by email."""

from __future__ import annotations

import email
import email.policy
import re

from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.panel.models import PanelEquality, PanelMember
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, send_mail, signed_in_client, submit

FORM = {
    "name": "Amira Khan",
    "email": "amira@example.org",
    "ways": ["reading", "meetings"],
    "locality": "sheffield",
    "languages": ["ur", "en"],
    "consent": ["yes"],
}


def join(client, data, lang="en"):
    url = f"/{lang}/get-involved/panel"
    html = client.get(url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(html)})


def members(session):
    session.expire_all()
    return session.scalars(select(PanelMember).order_by(PanelMember.id)).all()


def mails(smtp):
    return [email.message_from_bytes(e.content, policy=email.policy.default) for e in smtp.messages]


def test_joining_records_consent_and_keeps_equality_answers_apart(app, client, session, smtp):
    response = join(client, {**FORM, "age_band": "45-54", "ethnic_group": "asian"}, lang="ur")
    assert response.status_code == 303
    [member] = members(session)
    assert (member.name, member.ways, member.locality, member.languages, member.lang) == (
        "Amira Khan",
        "reading meetings",
        "sheffield",
        "ur en",
        "ur",
    )
    assert member.consent_text and member.consented_at
    [answers] = session.scalars(select(PanelEquality)).all()
    assert (answers.age_band, answers.ethnic_group) == ("45-54", "asian")
    assert not hasattr(answers, "member_id"), "nothing links the answers to the person"
    send_mail(app)
    [welcome] = mails(smtp)
    assert welcome["Subject"] != "Welcome to the people's panel", "the welcome is in Urdu"
    assert re.search(
        r"/ur/get-involved/panel/withdraw/\d+-[0-9a-f]{40}", welcome.get_body(("plain",)).get_content()
    )


def test_without_consent_nobody_joins_and_what_was_typed_stays(app, client, session):
    response = join(client, {**FORM, "consent": []})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tick the box to agree" in html
    assert 'value="Amira Khan"' in html and 'value="amira@example.org"' in html
    assert members(session) == []


def test_withdrawing_from_the_emailed_link_erases_the_person_at_once(app, client, session, smtp):
    join(client, FORM)
    send_mail(app)
    path = re.search(
        r"http://127\.0\.0\.1:5000(\S+/withdraw/\S+)", mails(smtp)[0].get_body(("plain",)).get_content()
    ).group(1)
    page = client.get(path)
    assert page.status_code == 200 and members(session)[0].status == "active"
    client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    [gone] = members(session)
    assert (gone.status, gone.name, gone.email, gone.salt) == ("withdrawn", None, None, None)
    assert client.get(path).status_code == 404
    number = path.rsplit("/", 1)[1].split("-")[0]
    assert client.get(f"/en/get-involved/panel/withdraw/{number}-{'0' * 40}").status_code == 404


def test_staff_see_and_export_the_panel_audited_and_invite_a_filtered_group(app, client, session, smtp):
    join(client, FORM)
    join(
        client,
        {**FORM, "name": "Piotr", "email": "piotr@example.org", "ways": ["surveys"], "locality": "doncaster"},
    )
    lead = signed_in_client(app, make_staff(session, roles="engagement_lead"))
    page = lead.get("/backoffice/panel?way=surveys").get_data(as_text=True)
    assert "piotr@example.org" in page and "amira@example.org" not in page
    csv_text = lead.get("/backoffice/panel/members.csv").get_data(as_text=True)
    assert "amira@example.org" in csv_text and "piotr@example.org" in csv_text
    smtp.messages.clear()
    response = submit(
        lead,
        "/backoffice/panel/invite?locality=sheffield",
        {"subject": "Read our draft leaflet", "message": "We would value your views.", "link": ""},
    )
    assert response.status_code == 303
    send_mail(app)
    invited = [m for m in mails(smtp) if m["Subject"] == "Read our draft leaflet"]
    assert [m["To"] for m in invited] == ["amira@example.org"]
    actions = session.scalars(select(AuditEvent.action)).all()
    assert {"panel.view", "panel.export", "panel.invite"} <= set(actions)
    editor = signed_in_client(app, make_staff(session, roles="editor"))
    assert editor.get("/backoffice/panel").status_code == 403
