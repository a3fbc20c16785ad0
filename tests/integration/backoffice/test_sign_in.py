import time

import pyotp
from sqlalchemy import select

from alliance.accounts.models import AuditEvent, StaffUser
from alliance.backoffice import auth
from tests.factories import PASSWORD, make_staff
from tests.integration.backoffice.conftest import send_mail, signed_in_client, submit


def actions(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def code_for(user, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(user.totp_secret)
    return totp.at(time.time() + steps_ahead * totp.interval)


def test_a_new_account_must_set_up_mfa_before_it_can_use_the_back_office(app, client, session):
    user = make_staff(session, totp_secret=None, totp_confirmed=False)
    response = submit(client, "/backoffice/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.location.endswith("/backoffice/mfa/setup")
    assert client.get("/backoffice/").location.startswith("/backoffice/sign-in")
    page = client.get("/backoffice/mfa/setup").get_data(as_text=True)
    secret = page.split('id="mfa-secret">')[1].split("<")[0]
    assert "<svg" in page
    done = submit(client, "/backoffice/mfa/setup", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert "Your recovery codes" in done.get_data(as_text=True)
    assert client.get("/backoffice/").status_code == 200
    assert "mfa.enrol" in actions(session)


def test_an_enrolled_account_signs_in_with_password_and_code(client, session):
    user = make_staff(session)
    submit(client, "/backoffice/sign-in", {"email": user.email.upper(), "password": PASSWORD})
    response = submit(client, "/backoffice/sign-in/code", {"code": code_for(user)})
    assert response.location == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200
    assert actions(session)[-1] == "sign-in.success"


def test_a_wrong_password_is_refused_keeps_the_email_and_is_audited(client, session):
    user = make_staff(session)
    response = submit(client, "/backoffice/sign-in", {"email": user.email, "password": "not the password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Sign in" in html and "Email address or password is not right" in html
    assert f'value="{user.email}"' in html
    assert actions(session) == ["sign-in.failure"]


def test_a_code_works_only_once(client, session, app):
    user = make_staff(session)
    code = code_for(user)
    submit(client, "/backoffice/sign-in", {"email": user.email, "password": PASSWORD})
    submit(client, "/backoffice/sign-in/code", {"code": code})
    other = app.test_client()
    submit(other, "/backoffice/sign-in", {"email": user.email, "password": PASSWORD})
    again = submit(other, "/backoffice/sign-in/code", {"code": code})
    assert "has been used already" in again.get_data(as_text=True)
    assert other.get("/backoffice/").status_code == 302


def test_a_recovery_code_signs_in_once(app, session):
    user = make_staff(session, totp_secret=None, totp_confirmed=False)
    client = app.test_client()
    submit(client, "/backoffice/sign-in", {"email": user.email, "password": PASSWORD})
    secret = (
        client.get("/backoffice/mfa/setup").get_data(as_text=True).split('id="mfa-secret">')[1].split("<")[0]
    )
    page = submit(client, "/backoffice/mfa/setup", {"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    recovery = (
        page.split('<ul class="nhsuk-list app-recovery-codes">')[1].split("<code>")[1].split("</code>")[0]
    )
    for attempt in ("first", "second"):
        fresh = app.test_client()
        submit(fresh, "/backoffice/sign-in", {"email": user.email, "password": PASSWORD})
        response = submit(fresh, "/backoffice/sign-in/code", {"code": recovery})
        if attempt == "first":
            assert response.location == "/backoffice/"
        else:
            assert response.status_code == 200 and "not right" in response.get_data(as_text=True)


def test_ten_failures_lock_the_account_for_everyone_with_a_clear_message(app, session):
    user = make_staff(session)
    for n in range(10):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
        submit(client, "/backoffice/sign-in", {"email": user.email, "password": f"wrong {n}"})
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.1.1"
    response = submit(client, "/backoffice/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts. Wait 5 minutes" in response.get_data(as_text=True)


def test_ten_failures_from_one_address_lock_that_address_for_every_account(app, session):
    victims = [make_staff(session) for _ in range(2)]
    client = app.test_client()
    for n in range(10):
        submit(client, "/backoffice/sign-in", {"email": f"guess{n}@example.nhs.uk", "password": "wrong"})
    response = submit(client, "/backoffice/sign-in", {"email": victims[0].email, "password": PASSWORD})
    assert response.status_code == 429


def test_a_session_idle_for_30_minutes_is_signed_out(app, session):
    user = make_staff(session)
    client = signed_in_client(app, user)
    assert client.get("/backoffice/").status_code == 200
    with client.session_transaction() as state:
        state[auth.SESSION_KEY] = {
            **state[auth.SESSION_KEY],
            "seen": state[auth.SESSION_KEY]["seen"] - 31 * 60,
        }
    assert client.get("/backoffice/").location.startswith("/backoffice/sign-in")


def test_a_session_older_than_12_hours_is_signed_out_even_when_busy(app, session):
    user = make_staff(session)
    client = signed_in_client(app, user)
    with client.session_transaction() as state:
        state[auth.SESSION_KEY] = {
            **state[auth.SESSION_KEY],
            "at": state[auth.SESSION_KEY]["at"] - 12 * 60 * 60 - 1,
        }
    assert client.get("/backoffice/").location.startswith("/backoffice/sign-in")


def test_sign_out_everywhere_ends_every_session_of_that_person(app, session):
    user = make_staff(session)
    laptop, phone = signed_in_client(app, user), signed_in_client(app, user)
    response = submit(laptop, "/backoffice/account/sign-out-everywhere", {}, page="/backoffice/account")
    assert response.location == "/backoffice/sign-in"
    assert phone.get("/backoffice/").status_code == 302
    assert "sign-out.everywhere" in actions(session)


def test_signing_out_needs_a_post(app, session):
    user = make_staff(session)
    client = signed_in_client(app, user)
    assert client.get("/backoffice/sign-out").status_code == 200
    assert client.get("/backoffice/").status_code == 200
    submit(client, "/backoffice/sign-out", {})
    assert client.get("/backoffice/").status_code == 302


def test_a_password_reset_arrives_by_smtp_works_once_and_still_needs_mfa(app, client, session, smtp):
    user = make_staff(session)
    response = submit(client, "/backoffice/password-reset", {"email": user.email})
    assert "Check your email" in response.get_data(as_text=True)
    assert smtp.messages == []
    send_mail(app)
    assert len(smtp.messages) == 1 and smtp.messages[0].rcpt_tos == [user.email]
    link = next(line for line in smtp.last_body().splitlines() if "/backoffice/password-reset/" in line)
    path = link.replace("http://127.0.0.1:5000", "")
    new_password = "a brand new long passphrase"
    done = submit(client, path, {"password": new_password, "confirm": new_password})
    assert done.location == "/backoffice/sign-in"
    assert client.get(path).status_code == 410
    signed = submit(client, "/backoffice/sign-in", {"email": user.email, "password": new_password})
    assert signed.location.endswith("/backoffice/sign-in/code")
    assert client.get("/backoffice/").status_code == 302
    assert {"password.reset-request", "password.reset"} <= set(actions(session))


def test_a_reset_for_an_unknown_email_says_the_same_and_sends_nothing(app, client, smtp):
    response = submit(client, "/backoffice/password-reset", {"email": "nobody@example.nhs.uk"})
    assert "Check your email" in response.get_data(as_text=True)
    assert "sent 0" in send_mail(app)
    assert smtp.messages == []


def test_a_common_or_short_new_password_is_refused_with_a_reason(app, client, session, smtp):
    user = make_staff(session)
    submit(client, "/backoffice/password-reset", {"email": user.email})
    send_mail(app)
    path = next(line for line in smtp.last_body().splitlines() if "/password-reset/" in line)
    path = path.replace("http://127.0.0.1:5000", "")
    for password, message in (("short", "12 characters or more"), ("password1234", "less common password")):
        html = submit(client, path, {"password": password, "confirm": password}).get_data(as_text=True)
        assert message in html and "There is a problem" in html
    session.expire_all()
    assert session.get(StaffUser, user.id).password_hash == user.password_hash
