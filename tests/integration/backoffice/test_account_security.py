"""Sessions end where they could be replayed, one-time codes work once under concurrency, changing how
an account signs in needs the password and a code again, and failed sign-ins keep no typed text."""

import threading
import time

import pyotp
import pytest
from sqlalchemy import func, select

from alliance.accounts import services
from alliance.accounts.models import AuditEvent, LoginFailure, RecoveryCode, StaffUser
from tests.factories import PASSWORD, make_staff
from tests.integration.backoffice.conftest import signed_in_client, submit

THREADS = 6


def code_for(user, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(user.totp_secret)
    return totp.at(time.time() + steps_ahead * totp.interval)


def sign_in(app, user, steps_ahead: int = 0):
    """A client that signed in for real: password, then a code from the authenticator."""
    client = app.test_client()
    submit(client, "/backoffice/sign-in", {"email": user.email, "password": PASSWORD})
    response = submit(client, "/backoffice/sign-in/code", {"code": code_for(user, steps_ahead)})
    assert response.location == "/backoffice/"
    return client


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie, as a thief would."""
    name = app.config["SESSION_COOKIE_NAME"]
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def is_signed_in(client) -> bool:
    return client.get("/backoffice/").status_code == 200


def race(app, attempt) -> list:
    """Run `attempt(session)` in THREADS real threads released together, each with its own database
    session and transaction; return what each returned (or raised)."""
    maker = app.extensions["db"]["sessionmaker"]
    barrier = threading.Barrier(THREADS)
    results = []

    def run():
        with maker() as db_session:
            barrier.wait()
            try:
                outcome = attempt(db_session)
                db_session.commit()
            except Exception as error:  # noqa: BLE001 - reported to the test below
                db_session.rollback()
                outcome = error
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# --- Sessions -----------------------------------------------------------------------------------


def test_a_copied_session_cookie_stops_working_after_sign_out(app, session):
    user = make_staff(session)
    client = sign_in(app, user)
    thief = copy_of(app, client)
    assert is_signed_in(thief)
    submit(client, "/backoffice/sign-out", {})
    assert not is_signed_in(client)
    assert not is_signed_in(thief)
    again = sign_in(app, user, steps_ahead=1)
    assert is_signed_in(again)


def test_a_copied_session_cookie_stops_working_after_a_password_reset(app, session):
    user = make_staff(session)
    client = sign_in(app, user)
    thief = copy_of(app, client)
    _user_id, token = services.create_reset_token(session, user.email, 3600)
    session.commit()
    new_password = "a quite different passphrase"
    response = submit(
        app.test_client(),
        f"/backoffice/password-reset/{token}",
        {"password": new_password, "confirm": new_password},
    )
    assert response.location == "/backoffice/sign-in"
    assert not is_signed_in(thief)
    assert not is_signed_in(client)


def test_a_copied_session_cookie_stops_working_once_an_administrator_disables_the_account(app, session):
    user = make_staff(session)
    thief = copy_of(app, sign_in(app, user))
    admin = signed_in_client(app, make_staff(session, roles="administrator"))
    submit(admin, f"/backoffice/users/{user.id}/deactivate", {}, page=f"/backoffice/users/{user.id}")
    assert not is_signed_in(thief)


# --- One-time codes under concurrency -----------------------------------------------------------


def test_six_simultaneous_sign_ins_with_one_totp_code_let_exactly_one_in(app, session):
    user = make_staff(session)
    code = code_for(user)
    results = race(app, lambda db_session: services.verify_mfa(db_session, user.id, code))
    assert results.count(True) == 1, results
    assert results.count(False) == THREADS - 1, results


def test_six_simultaneous_uses_of_one_recovery_code_let_exactly_one_in(app, session):
    user = make_staff(session)
    codes = services.new_recovery_codes(session, user.id)
    session.commit()
    results = race(app, lambda db_session: services.verify_mfa(db_session, user.id, codes[0]))
    assert results.count(True) == 1, results
    assert results.count(False) == THREADS - 1, results
    session.expire_all()
    used = session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_not(None)
        )
    )
    assert used == 1


def test_six_simultaneous_uses_of_one_reset_link_change_the_password_once(app, session):
    user = make_staff(session)
    _user_id, token = services.create_reset_token(session, user.email, 3600)
    session.commit()
    hasher = services.password_hasher(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])

    def use(db_session):
        return services.use_reset_token(db_session, token, "one more long passphrase", hasher)

    results = race(app, use)
    assert results.count(user.id) == 1, results
    assert all(isinstance(r, services.AccountError) for r in results if r != user.id), results


def test_a_totp_code_older_than_the_last_one_used_is_refused(app, session):
    user = make_staff(session)
    assert services.verify_mfa(session, user.id, code_for(user, steps_ahead=1))
    session.commit()
    assert not services.verify_mfa(session, user.id, code_for(user))


# --- Changing how the account signs in ----------------------------------------------------------


def test_moving_to_a_new_authenticator_needs_the_password_and_a_current_code_first(app, session):
    user = make_staff(session)
    client = signed_in_client(app, user)
    other_device = copy_of(app, client)
    page = client.get("/backoffice/mfa/setup").get_data(as_text=True)
    assert "Confirm it is you" in page and "mfa-secret" not in page
    wrong = submit(client, "/backoffice/mfa/setup", {"password": "not my password!!", "code": code_for(user)})
    assert "The password or the security code is not right" in wrong.get_data(as_text=True)
    assert "mfa-secret" not in client.get("/backoffice/mfa/setup").get_data(as_text=True)
    no_code = submit(client, "/backoffice/mfa/setup", {"password": PASSWORD, "code": "000000"})
    assert "mfa-secret" not in no_code.get_data(as_text=True)
    confirmed = submit(client, "/backoffice/mfa/setup", {"password": PASSWORD, "code": code_for(user, 1)})
    assert confirmed.location == "/backoffice/mfa/setup"
    page = client.get("/backoffice/mfa/setup").get_data(as_text=True)
    secret = page.split('id="mfa-secret">')[1].split("<")[0]
    done = submit(client, "/backoffice/mfa/setup", {"code": pyotp.TOTP(secret).now()})
    assert "Your recovery codes" in done.get_data(as_text=True)
    session.expire_all()
    assert session.get(StaffUser, user.id).totp_secret == secret
    # The session that made the change goes on; every other one ends.
    assert is_signed_in(client) and not is_signed_in(other_device)
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["reauthenticate.failure", "reauthenticate.failure", "reauthenticate", "mfa.enrol"]


def test_new_recovery_codes_need_the_password_and_a_current_code_first(app, session):
    user = make_staff(session)
    old = services.new_recovery_codes(session, user.id)
    session.commit()
    client = signed_in_client(app, user)
    # A signed-in session alone (a stolen cookie) cannot replace the codes.
    refused = submit(
        client, "/backoffice/account/recovery-codes", {"password": "guess guess guess", "code": old[1]}
    )
    assert refused.status_code == 200 and "Your recovery codes" not in refused.get_data(as_text=True)
    assert services.verify_mfa(session, user.id, old[0])
    session.commit()
    made = submit(
        client, "/backoffice/account/recovery-codes", {"password": PASSWORD, "code": code_for(user)}
    )
    assert "Your recovery codes" in made.get_data(as_text=True)
    assert not services.verify_mfa(session, user.id, old[2])


def test_failed_confirmations_count_towards_the_lockout(app, session):
    user = make_staff(session)
    client = signed_in_client(app, user)
    for _ in range(app.config["LOGIN_FAILURE_LIMIT"]):
        submit(
            client, "/backoffice/account/recovery-codes", {"password": "wrong wrong wrong", "code": "123456"}
        )
    locked = submit(
        client, "/backoffice/account/recovery-codes", {"password": PASSWORD, "code": code_for(user)}
    )
    assert locked.status_code == 429
    assert "Your recovery codes" not in locked.get_data(as_text=True)


# --- What a failed sign-in leaves behind --------------------------------------------------------


@pytest.mark.parametrize("typed", ["My secret Passw0rd is here", "someone.else@example.nhs.uk"])
def test_an_unknown_email_box_entry_is_kept_only_as_a_keyed_hash(app, client, session, typed):
    make_staff(session)
    response = submit(client, "/backoffice/sign-in", {"email": typed, "password": "anything at all"})
    assert response.status_code == 200
    session.expire_all()
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [event.action for event in events] == ["sign-in.failure"]
    stored = " ".join(f"{e.actor_email} {e.target} {e.detail}" for e in events).lower()
    stored += " ".join(session.scalars(select(LoginFailure.key)))
    assert typed.lower() not in stored and "passw0rd" not in stored
    assert events[0].target.startswith("unknown address #")
    # The same text typed again gives the same entry, so repeated guesses can still be seen.
    submit(client, "/backoffice/sign-in", {"email": typed, "password": "anything at all"})
    session.expire_all()
    assert len(set(session.scalars(select(AuditEvent.target)))) == 1


def test_a_known_address_in_a_failed_sign_in_is_recorded_as_typed(client, session):
    user = make_staff(session)
    submit(
        client, "/backoffice/sign-in", {"email": f"  {user.email.upper()} ", "password": "not the password"}
    )
    session.expire_all()
    event = session.scalars(select(AuditEvent)).one()
    assert (event.action, event.target, event.actor_email) == ("sign-in.failure", user.email, user.email)
