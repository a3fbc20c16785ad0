"""Extensions, created without an app and bound to one in create_app()."""

import logging

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect
from limits import RateLimitItem
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

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
# REDIS_KEY_PREFIX (create_app sets RATELIMIT_STORAGE_OPTIONS). With Redis unreachable, flask-limiter
# counts in this process instead (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED, set in create_app) and logs a
# warning; it goes back to Redis once Redis answers again.
limiter = Limiter(key_func=client_key, default_limits=[])

logger = logging.getLogger("alliance.ratelimit")
_fallback = FixedWindowRateLimiter(MemoryStorage())


def hit_limit(item: RateLimitItem, *identifiers: str) -> bool:
    """Count one hit against a limit checked in code (not by a route decorator); False when over it.

    Counted where the route limits are; with that storage unreachable, in this process's memory.
    """
    try:
        return limiter.limiter.hit(item, *identifiers)
    except Exception as error:  # redis raises several unrelated types; each means the same here
        logger.warning(
            "rate limits: storage unreachable, counting in this process",
            extra={"fields": {"error": type(error).__name__}},
        )
        return _fallback.hit(item, *identifiers)
