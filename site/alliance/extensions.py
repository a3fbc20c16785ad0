"""Extensions, created without an app and bound to one in create_app()."""

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect

from alliance.database import Database

db = Database()
babel = Babel()
csrf = CSRFProtect()


def client_key() -> str:
    """Whom a rate limit counts: the client's address as a keyed hash (the one lockout records use),
    so counters in Redis never hold an address in clear."""
    from alliance.accounts.services import fingerprint

    return "client-" + fingerprint(get_remote_address() or "unknown", current_app.config["SECRET_KEY"])


# Counters live in memory, or in Redis when REDIS_URL is set (several nodes share them), under
# REDIS_KEY_PREFIX (create_app sets RATELIMIT_STORAGE_OPTIONS).
limiter = Limiter(key_func=client_key, default_limits=[])
