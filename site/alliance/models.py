"""Every capability's models, imported in one place so Alembic and the tests see all tables."""

from alliance.accounts.models import (  # noqa: F401
    AuditEvent,
    LoginFailure,
    PasswordResetToken,
    RecoveryCode,
    StaffUser,
)
from alliance.pages.models import Page, PageLocale, PageRevision  # noqa: F401
from alliance.search.models import IndexVersion  # noqa: F401
