"""Staff account services: primitives in, plain values out."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.accounts.models import StaffUser

ROLES = ("administrator", "editor", "publisher", "directory_manager", "engagement_lead", "moderator")
MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A request about an account that cannot be met; the message is safe to show."""


def password_hasher(time_cost: int = 3, memory_cost: int = 64 * 1024) -> PasswordHasher:
    # argon2-cffi's PasswordHasher is argon2id.
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def create_user(
    session: Session,
    email: str,
    display_name: str,
    password: str,
    roles: list[str],
    hasher: PasswordHasher,
) -> int:
    """Create a staff account and return its id."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter an email address in the correct format, like name@example.nhs.uk")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")
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
    session.commit()
    return user.id


def check_password(session: Session, email: str, password: str, hasher: PasswordHasher) -> int | None:
    """Return the id of the active account whose password matches, else None."""
    user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None or not user.is_active:
        return None
    try:
        hasher.verify(user.password_hash, password)
    except VerificationError:
        return None
    return user.id
