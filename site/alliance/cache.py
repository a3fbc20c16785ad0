"""Rendered public pages, cached per (path, language, content version).

Pages are rendered with a placeholder where the per-request CSP nonce goes and the real nonce is
put in on the way out, so a cached page never reuses a nonce. Publishing bumps the content
version, so a cached page is never served stale. Storage is in-process here; several nodes each
keep their own copy, which stays correct because the version comes from the shared database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, Response, current_app, g, make_response, request

NONCE_PLACEHOLDER = "__app_csp_nonce__"


class PageCache:
    def __init__(self, max_entries: int = 2000):
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, tuple[str, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[str, int] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, html: str, status: int) -> None:
        with self._lock:
            self._entries[key] = (html, status)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_app(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache()


def cached_page(version: int, lang: str, render: Callable[[], tuple[str, int]]) -> Response:
    """Serve `render()`'s page from the cache for this path, language and content version."""
    nonce = g.csp_nonce
    if not current_app.config["PAGE_CACHE"]:
        html, status = render()
        return make_response(html, status)
    key = (request.full_path, lang, version)
    cache: PageCache = current_app.extensions["page_cache"]
    entry = cache.get(key)
    if entry is None:
        g.csp_nonce = NONCE_PLACEHOLDER
        try:
            html, status = render()
        finally:
            g.csp_nonce = nonce
        entry = (html, status)
        if status == 200:
            cache.put(key, html, status)
    html, status = entry
    return make_response(html.replace(NONCE_PLACEHOLDER, nonce), status)
