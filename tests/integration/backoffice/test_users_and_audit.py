import csv
import io

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from alliance.accounts.models import AuditEvent, StaffUser
from alliance.accounts.services import audit
from alliance.outbox.models import OutboxMessage
from alliance.spreadsheets import safe_cell
from tests.factories import make_staff
from tests.integration.backoffice.conftest import send_mail, signed_in_client, submit


@pytest.fixture
def admin(app, session):
    user = make_staff(session, roles="administrator", email="admin@example.nhs.uk")
    return signed_in_client(app, user)


def test_an_administrator_adds_an_account_and_the_person_is_emailed_a_link(app, admin, session, smtp):
    response = submit(
        admin,
        "/backoffice/users/new",
        {"display_name": "Priya Patel", "email": "Priya@Example.NHS.uk", "roles": ["editor", "publisher"]},
    )
    assert response.status_code == 302
    person = session.scalar(select(StaffUser).where(StaffUser.email == "priya@example.nhs.uk"))
    assert person.role_set == {"editor", "publisher"} and not person.totp_confirmed
    send_mail(app)
    assert smtp.messages[-1].rcpt_tos == ["priya@example.nhs.uk"]
    assert "/backoffice/password-reset/" in smtp.last_body()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create")).one()
    assert event.actor_email == "admin@example.nhs.uk" and event.target == "priya@example.nhs.uk"


def test_with_the_mail_server_down_an_invitation_waits_in_the_outbox_and_staff_never_see_an_error_page(
    app, admin, session, smtp_server
):
    response = submit(
        admin,
        "/backoffice/users/new",
        {"display_name": "Dee Down", "email": "dee@example.nhs.uk", "roles": ["moderator"]},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Account made for dee@example.nhs.uk" in html
    assert "Sorry, there is a problem with the service" not in html
    assert "sent 0, to retry 1, failed 0" in send_mail(app)
    waiting = admin.get("/backoffice/mail")
    assert waiting.status_code == 200
    assert "dee@example.nhs.uk" in waiting.get_data(as_text=True)
    assert "ConnectionRefusedError" in waiting.get_data(as_text=True)
    # Once the server is back, the waiting invitation goes out on the next run.
    session.execute(update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
    session.commit()
    server = smtp_server.start()
    assert "sent 1" in send_mail(app)
    assert server.messages[-1].rcpt_tos == ["dee@example.nhs.uk"]


def test_a_bad_new_account_form_keeps_what_was_typed(admin):
    html = submit(admin, "/backoffice/users/new", {"display_name": "Sam", "email": "not an email"}).get_data(
        as_text=True
    )
    assert "<title>Error: Add an account" in html
    assert 'value="Sam"' in html and 'value="not an email"' in html
    assert "Choose at least one role" in html


def test_role_changes_are_saved_and_audited_with_before_and_after(admin, session):
    person = make_staff(session, roles="editor")
    submit(admin, f"/backoffice/users/{person.id}", {"roles": ["moderator"]})
    session.expire_all()
    assert session.get(StaffUser, person.id).role_set == {"moderator"}
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.roles")).one()
    assert '"before": ["editor"]' in event.detail and '"after": ["moderator"]' in event.detail


def test_a_deactivated_account_is_signed_out_and_cannot_come_back(app, admin, session):
    person = make_staff(session)
    their_client = signed_in_client(app, person)
    submit(admin, f"/backoffice/users/{person.id}/deactivate", {}, page=f"/backoffice/users/{person.id}")
    assert their_client.get("/backoffice/").status_code == 302


def test_the_audit_log_filters_and_downloads_with_formulas_neutralised(admin, session):
    audit(session, "content.publish", target='=HYPERLINK("http://evil")', email="x@example.nhs.uk")
    audit(session, "sign-in.failure", target="someone@example.nhs.uk", email="someone@example.nhs.uk")
    session.commit()
    page = admin.get("/backoffice/audit?action=content.publish").get_data(as_text=True)
    assert "content.publish" in page and "someone@example.nhs.uk" not in page
    download = admin.get("/backoffice/audit.csv?action=content.publish")
    assert download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[1][2] == "content.publish" and rows[1][3].startswith("'=HYPERLINK")
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "audit.export")).first()


@pytest.mark.parametrize("value", ["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_spreadsheet_formulas_are_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_audit_events_cannot_be_changed_through_the_application_or_the_database(session):
    audit(session, "sign-in.success", email="a@example.nhs.uk")
    session.commit()
    event = session.scalars(select(AuditEvent)).one()
    event.action = "something else"
    with pytest.raises(PermissionError):
        session.commit()
    session.rollback()
    with pytest.raises(DBAPIError):
        session.execute(update(AuditEvent).values(action="tampered"))
        session.commit()
    session.rollback()
    assert session.execute(text("SELECT action FROM audit_events")).scalar() == "sign-in.success"
