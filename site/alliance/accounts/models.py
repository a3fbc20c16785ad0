from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from alliance.database import Base, utcnow


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Space-separated role names; see alliance.accounts.permissions.ROLES.
    roles: Mapped[str] = mapped_column(String(255), default="")
    # Space-separated language codes a translation_reviewer may review (e.g. "ur ar").
    review_languages: Mapped[str] = mapped_column(String(100), default="", server_default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Base32 TOTP secret; MFA is required, so an account without a confirmed secret must enrol first.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed: Mapped[bool] = mapped_column(default=False)
    # The last 30-second step a code was accepted for: a code works once.
    totp_last_step: Mapped[int] = mapped_column(default=0)
    # Bumped by "sign out everywhere" and password changes: older sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)

    @property
    def role_set(self) -> set[str]:
        return set(self.roles.split())

    @property
    def review_language_set(self) -> set[str]:
        return set((self.review_languages or "").split())


class RecoveryCode(Base):
    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class PasswordResetToken(Base):
    __tablename__ = "staff_password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginFailure(Base):
    """A failed sign-in, counted per account and per address for the lockout; pruned after an hour."""

    __tablename__ = "staff_login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AuditEvent(Base):
    """Append-only: rows are added, never changed (enforced in the ORM and by a database trigger)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, _context, _instances) -> None:
    if any(isinstance(obj, AuditEvent) for obj in (*session.dirty, *session.deleted)):
        raise PermissionError("Audit events are append-only: they cannot be changed or deleted")
