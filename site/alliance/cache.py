"""Rendered public pages, cached per (path, the query parameters the view reads, content version).

A cacheable view declares the query parameters it reads (`cacheable(...)`). The cache key is the path
plus only those parameters, normalised: tracking parameters (`fbclid`, `utm_*`, anything the view
does not read) never make a new entry, and such links are answered from the cache.

Pages carry no per-request parts (the CSP lists hashes of the constant inline scripts, ADR 0006), so
a cached page is the same bytes for every reader: it is kept plain and gzipped, with a weak ETag of
its bytes, and a hit costs no rendering and no compression. Hits are answered by a small WSGI layer in
front of Flask; misses go through Flask. Both send `Cache-Control` and `ETag`, and answer a matching
`If-None-Match` with 304.

What the cache may hold is bounded: in memory, an LRU with at most `PAGE_CACHE_MAX_ENTRIES` entries and
`PAGE_CACHE_MAX_BYTES` bytes; in Redis, keys carry the content version, expire after
`PAGE_CACHE_REDIS_TTL` seconds, at most `PAGE_CACHE_REDIS_MAX_KEYS` are written per content version,
and no entry above `PAGE_CACHE_MAX_ENTRY_BYTES` is kept (ADR 0003).

Publishing bumps the content version in the database. Each process re-reads that version at most
once a second (and at once after a change it made itself), so every node serves new content within
about a second, and never a page from an older version than it has seen.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import struct
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from flask import Flask, Response, current_app, g, make_response, request, session
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie, parse_etags, unquote_etag

from alliance import security
from alliance.hosts import ENVIRON_REFUSED
from alliance.inputs import url_is_clean
from alliance.ops.requestlog import ENVIRON_ENDPOINT

VERSION_NAME = "pages-content"
logger = logging.getLogger("alliance.cache")

# Defaults for the settings a deployment may override in its configuration.
DEFAULTS = {
    "PAGE_CACHE_MAX_ENTRIES": 2000,
    "PAGE_CACHE_MAX_BYTES": 64 * 1024 * 1024,
    "PAGE_CACHE_MAX_ENTRY_BYTES": 1024 * 1024,
    "PAGE_CACHE_REDIS_TTL": 60 * 60,
    "PAGE_CACHE_REDIS_MAX_KEYS": 5000,
    # How long a browser or a proxy may reuse a cached public page before revalidating it.
    "PUBLIC_MAX_AGE": 60,
}

PRIVATE = "private, no-store"
# Blueprints whose pages are never stored by a browser or a proxy: staff pages and survey answers.
PRIVATE_BLUEPRINTS = frozenset({"backoffice", "surveys"})


def setting(app: Flask, name: str):
    return app.config.get(name, DEFAULTS[name])


# --- Which requests share an entry ---------------------------------------------------------------


def cacheable(*params: str):
    """Mark a view as cached, reading only the query parameters named here.

    The view calls `cached_page`; the WSGI layer uses the declaration to answer hits before Flask.
    """

    def mark(view):
        view.cache_params = tuple(sorted(set(params)))
        return view

    return mark


def never_stored(view):
    """Mark a public view whose pages may carry what one person told the site (answers in the query
    string): browsers and proxies get `private, no-store`, as for sessions and forms."""
    view.never_stored = True
    return view


def cache_params(app: Flask, endpoint: str | None) -> tuple[str, ...] | None:
    """The query parameters the view at `endpoint` reads, or None if its pages are not cached."""
    view = app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "cache_params", None)


def normalised_query(query_string: str, params: Iterable[str]) -> str:
    """Only the parameters the view reads, empty values dropped, sorted: one spelling per page."""
    wanted = set(params)
    if not wanted or not query_string:
        return ""
    pairs = [
        (name, value.strip())
        for name, value in parse_qsl(query_string, keep_blank_values=False)
        if name in wanted and value.strip()
    ]
    return urlencode(sorted(pairs))


def page_key(path: str, query_string: str, params: Iterable[str]) -> str:
    query = normalised_query(query_string, params)
    return path + ("?" + query if query else "")


def request_query(params: Iterable[str] | None = None) -> str:
    """The query string a page may repeat in its links: for a cached view, only what it reads."""
    if params is None:
        params = cache_params(current_app, request.endpoint)
    raw = request.environ.get("QUERY_STRING", "")
    return raw if params is None else normalised_query(raw, params)


# --- Entries and stores ---------------------------------------------------------------------------


def weak_etag(body: bytes) -> str:
    """One tag for the plain and the gzipped bytes: they are the same page (RFC 9110, weak validator)."""
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


@dataclass
class CachedPage:
    version: int
    body: bytes
    gzipped: bytes
    csp: str
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        self.etag = weak_etag(self.body)

    @classmethod
    def from_html(cls, html: str, version: int, csp: str) -> CachedPage:
        body = html.encode("utf-8")
        return cls(version, body, gzip.compress(body, compresslevel=6, mtime=0), csp)

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped) + len(self.csp)

    def matches(self, if_none_match: str | None) -> bool:
        """Whether a conditional GET names this page (weak comparison, as RFC 9110 asks for GET)."""
        return bool(if_none_match) and parse_etags(if_none_match).contains_weak(unquote_etag(self.etag)[0])


class PageCache:
    """In-process LRU bounded by entry count and by bytes."""

    def __init__(
        self,
        max_entries: int = DEFAULTS["PAGE_CACHE_MAX_ENTRIES"],
        max_bytes: int = DEFAULTS["PAGE_CACHE_MAX_BYTES"],
        max_entry_bytes: int = DEFAULTS["PAGE_CACHE_MAX_ENTRY_BYTES"],
    ):
        self.max_entries, self.max_bytes, self.max_entry_bytes = max_entries, max_bytes, max_entry_bytes
        self._entries: OrderedDict[str, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key: str, version: int) -> CachedPage | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version:
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: CachedPage) -> None:
        if entry.size > min(self.max_entry_bytes, self.max_bytes):
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _key, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


class RedisPageCache:
    """The same interface as PageCache, shared by every node through Redis (when REDIS_URL is set).

    Keys carry the content version, so a publish moves every node to new keys and the old ones
    simply expire after `ttl`. At most `max_keys` entries are written per content version (a counter
    that expires with them) and none above `max_entry_bytes`. A Redis failure is a cache miss, never
    an error page: the page is rendered as if nothing were cached, and Redis is not asked again for
    `retry_after` seconds, so an unreachable Redis costs a request no waiting.
    """

    retry_after = 5.0

    def __init__(
        self,
        client,
        prefix: str,
        ttl: int = DEFAULTS["PAGE_CACHE_REDIS_TTL"],
        max_keys: int = DEFAULTS["PAGE_CACHE_REDIS_MAX_KEYS"],
        max_entry_bytes: int = DEFAULTS["PAGE_CACHE_MAX_ENTRY_BYTES"],
    ):
        self.client, self.prefix = client, prefix + "page:"
        self.ttl, self.max_keys, self.max_entry_bytes = ttl, max_keys, max_entry_bytes
        self._skip_until = 0.0

    def _down(self, when: str) -> None:
        self._skip_until = time.monotonic() + self.retry_after
        logger.warning(f"page cache: Redis unavailable on {when}, skipping the cache for a while")

    def _skipping(self) -> bool:
        return time.monotonic() < self._skip_until

    def ping(self) -> bool:
        """Whether Redis answers now (for /readyz)."""
        try:
            return bool(self.client.ping())
        except Exception:
            return False

    @staticmethod
    def dumps(entry: CachedPage) -> bytes:
        csp = entry.csp.encode("ascii")
        head = struct.pack("<QIII", entry.version, len(entry.body), len(entry.gzipped), len(csp))
        return head + entry.body + entry.gzipped + csp

    @staticmethod
    def loads(data: bytes) -> CachedPage:
        version, body_size, gzipped_size, csp_size = struct.unpack_from("<QIII", data)
        offset = struct.calcsize("<QIII")
        body = data[offset : offset + body_size]
        offset += body_size
        gzipped = data[offset : offset + gzipped_size]
        offset += gzipped_size
        return CachedPage(version, body, gzipped, data[offset : offset + csp_size].decode("ascii"))

    def _key(self, version: int, key: str) -> str:
        return f"{self.prefix}{version}:{key}"

    def get(self, key: str, version: int) -> CachedPage | None:
        if self._skipping():
            return None
        try:
            data = self.client.get(self._key(version, key))
        except Exception:  # redis raises several unrelated types; any of them is a miss here
            self._down("read")
            return None
        return self.loads(data) if data else None

    def put(self, key: str, entry: CachedPage) -> None:
        data = self.dumps(entry)
        if len(data) > self.max_entry_bytes or self._skipping():
            return
        counter = f"{self.prefix}{entry.version}#count"
        try:
            pipe = self.client.pipeline()
            pipe.incr(counter)
            pipe.expire(counter, self.ttl, nx=True)
            count, _ = pipe.execute()
            if count > self.max_keys:
                return
            self.client.set(self._key(entry.version, key), data, ex=self.ttl)
        except Exception:
            self._down("write")

    def clear(self) -> None:
        for key in self.client.scan_iter(match=self.prefix + "*", count=500):
            self.client.delete(key)


class ContentVersion:
    """The content version from the database, re-read at most every `ttl` seconds.

    When the database cannot be read, the version last read stands (retried at most every `ttl`), so
    pages cached for it are still served; a process that has never read it raises the error.
    """

    def __init__(self, read: Callable[[], int], ttl: float = 1.0):
        self._read, self.ttl = read, ttl
        self._value, self._at = 0, 0.0
        self._known = False

    def current(self) -> int:
        now = time.monotonic()
        if now - self._at > self.ttl:
            try:
                value = self._read()
            except SQLAlchemyError:
                if not self._known:
                    raise
                self._at = now
                logger.warning("page cache: database unavailable, serving the version last read")
                return self._value
            self._value, self._at, self._known = value, now, True
        return self._value

    def expire(self) -> None:
        self._at = 0.0


_versions: list[ContentVersion] = []


def content_changed() -> None:
    """This process changed content: re-read the version on the next request."""
    for version in _versions:
        version.expire()


# --- HTTP caching ---------------------------------------------------------------------------------


def public_cache_control(max_age: int) -> str:
    return f"public, max-age={max_age}" if max_age > 0 else "public, no-cache"


def cache_control_for(
    *,
    method: str,
    status: int,
    blueprint: str | None,
    personal_view: bool,
    has_session: bool,
    made_csrf_token: bool,
    sets_cookie: bool,
    already: str | None,
) -> str | None:
    """The Cache-Control a response should carry, or None to keep the one it has.

    Anything that belongs to one person (a session, a CSRF token, a cookie, staff and survey pages,
    a view marked `never_stored`) is `private, no-store`; other successful reads are public and revalidated.
    """
    if (
        method not in ("GET", "HEAD")
        or blueprint in PRIVATE_BLUEPRINTS
        or personal_view
        or has_session
        or made_csrf_token
        or sets_cookie
    ):
        return PRIVATE
    if already:
        return None
    if status != 200:
        return PRIVATE if status >= 300 else None
    return "public, no-cache"


def _http_caching(response: Response) -> Response:
    if request.endpoint in ("static", "nhsuk_assets"):
        return response  # fingerprinted or plain files: alliance/assets.py sets their Cache-Control
    value = cache_control_for(
        method=request.method,
        status=response.status_code,
        blueprint=request.blueprint,
        personal_view=getattr(current_app.view_functions.get(request.endpoint or ""), "never_stored", False),
        has_session=bool(session) or session.modified,
        made_csrf_token=current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g,
        sets_cookie="Set-Cookie" in response.headers,
        already=response.headers.get("Cache-Control"),
    )
    if value is not None:
        response.headers["Cache-Control"] = value
    if "no-store" in response.headers.get("Cache-Control", ""):
        response.headers.pop("ETag", None)
        return response
    if response.status_code == 200 and not response.is_streamed and not response.direct_passthrough:
        if "ETag" not in response.headers:
            response.headers["ETag"] = weak_etag(response.get_data())
        response.make_conditional(request)
    return response


# --- Serving --------------------------------------------------------------------------------------


def _has_session_cookie(app: Flask, environ: dict) -> bool:
    cookies = environ.get("HTTP_COOKIE")
    return bool(cookies) and app.config.get("SESSION_COOKIE_NAME", "session") in parse_cookie(cookies)


class CachedPageMiddleware:
    """Answers cache hits before Flask; everything else goes to Flask unchanged."""

    MAX_ROUTES = 4096

    def __init__(self, flask_app: Flask, wsgi_app):
        self.flask_app, self.wsgi_app = flask_app, wsgi_app
        self.versions = flask_app.extensions["content_version"]
        self._routes: dict[str, str] = {}  # path -> endpoint, so a hit does not match the URL map again

    def _endpoint(self, environ) -> str | None:
        path = environ.get("PATH_INFO", "")
        endpoint = self._routes.get(path)
        if endpoint is None:
            try:
                endpoint, _values = self.flask_app.url_map.bind_to_environ(environ).match()
            except (HTTPException, ValueError):  # no route, or a Host werkzeug cannot encode
                return None
            if len(path) <= 256:  # at most MAX_ROUTES short paths are remembered
                if len(self._routes) >= self.MAX_ROUTES:
                    self._routes.clear()
                self._routes[path] = endpoint
        return endpoint

    def __call__(self, environ, start_response):
        app = self.flask_app
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or not app.config["PAGE_CACHE"]
            or _has_session_cookie(app, environ)
            or environ.get(ENVIRON_REFUSED)  # a request for an unknown host: Flask answers 400
            or not url_is_clean(environ)  # control characters or broken UTF-8: Flask answers 400
        ):
            return self.wsgi_app(environ, start_response)
        endpoint = self._endpoint(environ)
        params = cache_params(app, endpoint)
        if params is None:
            return self.wsgi_app(environ, start_response)
        environ[ENVIRON_ENDPOINT] = endpoint  # the request log need not match the route again
        try:
            version = self.versions.current()
        except SQLAlchemyError:  # the database is down or not migrated: Flask answers as it would
            return self.wsgi_app(environ, start_response)
        key = page_key(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), params)
        entry = app.extensions["page_cache"].get(key, version)
        if entry is None:
            return self.wsgi_app(environ, start_response)
        headers = [
            ("Cache-Control", public_cache_control(setting(app, "PUBLIC_MAX_AGE"))),
            ("ETag", entry.etag),
            ("Vary", "Accept-Encoding, Cookie"),
        ]
        headers.extend(security.header_items(entry.csp, app.config["HSTS"]))
        if entry.matches(environ.get("HTTP_IF_NONE_MATCH")):
            start_response("304 Not Modified", headers)
            return [b""]
        gzip_ok = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        body = entry.gzipped if gzip_ok else entry.body
        headers += [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        if gzip_ok:
            headers.append(("Content-Encoding", "gzip"))
        start_response("200 OK", headers)
        return [body]


def init_app(app: Flask) -> None:
    from alliance.extensions import db

    def read_version() -> int:
        with app.app_context(), db.engine.connect() as connection:
            value = connection.execute(
                text("SELECT version FROM index_versions WHERE name = :name"), {"name": VERSION_NAME}
            ).scalar()
        return value or 0

    if app.config.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5)
        app.extensions["page_cache"] = RedisPageCache(
            client,
            app.config.get("REDIS_KEY_PREFIX", "alliance:"),
            ttl=setting(app, "PAGE_CACHE_REDIS_TTL"),
            max_keys=setting(app, "PAGE_CACHE_REDIS_MAX_KEYS"),
            max_entry_bytes=setting(app, "PAGE_CACHE_MAX_ENTRY_BYTES"),
        )
    else:
        app.extensions["page_cache"] = PageCache(
            max_entries=setting(app, "PAGE_CACHE_MAX_ENTRIES"),
            max_bytes=setting(app, "PAGE_CACHE_MAX_BYTES"),
            max_entry_bytes=setting(app, "PAGE_CACHE_MAX_ENTRY_BYTES"),
        )
    version = ContentVersion(read_version)
    app.extensions["content_version"] = version
    _versions.append(version)
    app.after_request(_http_caching)
    app.wsgi_app = CachedPageMiddleware(app, app.wsgi_app)


def cached_page(version: int, render: Callable[[], tuple[str, int]]) -> Response:
    """Render a page (on a cache miss) and keep it for this key and content version."""
    max_age = setting(current_app, "PUBLIC_MAX_AGE")
    if not current_app.config["PAGE_CACHE"]:
        html, status = render()
        response = make_response(html, status)
        if status == 200:
            response.headers["Cache-Control"] = public_cache_control(max_age)
        return response
    params = cache_params(current_app, request.endpoint) or ()
    key = page_key(request.environ.get("PATH_INFO", ""), request.environ.get("QUERY_STRING", ""), params)
    cache: PageCache = current_app.extensions["page_cache"]
    entry = cache.get(key, version)
    if entry is None:
        html, status = render()
        if status != 200:
            return make_response(html, status)
        entry = CachedPage.from_html(html, version, security.current_policy())
        cache.put(key, entry)
    response = make_response(entry.body, 200)
    response.headers["Cache-Control"] = public_cache_control(max_age)
    response.headers["ETag"] = entry.etag
    response.vary.update(("Accept-Encoding", "Cookie"))
    return response
