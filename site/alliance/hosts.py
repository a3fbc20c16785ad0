"""The site's own address: links that leave the site are built from SITE_URL, other hosts are refused.

The Host header is whatever the client typed. Nothing that outlives the request (a cached page, an
emailed link, a sitemap) may depend on it, so every absolute link is `external_url(...)`: the
configured SITE_URL followed by the path Flask builds.

`HostLayer` sits in front of the page cache and Flask. A request whose Host is not one of the trusted
hosts (the host of SITE_URL, plus ALLIANCE_TRUSTED_HOSTS) is answered 400 with the site's own error
page, never from the cache. Its Host is replaced by the site's before Flask sees it, so the error page
is built as for any request, and a Host Werkzeug cannot even encode (a DNS label over 63 characters)
gives that 400 rather than a 500. /healthz and /readyz answer whatever the Host: a load balancer asks
them by the node's own address, and they return a status and no link.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request, url_for
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wsgi import get_host

from alliance.ops.requestlog import ENVIRON_ENDPOINT

# Environ keys: the Host a request was refused for, and the endpoint name the request log records.
ENVIRON_REFUSED = "alliance.refused_host"
REFUSED_ENDPOINT = "refused-host"
# Answered whatever the Host, for load balancers' checks by a node's own address.
ANY_HOST_PATHS = frozenset({"/healthz", "/readyz"})


def site_url() -> str:
    """The configured origin, e.g. https://www.example.nhs.uk, with no trailing slash."""
    return current_app.config["SITE_URL"].rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """An absolute link to `endpoint` on the configured site, whatever Host the request named."""
    return site_url() + url_for(endpoint, **values)


def site_host(url: str) -> str:
    """host[:port] of a site URL, as a Host header names it."""
    return urlsplit(url).netloc


def trusted_hosts(config) -> list[str]:
    """The host names requests may name: SITE_URL's, then ALLIANCE_TRUSTED_HOSTS's (ports ignored)."""
    names = [urlsplit(config["SITE_URL"]).hostname or ""]
    names += [name.strip() for name in (config.get("ALLIANCE_TRUSTED_HOSTS") or "").split(",")]
    return list(dict.fromkeys(name.lower() for name in names if name))


def host_allowed(host: str | None, trusted: list[str]) -> bool:
    """Whether a Host header names one of `trusted`; anything Werkzeug cannot read is not."""
    if not host or not trusted:
        return False
    try:
        return host_is_trusted(host, trusted)
    except (UnicodeError, ValueError):
        return False


class HostLayer:
    """WSGI layer in front of the page cache: requests for unknown hosts never reach a cached page."""

    # Verdicts on the Host values seen last (a handful in practice), so a cache hit costs a dict lookup.
    MAX_VERDICTS = 64

    def __init__(self, flask_app: Flask, wsgi_app):
        self.flask_app, self.wsgi_app = flask_app, wsgi_app
        self._settings: tuple | None = None
        self.trusted: list[str] = []
        self.own_host = ""
        self._verdicts: dict[str, bool] = {}

    def _current(self) -> None:
        """Follow the configuration (tests change it on a running app); Werkzeug's list is the same one."""
        config = self.flask_app.config
        settings = (config["SITE_URL"], config.get("ALLIANCE_TRUSTED_HOSTS"))
        if settings != self._settings:
            self.trusted, self.own_host = trusted_hosts(config), site_host(config["SITE_URL"])
            config["TRUSTED_HOSTS"] = self.trusted
            self._verdicts = {}
            self._settings = settings

    def allowed(self, host: str) -> bool:
        verdict = self._verdicts.get(host)
        if verdict is None:
            verdict = host_allowed(host, self.trusted)
            if len(self._verdicts) >= self.MAX_VERDICTS:
                self._verdicts = {}
            self._verdicts[host] = verdict
        return verdict

    def __call__(self, environ, start_response):
        self._current()
        try:
            host = get_host(environ)
        except (UnicodeError, ValueError):
            host = ""
        if not self.allowed(host):
            environ["HTTP_HOST"] = self.own_host
            if environ.get("PATH_INFO") not in ANY_HOST_PATHS:
                environ[ENVIRON_REFUSED] = True
                environ[ENVIRON_ENDPOINT] = REFUSED_ENDPOINT
        return self.wsgi_app(environ, start_response)


def _refuse_unknown_host(_endpoint, _values) -> None:
    if request.environ.get(ENVIRON_REFUSED):
        abort(400)


def init_app(app: Flask) -> None:
    """Refuse before anything else runs for the request (URL value preprocessors come first of all).

    Werkzeug checks the same list (TRUSTED_HOSTS, derived here and kept in step by HostLayer) for
    anything that reaches Flask another way.
    """
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    app.url_value_preprocessors.setdefault(None, []).insert(0, _refuse_unknown_host)
    app.add_template_global(external_url)
    app.add_template_global(site_url)
