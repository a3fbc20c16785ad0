"""Extensions, created without an app and bound to one in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect

from alliance.database import Database

db = Database()
babel = Babel()
csrf = CSRFProtect()
# Counters live in memory, or in Redis when REDIS_URL is set (several nodes share them).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
