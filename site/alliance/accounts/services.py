"""Staff account services: passwords, MFA, recovery codes, password resets, lockout and the audit log.

Services take primitives and a session and return plain values; the views only translate HTTP.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from alliance import outbox
from alliance.accounts.models import AuditEvent, LoginFailure, PasswordResetToken, RecoveryCode, StaffUser
from alliance.accounts.permissions import ROLES
from alliance.database import utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
RECOVERY_CODES = 10
ISSUER = "Cancer Alliance back-office"


class AccountError(ValueError):
    """A request about an account that cannot be met; the message is safe to show."""


def password_hasher(time_cost: int = 3, memory_cost: int = 64 * 1024) -> PasswordHasher:
    # argon2-cffi's PasswordHasher is argon2id.
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is not allowed, or None. Length and commonness only: no composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 2:
        return "Choose a less common password: this one is on lists that attackers try first"
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        return "Your password must not contain your email address"
    return None


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, email: str, display_name: str, password: str, roles: list[str], hasher: PasswordHasher
) -> int:
    """Create a staff account and return its id. It must enrol in MFA at first sign-in."""
    email = _normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter an email address in the correct format, like name@example.nhs.uk")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Unknown roles: {', '.join(sorted(unknown))}")
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise AccountError(f"An account for {email} already exists")
    user = StaffUser(
        email=email,
        display_name=display_name.strip(),
        password_hash=hasher.hash(password),
        roles=" ".join(roles),
    )
    session.add(user)
    session.flush()
    return user.id


def check_password(session: Session, email: str, password: str, hasher: PasswordHasher) -> int | None:
    """Return the id of the active account whose password matches, else None."""
    user = session.scalar(select(StaffUser).where(StaffUser.email == _normalise_email(email)))
    if user is None or not user.is_active:
        # Spend the same time as a real check, so timing does not reveal which emails exist.
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(_dummy_hash(hasher), password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user.id


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def set_password(session: Session, user_id: int, password: str, hasher: PasswordHasher) -> None:
    user = session.get(StaffUser, user_id)
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hasher.hash(password)
    user.session_version += 1


def set_roles(session: Session, user_id: int, roles: list[str]) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Unknown roles: {', '.join(sorted(unknown))}")
    session.get(StaffUser, user_id).roles = " ".join(r for r in ROLES if r in roles)


# --- Lockout ---------------------------------------------------------------------------------


def _failure_keys(email: str, address: str) -> list[str]:
    return [f"account:{_normalise_email(email)}", f"address:{address}"]


def is_locked_out(session: Session, email: str, address: str, limit: int, window_seconds: int) -> bool:
    """True when the account or the address has `limit` failures in the last `window_seconds`."""
    since = utcnow() - timedelta(seconds=window_seconds)
    for key in _failure_keys(email, address):
        count = session.scalar(
            select(func.count(LoginFailure.id)).where(
                LoginFailure.key == key, LoginFailure.created_at >= since
            )
        )
        if count >= limit:
            return True
    return False


def record_failure(session: Session, email: str, address: str) -> None:
    for key in _failure_keys(email, address):
        session.add(LoginFailure(key=key))
    session.execute(delete(LoginFailure).where(LoginFailure.created_at < utcnow() - timedelta(hours=1)))


# --- MFA -------------------------------------------------------------------------------------


def new_mfa_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """What the QR code holds: an otpauth:// URI authenticator apps understand."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _accept_code(user: StaffUser, code: str, now: datetime | None = None, secret: str | None = None) -> bool:
    code = "".join(ch for ch in code if ch.isdigit())
    secret = secret or user.totp_secret
    if not secret or len(code) != 6:
        return False
    totp = pyotp.TOTP(secret)
    moment = now or datetime.now(UTC)
    step = int(moment.timestamp()) // totp.interval
    for offset in (-1, 0, 1):
        candidate = step + offset
        if candidate > user.totp_last_step and secrets.compare_digest(
            totp.at(candidate * totp.interval), code
        ):
            user.totp_last_step = candidate
            return True
    return False


def confirm_mfa_enrolment(session: Session, user_id: int, secret: str, code: str) -> list[str]:
    """Adopt `secret` once a code from it proves the app has it; returns new recovery codes, shown once.

    Until then the account keeps the authenticator it had, so an abandoned change weakens nothing.
    """
    user = session.get(StaffUser, user_id)
    user.totp_last_step = 0 if secret != user.totp_secret else user.totp_last_step
    if not _accept_code(user, code, secret=secret):
        raise AccountError("The code is not right. Check your authenticator app and enter the 6-digit code")
    user.totp_secret = secret
    user.totp_confirmed = True
    return new_recovery_codes(session, user_id)


def verify_mfa(session: Session, user_id: int, code: str, now: datetime | None = None) -> bool:
    """A TOTP code (each works once) or an unused recovery code."""
    user = session.get(StaffUser, user_id)
    if user.totp_confirmed and _accept_code(user, code, now):
        return True
    cleaned = code.strip().replace(" ", "").replace("-", "").lower()
    if len(cleaned) == 10:
        digest = hashlib.sha256(cleaned.encode()).hexdigest()
        recovery = session.scalar(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user_id,
                RecoveryCode.code_hash == digest,
                RecoveryCode.used_at.is_(None),
            )
        )
        if recovery is not None:
            recovery.used_at = utcnow()
            return True
    return False


def new_recovery_codes(session: Session, user_id: int) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=hashlib.sha256(code.encode()).hexdigest()))
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def sign_out_everywhere(session: Session, user_id: int) -> None:
    session.get(StaffUser, user_id).session_version += 1


# --- Password reset --------------------------------------------------------------------------


def create_reset_token(session: Session, email: str, lifetime_seconds: int) -> tuple[int, str] | None:
    """A single-use token for an active account, or None (the caller says the same either way).

    A new token voids the account's earlier unused ones. The same statements run whether or not the
    account exists, so the work done does not tell.
    """
    email = _normalise_email(email)
    session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.user_id.in_(
                select(StaffUser.id).where(StaffUser.email == email, StaffUser.is_active.is_(True))
            ),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None or not user.is_active:
        return None
    session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=token_hash,
            expires_at=utcnow() + timedelta(seconds=lifetime_seconds),
        )
    )
    return user.id, token


def reset_message(link: str, minutes: int, site_name: str, first_time: bool = False) -> tuple[str, str]:
    """The subject and body of the email carrying a password link (a reset, or a new account's first)."""
    opening = "An account has been made for you" if first_time else "Someone asked to reset your password"
    return (
        f"{site_name} back-office: set your password",
        f"{opening} on the {site_name} back-office.\n\n"
        f"Set a new password here (the link works once, for {minutes} minutes):\n{link}\n\n"
        "You will still need your authenticator app to sign in.\n"
        "If you did not expect this email, you can ignore it.\n",
    )


RESET_REQUEST = "password-reset-request"


def queue_password_reset(session: Session, email: str, link_base: str) -> None:
    """All a password reset request does: one outbox row, the same whether or not the account exists.

    `flask mail send` looks the address up later (see _compose_password_reset): for an active
    account it makes the token, voiding earlier ones, and sends the link `link_base` + token; for any
    other address it sends nothing. The caller commits.
    """
    with contextlib.suppress(ValueError):  # not an address any account can have
        outbox.enqueue(
            session,
            to=_normalise_email(email),
            subject="Password reset requested",
            body=link_base,
            kind=RESET_REQUEST,
            sensitive=True,
        )


def _compose_password_reset(session: Session, message, config) -> bool:
    lifetime = int(config["PASSWORD_RESET_LIFETIME"])
    found = create_reset_token(session, message.to_address, lifetime)
    if found is None:
        return False
    _user_id, token = found
    subject, body = reset_message(message.body + token, lifetime // 60, config["ALLIANCE_SHORT_NAME"])
    message.kind, message.subject, message.body = "password-reset", subject, body
    return True


outbox.register_composer(RESET_REQUEST, _compose_password_reset)


def send_password_link(
    session: Session,
    email: str,
    lifetime_seconds: int,
    link_for: Callable[[str], str],
    site_name: str,
    first_time: bool = False,
) -> bool:
    """Make a reset token for the account and put the email with its link in the outbox (for staff
    actions, such as a new account; a visitor's reset request uses queue_password_reset).

    Nothing is sent here: the caller commits, and `flask mail send` delivers. Returns whether the
    account exists.
    """
    found = create_reset_token(session, email, lifetime_seconds)
    if found is None:
        return False
    _user_id, token = found
    subject, body = reset_message(link_for(token), lifetime_seconds // 60, site_name, first_time)
    outbox.enqueue(
        session,
        to=_normalise_email(email),
        subject=subject,
        body=body,
        kind="account-invitation" if first_time else "password-reset",
        sensitive=True,
    )
    return True


def _reset_token(session: Session, token: str) -> PasswordResetToken | None:
    row = session.scalar(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == hashlib.sha256(token.encode()).hexdigest()
        )
    )
    if row is None or row.used_at is not None or _aware(row.expires_at) < utcnow():
        return None
    return row


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def reset_token_user(session: Session, token: str) -> int | None:
    row = _reset_token(session, token)
    return row.user_id if row else None


def use_reset_token(session: Session, token: str, password: str, hasher: PasswordHasher) -> int:
    row = _reset_token(session, token)
    if row is None:
        raise AccountError("This link has expired or has already been used. Ask for a new one")
    set_password(session, row.user_id, password, hasher)
    row.used_at = utcnow()
    return row.user_id


# --- Audit log -------------------------------------------------------------------------------


def audit(session: Session, action: str, actor: StaffUser | None = None, target: str = "", **detail) -> None:
    """Record a staff action. Call inside the transaction that makes the change."""
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor_email=actor.email if actor else str(detail.pop("email", "")),
            action=action,
            target=target,
            detail=json.dumps(detail, sort_keys=True, default=str) if detail else "",
        )
    )


@dataclass
class AuditRow:
    created_at: datetime
    actor_email: str
    action: str
    target: str
    detail: str


def audit_events(
    session: Session, action: str = "", actor: str = "", limit: int = 200, offset: int = 0
) -> list[AuditRow]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor_email.contains(actor.strip().lower()))
    rows = session.scalars(query.limit(limit).offset(offset)).all()
    return [AuditRow(r.created_at, r.actor_email, r.action, r.target, r.detail) for r in rows]


def audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas: a cell starting = + - @, tab or CR gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(rows: list[AuditRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["when (UTC)", "who", "action", "target", "detail"])
    for row in rows:
        writer.writerow(
            [
                safe_cell(v)
                for v in (row.created_at.isoformat(), row.actor_email, row.action, row.target, row.detail)
            ]
        )
    return out.getvalue()
