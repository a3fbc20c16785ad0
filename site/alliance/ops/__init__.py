"""Running the site in production: health checks, request logs, metrics, backups, schema commands.

`init_app` runs last in create_app(), so the request layer wraps everything else, the page cache's
WSGI layer included: cached hits are logged and counted like any other request.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from alliance import hosts
    from alliance.ops import backup, health, metrics, requestlog, schema

    health.init_app(app)
    backup.init_app(app)
    schema.init_app(app)
    app.extensions["metrics"] = metrics.Metrics()
    requestlog.configure_logging(app)
    # Unknown hosts are refused inside the request log (they are logged) and before the page cache.
    wsgi_app = requestlog.RequestLayer(app, hosts.HostLayer(app, app.wsgi_app))
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Behind nginx every request comes from the proxy; trust exactly that many X-Forwarded-* hops.
        wsgi_app = ProxyFix(wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.wsgi_app = wsgi_app
