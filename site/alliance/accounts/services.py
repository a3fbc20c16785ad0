"""Staff account services: passwords, MFA, recovery codes, password resets, lockout and the audit log.

Services take primitives and a session and return plain values; the views only translate HTTP.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import hmac
import io
import json
import re
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
from alliance.spreadsheets import safe_cell

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
RECOVERY_CODES = 10
ISSUER = "Cancer Alliance back-office"


class AccountError(ValueError):
    """A request about an account that cannot be met; the message is safe to show."""


@lru_cache(maxsize=8)
def password_hasher(time_cost: int = 3, memory_cost: int = 64 * 1024) -> PasswordHasher:
    """The argon2id hasher for these parameters: one per process, so work done for it is kept."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def _word_list(name: str) -> frozenset[str]:
    lines = Path(__file__).with_name(name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The most common passwords of 12 characters or more (see README.md beside the list)."""
    return _word_list("common_passwords.txt")


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return _word_list("common_words.txt")


# Letter swaps people make to dress up a word (p@ssw0rd), undone before looking the word up.
_UNSWAP = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)
# A word with only digits and symbols before or after it: Password2026, 2026liverpool, Liverpool123!
_DRESSED_WORD = re.compile(r"[\d\W_]*(?P<word>[a-z][a-z@$!0-9]*?[a-z])[\d\W_]*")


def _is_common(lowered: str) -> bool:
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        return True
    dressed = _DRESSED_WORD.fullmatch(lowered)
    if dressed is None:
        return False
    word = dressed["word"]
    return word in _common_words() or word.translate(_UNSWAP) in _common_words()


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is not allowed, or None. Length and commonness only: no composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    lowered = password.lower()
    if _is_common(lowered):
        return "Choose a less common password: this one is on lists that attackers try first"
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        return "Your password must not contain your email address"
    return None


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session,
    email: str,
    display_name: str,
    password: str,
    roles: list[str],
    hasher: PasswordHasher,
    review_languages: list[str] | None = None,
    known_languages: list[str] | None = None,
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
    languages = _review_languages(review_languages or [], known_languages)
    user = StaffUser(
        email=email,
        display_name=display_name.strip(),
        password_hash=hasher.hash(password),
        roles=" ".join(roles),
        review_languages=" ".join(languages),
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


def _dummy_hash(hasher: PasswordHasher) -> str:
    return _dummy_hash_for(
        hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len, hasher.salt_len
    )


@lru_cache(maxsize=8)
def _dummy_hash_for(time_cost: int, memory_cost: int, parallelism: int, hash_len: int, salt_len: int) -> str:
    # Made once per process and set of parameters, so an unknown email costs one verify, like a known one.
    hasher = PasswordHasher(time_cost, memory_cost, parallelism, hash_len, salt_len)
    return hasher.hash(secrets.token_urlsafe(16))


def set_password(session: Session, user_id: int, password: str, hasher: PasswordHasher) -> None:
    user = session.get_one(StaffUser, user_id)
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hasher.hash(password)
    end_sessions(session, user_id)


def set_roles(session: Session, user_id: int, roles: list[str]) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Unknown roles: {', '.join(sorted(unknown))}")
    session.get_one(StaffUser, user_id).roles = " ".join(r for r in ROLES if r in roles)


def _review_languages(languages: list[str], known: list[str] | None) -> list[str]:
    """The language codes a translation reviewer is granted: known site languages other than English."""
    wanted = list(dict.fromkeys(code.strip().lower() for code in languages if code.strip()))
    allowed = [code for code in (known or []) if code != "en"]
    unknown = [code for code in wanted if code not in allowed]
    if unknown:
        raise AccountError(f"Unknown languages: {', '.join(unknown)}. Use codes from: {', '.join(allowed)}")
    return wanted


def set_review_languages(session: Session, user_id: int, languages: list[str], known: list[str]) -> None:
    """The languages a translation_reviewer may review (administrators and publishers review all)."""
    chosen = set(_review_languages(languages, known))
    session.get_one(StaffUser, user_id).review_languages = " ".join(c for c in known if c in chosen)


# --- Lockout ---------------------------------------------------------------------------------


def fingerprint(text: str, key: str) -> str:
    """A keyed hash of something typed, to count or match it without keeping it (it may be a password)."""
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def _failure_keys(email: str, address: str, key: str) -> list[str]:
    return [f"account:{fingerprint(_normalise_email(email), key)}", f"address:{fingerprint(address, key)}"]


def is_locked_out(
    session: Session, email: str, address: str, limit: int, window_seconds: int, key: str
) -> bool:
    """True when the account or the address has `limit` failures in the last `window_seconds`."""
    since = utcnow() - timedelta(seconds=window_seconds)
    for failure_key in _failure_keys(email, address, key):
        count = session.scalar(
            select(func.count(LoginFailure.id)).where(
                LoginFailure.key == failure_key, LoginFailure.created_at >= since
            )
        )
        if (count or 0) >= limit:
            return True
    return False


def record_failure(session: Session, email: str, address: str, key: str) -> None:
    for failure_key in _failure_keys(email, address, key):
        session.add(LoginFailure(key=failure_key))
    session.execute(delete(LoginFailure).where(LoginFailure.created_at < utcnow() - timedelta(hours=1)))


def typed_email_for_log(session: Session, email: str, key: str) -> str:
    """What the audit log keeps of the email box of a failed sign-in: the address when an account has
    it, otherwise only a keyed hash (people type passwords there by mistake)."""
    normalised = _normalise_email(email)
    if session.scalar(select(StaffUser.id).where(StaffUser.email == normalised)) is not None:
        return normalised
    return f"unknown address #{fingerprint(normalised, key)[:12]}"


# --- MFA -------------------------------------------------------------------------------------


def new_mfa_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """What the QR code holds: an otpauth:// URI authenticator apps understand."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The 30-second step (this one or either neighbour) whose code is `code`, or None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if not secret or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = int((now or datetime.now(UTC)).timestamp()) // totp.interval
    for candidate in (step - 1, step, step + 1):
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def _claim(session: Session, statement) -> bool:
    """Run a conditional UPDATE; it claimed the code when it changed a row. The database decides, so
    of any number of concurrent requests with the same code exactly one gets a row."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    claimed = result.rowcount == 1  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult
    session.expire_all()
    return claimed


def confirm_mfa_enrolment(session: Session, user_id: int, secret: str, code: str) -> list[str]:
    """Adopt `secret` once a code from it proves the app has it; returns new recovery codes, shown once.

    Until then the account keeps the authenticator it had, so an abandoned change weakens nothing.
    """
    step = _matching_step(secret, code)
    if step is None or not _claim(
        session,
        update(StaffUser)
        .where(
            StaffUser.id == user_id,
            # A new secret has had no code used yet; the same one again must move past the last step.
            (StaffUser.totp_secret.is_(None))
            | (StaffUser.totp_secret != secret)
            | (StaffUser.totp_last_step < step),
        )
        .values(totp_secret=secret, totp_confirmed=True, totp_last_step=step),
    ):
        raise AccountError("The code is not right. Check your authenticator app and enter the 6-digit code")
    # A new authenticator ends every other session, in case the change answers a compromise.
    end_sessions(session, user_id)
    return new_recovery_codes(session, user_id)


def verify_mfa(session: Session, user_id: int, code: str, now: datetime | None = None) -> bool:
    """A TOTP code or an unused recovery code; each works once, however many requests race with it."""
    user = session.get(StaffUser, user_id)
    if user is None:
        return False
    secret = user.totp_secret if user.totp_confirmed else None
    step = _matching_step(secret, code, now) if secret else None
    if step is not None:
        return _claim(
            session,
            update(StaffUser)
            .where(StaffUser.id == user_id, StaffUser.totp_secret == secret, StaffUser.totp_last_step < step)
            .values(totp_last_step=step),
        )
    cleaned = code.strip().replace(" ", "").replace("-", "").lower()
    if len(cleaned) != 10:
        return False
    return _claim(
        session,
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == hashlib.sha256(cleaned.encode()).hexdigest(),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow()),
    )


def reauthenticate(session: Session, user_id: int, password: str, code: str, hasher: PasswordHasher) -> bool:
    """The signed-in person proves it again, with their password and a current code (which is used up),
    before changing their authenticator or recovery codes."""
    user = session.get(StaffUser, user_id)
    if user is None or check_password(session, user.email, password, hasher) != user_id:
        return False
    return verify_mfa(session, user_id, code)


def new_recovery_codes(session: Session, user_id: int) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=hashlib.sha256(code.encode()).hexdigest()))
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def end_sessions(session: Session, user_id: int) -> None:
    """Every session cookie issued to the account so far stops working (the back-office checks the
    version on each request). Signing out, password changes and deactivation all do this."""
    _claim(
        session,
        update(StaffUser)
        .where(StaffUser.id == user_id)
        .values(session_version=StaffUser.session_version + 1),
    )


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
    if not message.body.startswith(config["SITE_URL"].rstrip("/") + "/"):
        return False  # queued for another address (before SITE_URL was set, or since changed): never sent
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
    expired = AccountError("This link has expired or has already been used. Ask for a new one")
    if row is None:
        raise expired
    problem = password_problem(password, session.get_one(StaffUser, row.user_id).email)
    if problem:
        raise AccountError(problem)
    user_id = row.user_id
    if not _claim(
        session,
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow()),
    ):
        raise expired
    set_password(session, user_id, password, hasher)
    return user_id


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
