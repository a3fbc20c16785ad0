"""Configuration classes, one per environment, read from environment variables.

`ALLIANCE_ENV` picks the class (development, test, production); `create_app` takes it.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


class ConfigError(RuntimeError):
    """Raised when the configuration is unsafe or incomplete; the message says why."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class Config:
    ENV_NAME = "base"
    SECRET_KEY = _env("SECRET_KEY")
    DATABASE_URL = _env("DATABASE_URL", f"sqlite:///{INSTANCE / 'alliance.db'}")
    SQLITE_BUSY_TIMEOUT_MS = 5000
    SEARCH_INDEX_DIR = _env("SEARCH_INDEX_DIR", str(INSTANCE / "search"))
    CONTENT_DIR = _env("CONTENT_DIR", str(ROOT / "content"))
    # Interface-string catalogues and their review files (translations/<locale>/REVIEW.json).
    TRANSLATIONS_DIR = _env("TRANSLATIONS_DIR", str(ROOT / "translations"))
    # An XLIFF or PO file returned by a translation agency (flask translations import, the exchange page).
    EXCHANGE_MAX_BYTES = int(_env("EXCHANGE_MAX_BYTES", str(8 * 1024 * 1024)))
    SEARCH_SYNONYMS = _env("SEARCH_SYNONYMS", str(ROOT / "content" / "search" / "synonyms.txt"))
    REDIS_URL = _env("REDIS_URL")
    RATELIMIT_STORAGE_URI = _env("REDIS_URL", "memory://")
    # Keys in a shared Redis start with this, so several sites (or test runs) can share one server.
    REDIS_KEY_PREFIX = _env("REDIS_KEY_PREFIX", "alliance:")
    RATELIMIT_KEY_PREFIX = _env("REDIS_KEY_PREFIX", "alliance:")
    # How many nodes serve this site: above 1, state must live in PostgreSQL and Redis, not on one disk.
    ALLIANCE_NODES = int(_env("ALLIANCE_NODES", "1"))
    # gunicorn worker processes on this node: ops/gunicorn_conf.py sets GUNICORN_WORKERS from its own
    # setting (WEB_CONCURRENCY) before the workers start; 1 anywhere else (flask run, flask commands).
    WEB_WORKERS = int(_env("GUNICORN_WORKERS", "1"))
    # The site's public address, scheme://host[:port]: every link that leaves the site (canonical links,
    # sitemaps, emails, the API's own address) is built from it, never from the request's Host header,
    # and requests naming another host are refused. ALLIANCE_TRUSTED_HOSTS (comma-separated) names more
    # hosts to answer, e.g. the old domain or "www." form while it redirects; see docs/deploy.md.
    SITE_URL = _env("SITE_URL")
    ALLIANCE_TRUSTED_HOSTS = _env("ALLIANCE_TRUSTED_HOSTS", "")
    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))
    # /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`; unset, it is not served.
    METRICS_TOKEN = _env("METRICS_TOKEN")

    # Who this site is for. 21 Cancer Alliances could run it: nothing below lives in code.
    ALLIANCE_NAME = _env("ALLIANCE_NAME", "South Yorkshire, Bassetlaw and North Derbyshire Cancer Alliance")
    ALLIANCE_SHORT_NAME = _env("ALLIANCE_SHORT_NAME", "SYB Cancer Alliance")
    # Who answers for the site: the API's OpenAPI document, security.txt and the catalogue headers.
    ALLIANCE_CONTACT_EMAIL = _env("ALLIANCE_CONTACT_EMAIL", "cancer.alliance@example.nhs.uk")
    # /.well-known/security.txt (RFC 9116). Contact defaults to the e-mail above; Expires (ISO 8601)
    # defaults to 180 days after the request, so set it when a person has reviewed the file.
    SECURITY_CONTACT = _env("SECURITY_CONTACT")
    SECURITY_EXPIRES = _env("SECURITY_EXPIRES")
    SECURITY_POLICY_URL = _env("SECURITY_POLICY_URL")
    SECURITY_LANGUAGES = _env("SECURITY_LANGUAGES", "en")
    LOCALITIES = [
        name.strip()
        for name in _env(
            "ALLIANCE_LOCALITIES", "Barnsley,Bassetlaw,Doncaster,Rotherham,Sheffield,North Derbyshire"
        ).split(",")
    ]
    # Place names a reader may type instead of a postcode, each measured from the centre of a postcode
    # district (content/directory/outcode-centroids.csv): the localities and the main towns. The
    # names are matched in English and in every offered language (translated in the catalogues).
    PLACES = {
        name.strip(): district.strip().upper()
        for name, _sep, district in (
            item.partition(":")
            for item in _env(
                "ALLIANCE_PLACES",
                "Barnsley:S70,Bassetlaw:S80,Doncaster:DN1,Rotherham:S60,Sheffield:S1,North Derbyshire:S40,"
                "Worksop:S80,Retford:DN22,Chesterfield:S40,Mexborough:S64,Wath upon Dearne:S63,"
                "Penistone:S36,Bolsover:S44,Dronfield:S18,Maltby:S66,Thorne:DN8,Dinnington:S25,"
                "Conisbrough:DN12,Clay Cross:S45,Staveley:S43,Harworth:DN11,Wombwell:S73",
            ).split(",")
        )
        if name.strip() and district.strip()
    }
    # Language codes offered, in the order the switcher shows them; see alliance/i18n.py.
    LANGUAGES = [
        code.strip() for code in _env("ALLIANCE_LANGUAGES", "en,ar,bn,ckb,pl,pa,ro,sk,so,zh,ur").split(",")
    ]

    # The largest request body (bytes): larger ones get a 413 page before they are read. The import
    # pages of the back-office take more (alliance/uploads.py): a content zip up to its 10 MB limit, and
    # directory and trials files up to IMPORT_MAX_BYTES (a 10,000-service directory export is 42 MB).
    MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", str(1024 * 1024)))
    CONTENT_IMPORT_MAX_BYTES = 11 * 1024 * 1024
    IMPORT_MAX_BYTES = int(_env("IMPORT_MAX_BYTES", str(64 * 1024 * 1024)))
    # What a directory import may unpack from a zip, all files together, counted as they are read.
    IMPORT_UNZIPPED_MAX_BYTES = int(_env("IMPORT_UNZIPPED_MAX_BYTES", str(256 * 1024 * 1024)))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 30 * 60
    WTF_CSRF_TIME_LIMIT = 4 * 60 * 60
    HSTS = False
    PAGE_CACHE = True
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    COMPRESS_MIN_BYTES = 512
    SMTP_HOST = _env("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(_env("SMTP_PORT", "25"))
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_STARTTLS = _env("SMTP_STARTTLS") == "1"
    MAIL_FROM = _env("MAIL_FROM", "no-reply@example.nhs.uk")
    # Outgoing mail goes through the outbox (`flask mail send`); see docs/deploy.md, "Outgoing mail".
    MAIL_TRANSPORT = _env("MAIL_TRANSPORT", "smtp")  # smtp or notify
    NOTIFY_API_KEY = _env("NOTIFY_API_KEY")
    NOTIFY_BASE_URL = _env("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    # A Notify email template whose subject is ((subject)) and whose body is ((body)); NOTIFY_TEMPLATES
    # ("kind=id,kind=id") gives some kinds of message (e.g. password-reset) templates of their own.
    NOTIFY_TEMPLATE_ID = _env("NOTIFY_TEMPLATE_ID")
    NOTIFY_TEMPLATES = _env("NOTIFY_TEMPLATES", "")
    MAIL_MAX_ATTEMPTS = int(_env("MAIL_MAX_ATTEMPTS", "6"))
    MAIL_RETRY_BASE_SECONDS = int(_env("MAIL_RETRY_BASE_SECONDS", "60"))
    MAIL_RETRY_MAX_SECONDS = int(_env("MAIL_RETRY_MAX_SECONDS", str(6 * 60 * 60)))
    MAIL_CLAIM_TIMEOUT_SECONDS = 15 * 60
    MAIL_SEND_BATCH = 50
    MAIL_LOOP_SECONDS = float(_env("MAIL_LOOP_SECONDS", "5"))
    # Sent (and dropped or discarded) messages are deleted this many days after they were queued.
    # Who is emailed (through the outbox) when a survey answer may show a safeguarding concern: the
    # Alliance's safeguarding contacts, comma-separated, for every survey. The email links to the answer
    # in the back-office and never carries its text. Empty: no alert is sent (the queue still flags it).
    SAFEGUARDING_CONTACTS = [
        address.strip() for address in (_env("SAFEGUARDING_CONTACTS") or "").split(",") if address.strip()
    ]
    MAIL_KEEP_DAYS = int(_env("MAIL_KEEP_DAYS", "30"))
    # Password reset requests, counted whether or not the address has an account (flask-limiter syntax).
    PASSWORD_RESET_LIMIT_PER_EMAIL = _env("PASSWORD_RESET_LIMIT_PER_EMAIL", "3 per hour")
    PASSWORD_RESET_LIMIT_PER_CLIENT = _env("PASSWORD_RESET_LIMIT_PER_CLIENT", "20 per hour")
    STAFF_IDLE_TIMEOUT = 30 * 60
    STAFF_ABSOLUTE_TIMEOUT = 12 * 60 * 60
    LOGIN_FAILURE_LIMIT = 10
    LOGIN_FAILURE_WINDOW = 5 * 60
    PASSWORD_RESET_LIFETIME = 60 * 60

    # Clinical trials: which towns count as local ("Town:Locality"), a circle around the region for
    # hospitals in other towns, and the ClinicalTrials.gov fetch (off unless switched on here).
    TRIALS_AREA_CITIES = [
        pair.strip()
        for pair in _env(
            "TRIALS_AREA_CITIES",
            "Sheffield:Sheffield,Rotherham:Rotherham,Doncaster:Doncaster,Barnsley:Barnsley,"
            "Worksop:Bassetlaw,Retford:Bassetlaw,Chesterfield:North Derbyshire",
        ).split(",")
    ]
    TRIALS_AREA_CENTRE = (53.38, -1.36)
    TRIALS_AREA_RADIUS_KM = float(_env("TRIALS_AREA_RADIUS_KM", "0"))
    # Survey responses are deleted this many months after the survey closes (`flask retention run`).
    SURVEY_RETENTION_MONTHS = int(_env("SURVEY_RETENTION_MONTHS", "24"))
    # Answers in progress (not yet sent) are kept server-side this many hours after their last page.
    SURVEY_DRAFT_HOURS = int(_env("SURVEY_DRAFT_HOURS", "24"))
    TRIALS_STALE_DAYS = int(_env("TRIALS_STALE_DAYS", "180"))
    # Events: names, email addresses and access needs of the people registered are erased this many days
    # after the event ends (`flask retention run`); reminders go this many hours before it starts
    # (`flask events remind`, from cron); registrations allowed per address and time.
    EVENT_RETENTION_DAYS = int(_env("EVENT_RETENTION_DAYS", "30"))
    EVENT_REMINDER_HOURS = int(_env("EVENT_REMINDER_HOURS", "48"))
    EVENTS_REGISTER_LIMIT = _env("EVENTS_REGISTER_LIMIT", "5 per 10 minutes")
    # E-bulletin sign-ups not confirmed within this many hours are deleted (`flask retention run`).
    BULLETIN_CONFIRM_HOURS = int(_env("BULLETIN_CONFIRM_HOURS", "72"))
    BULLETIN_SUBSCRIBE_LIMIT = _env("BULLETIN_SUBSCRIBE_LIMIT", "5 per 10 minutes")
    PANEL_JOIN_LIMIT = _env("PANEL_JOIN_LIMIT", "5 per 10 minutes")
    TRIALS_FETCH_ENABLED = _env("TRIALS_FETCH_ENABLED") == "1"
    TRIALS_API_URL = _env("TRIALS_API_URL", "https://clinicaltrials.gov/api/v2/studies")
    TRIALS_FETCH_CONDITION = _env("TRIALS_FETCH_CONDITION", "cancer")
    TRIALS_FETCH_LOCATION = _env("TRIALS_FETCH_LOCATION", "Sheffield, United Kingdom")
    TRIALS_FETCH_STATUSES = ["RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"]
    TRIALS_FETCH_PAGE_SIZE = 100
    TRIALS_FETCH_MAX_PAGES = 20

    @classmethod
    def check(cls) -> None:
        """Refuse unsafe settings; each environment adds its own rules."""
        _check_mail(cls)
        _check_site_url(cls)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = _env("SECRET_KEY", "development-only-key-not-secret")
    DEBUG = _env("FLASK_DEBUG") == "1"
    SITE_URL = _env("SITE_URL", "http://127.0.0.1:5000")
    ALLIANCE_TRUSTED_HOSTS = _env("ALLIANCE_TRUSTED_HOSTS", "localhost")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-only-key"
    # Flask's test client names the host "localhost"; browser tests' servers listen on 127.0.0.1.
    SITE_URL = "http://127.0.0.1:5000"
    ALLIANCE_TRUSTED_HOSTS = "localhost"
    DATABASE_URL = _env("TEST_DATABASE_URL", "sqlite://")
    # Outside services point at addresses that fail loudly if a test reaches them by mistake.
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = "memory://"
    SMTP_HOST = "127.0.0.1"
    SMTP_PORT = 9
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    PAGE_CACHE = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    HSTS = True

    @classmethod
    def check(cls) -> None:
        _check_mail(cls)
        if not cls.SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production."
            )
        if _env("FLASK_DEBUG") == "1" or getattr(cls, "DEBUG", False):
            raise ConfigError("FLASK_DEBUG=1 is not allowed in production: it exposes a code console.")
        if cls.ALLIANCE_NODES > 1 and cls.DATABASE_URL.startswith("sqlite"):
            raise ConfigError(
                f"ALLIANCE_NODES={cls.ALLIANCE_NODES} but DATABASE_URL is SQLite, a file on one machine: "
                "set DATABASE_URL to a PostgreSQL database every node reaches (see docs/deploy.md)."
            )
        if cls.ALLIANCE_NODES > 1 and not cls.REDIS_URL:
            raise ConfigError(
                f"ALLIANCE_NODES={cls.ALLIANCE_NODES} but REDIS_URL is not set: rate limits and cached pages "
                "would be counted per node. Set REDIS_URL to a Redis server every node reaches."
            )
        if cls.WEB_WORKERS > 1 and cls.RATELIMIT_STORAGE_URI.startswith("memory://"):
            raise ConfigError(
                f"gunicorn is set to run {cls.WEB_WORKERS} workers but REDIS_URL is not set: each worker "
                f"would count rate limits on its own, letting through {cls.WEB_WORKERS} times the limit. "
                "Set REDIS_URL to a Redis server the workers share, or WEB_CONCURRENCY=1 "
                "(see docs/deploy.md)."
            )
        if not cls.SITE_URL:
            raise ConfigError(
                "SITE_URL must be set in production to the site's public address, e.g. "
                "https://www.example-cancer-alliance.nhs.uk: links in pages, sitemaps and emails are built "
                "from it, and requests naming any other host are refused (see docs/deploy.md)."
            )
        _check_site_url(cls)
        domain = (cls.ALLIANCE_CONTACT_EMAIL or "").rpartition("@")[2].lower()
        if not domain or domain == "example.nhs.uk" or domain.endswith(".example.nhs.uk"):
            raise ConfigError(
                "ALLIANCE_CONTACT_EMAIL must be set in production to an address the Alliance reads: "
                "security.txt and the ORUK API's OpenAPI document publish it (see docs/deploy.md)."
            )


def _check_mail(cls: type[Config]) -> None:
    if cls.MAIL_TRANSPORT not in ("smtp", "notify"):
        raise ConfigError(f"MAIL_TRANSPORT={cls.MAIL_TRANSPORT!r} is not smtp or notify.")
    if cls.MAIL_TRANSPORT == "notify" and (not cls.NOTIFY_API_KEY or len(cls.NOTIFY_API_KEY) < 74):
        raise ConfigError("MAIL_TRANSPORT=notify needs NOTIFY_API_KEY, the whole key Notify gave you.")
    if cls.MAIL_TRANSPORT == "notify" and not cls.NOTIFY_TEMPLATE_ID:
        raise ConfigError(
            "MAIL_TRANSPORT=notify needs NOTIFY_TEMPLATE_ID (see docs/deploy.md, Outgoing mail)."
        )


def _check_site_url(cls: type[Config]) -> None:
    if not cls.SITE_URL:
        return
    try:
        parts = urlsplit(cls.SITE_URL)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ConfigError(
            f"SITE_URL={cls.SITE_URL!r} is not a site address: give the scheme and host only, "
            "e.g. https://www.example-cancer-alliance.nhs.uk (a port may follow the host; no path)."
        )


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    name = name or _env("ALLIANCE_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"ALLIANCE_ENV={name!r} is not one of {', '.join(CONFIGS)}.") from None
