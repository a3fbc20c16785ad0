"""Rendered public pages, cached per (path and query, content version), served fresh to every reader.

A page is rendered once with a placeholder where the per-request CSP nonce goes. It is kept as the
pieces between placeholders, each also deflated on its own, so a cache hit costs no rendering and no
compression: the reader's nonce is deflated (a few bytes) and the pieces are joined into one valid
gzip stream. Hits are answered by a small WSGI layer in front of Flask; misses go through Flask.

Publishing bumps the content version in the database. Each process re-reads that version at most
once a second (and at once after a change it made itself), so every node serves new content within
about a second, and never a page from an older version than it has seen.
"""

from __future__ import annotations

import logging
import secrets
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, make_response, request
from sqlalchemy import text

from alliance import security

NONCE_PLACEHOLDER = "__app_csp_nonce__"
VERSION_NAME = "pages-content"
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
logger = logging.getLogger("alliance.cache")


def _deflate(data: bytes, level: int) -> bytes:
    """Raw deflate ending on a byte boundary with no history, so pieces can be joined."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


_FINAL_BLOCK = zlib.compressobj(6, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


@dataclass
class CachedPage:
    version: int
    parts: list[bytes]
    deflated: list[bytes]

    @classmethod
    def from_html(cls, html: str, version: int) -> CachedPage:
        parts = [part.encode("utf-8") for part in html.split(NONCE_PLACEHOLDER)]
        return cls(version, parts, [_deflate(part, 6) for part in parts])

    def plain(self, nonce: str) -> bytes:
        return nonce.encode("ascii").join(self.parts)

    def gzipped(self, nonce: str) -> bytes:
        nonce_bytes = nonce.encode("ascii")
        nonce_deflated = _deflate(nonce_bytes, 1)
        chunks, crc, size = [GZIP_HEADER], 0, 0
        for index, (part, deflated) in enumerate(zip(self.parts, self.deflated, strict=True)):
            if index:
                chunks.append(nonce_deflated)
                crc = zlib.crc32(nonce_bytes, crc)
                size += len(nonce_bytes)
            chunks.append(deflated)
            crc = zlib.crc32(part, crc)
            size += len(part)
        chunks.append(_FINAL_BLOCK)
        chunks.append(struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))
        return b"".join(chunks)


class PageCache:
    def __init__(self, max_entries: int = 2000):
        self.max_entries = max_entries
        self._entries: OrderedDict[str, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: CachedPage) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class RedisPageCache:
    """The same interface as PageCache, shared by every node through Redis (when REDIS_URL is set).

    Entries expire after `ttl` seconds unread-or-not, so pages of old versions do not pile up. A Redis
    failure is a cache miss, never an error page: the page is rendered as if nothing were cached.
    """

    def __init__(self, client, prefix: str, ttl: int = 24 * 60 * 60):
        self.client, self.prefix, self.ttl = client, prefix + "page:", ttl

    @staticmethod
    def dumps(entry: CachedPage) -> bytes:
        sizes = [len(piece) for pair in zip(entry.parts, entry.deflated, strict=True) for piece in pair]
        head = struct.pack(f"<QI{len(sizes)}I", entry.version, len(entry.parts), *sizes)
        return head + b"".join(
            piece for pair in zip(entry.parts, entry.deflated, strict=True) for piece in pair
        )

    @staticmethod
    def loads(data: bytes) -> CachedPage:
        version, count = struct.unpack_from("<QI", data)
        sizes = struct.unpack_from(f"<{2 * count}I", data, 12)
        offset, pieces = 12 + 8 * count, []
        for size in sizes:
            pieces.append(data[offset : offset + size])
            offset += size
        return CachedPage(version, pieces[0::2], pieces[1::2])

    def get(self, key: str) -> CachedPage | None:
        try:
            data = self.client.get(self.prefix + key)
        except Exception:  # redis raises several unrelated types; any of them is a miss here
            logger.warning("page cache: Redis unavailable on read")
            return None
        return self.loads(data) if data else None

    def put(self, key: str, entry: CachedPage) -> None:
        try:
            self.client.set(self.prefix + key, self.dumps(entry), ex=self.ttl)
        except Exception:
            logger.warning("page cache: Redis unavailable on write")

    def clear(self) -> None:
        for key in self.client.scan_iter(match=self.prefix + "*", count=500):
            self.client.delete(key)


class ContentVersion:
    """The content version from the database, re-read at most every `ttl` seconds."""

    def __init__(self, read: Callable[[], int], ttl: float = 1.0):
        self._read, self.ttl = read, ttl
        self._value, self._at = 0, 0.0

    def current(self) -> int:
        now = time.monotonic()
        if now - self._at > self.ttl:
            self._value, self._at = self._read(), now
        return self._value

    def expire(self) -> None:
        self._at = 0.0


_versions: list[ContentVersion] = []


def content_changed() -> None:
    """This process changed content: re-read the version on the next request."""
    for version in _versions:
        version.expire()


class CachedPageMiddleware:
    """Answers cache hits before Flask; everything else goes to Flask unchanged."""

    def __init__(self, flask_app: Flask, wsgi_app):
        self.flask_app, self.wsgi_app = flask_app, wsgi_app
        self.cache: PageCache = flask_app.extensions["page_cache"]
        self.versions = flask_app.extensions["content_version"]

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or not self.flask_app.config["PAGE_CACHE"]:
            return self.wsgi_app(environ, start_response)
        key = environ.get("PATH_INFO", "") + (
            "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else ""
        )
        entry = self.cache.get(key)
        if entry is None or entry.version != self.versions.current():
            return self.wsgi_app(environ, start_response)
        nonce = secrets.token_urlsafe(16)
        gzip_ok = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        body = entry.gzipped(nonce) if gzip_ok else entry.plain(nonce)
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Vary", "Accept-Encoding"),
        ]
        if gzip_ok:
            headers.append(("Content-Encoding", "gzip"))
        headers.extend(security.header_items(nonce, self.flask_app.config["HSTS"]))
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
        app.extensions["page_cache"] = RedisPageCache(client, app.config.get("REDIS_KEY_PREFIX", "alliance:"))
    else:
        app.extensions["page_cache"] = PageCache()
    version = ContentVersion(read_version)
    app.extensions["content_version"] = version
    _versions.append(version)
    app.wsgi_app = CachedPageMiddleware(app, app.wsgi_app)


def cached_page(version: int, render: Callable[[], tuple[str, int]]) -> Response:
    """Render a page (on a cache miss) and keep it for this path and content version."""
    nonce = g.csp_nonce
    if not current_app.config["PAGE_CACHE"]:
        html, status = render()
        return make_response(html, status)
    key = request.path + ("?" + request.query_string.decode("latin-1") if request.query_string else "")
    cache: PageCache = current_app.extensions["page_cache"]
    entry = cache.get(key)
    if entry is None or entry.version != version:
        g.csp_nonce = NONCE_PLACEHOLDER
        try:
            html, status = render()
        finally:
            g.csp_nonce = nonce
        if status != 200:
            return make_response(html.replace(NONCE_PLACEHOLDER, nonce), status)
        entry = CachedPage.from_html(html, version)
        cache.put(key, entry)
    return make_response(entry.plain(nonce), 200)
