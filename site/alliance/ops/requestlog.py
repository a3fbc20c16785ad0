"""One JSON log line per request, with a request id the proxy can pass in and the response echoes.

Nothing personal is logged: no query string (it can hold a postcode or search terms), no address,
no user agent, no form data. Only the endpoint name is logged, never the path, for the same reason.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, request
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import ClosingIterator

ACCESS_LOGGER = "alliance.access"
REQUEST_ID_HEADER = "X-Request-ID"
ENVIRON_ID = "alliance.request_id"
ENVIRON_ENDPOINT = "alliance.endpoint"
# Ids from nginx ($request_id is 32 hex digits), load balancers and UUIDs fit; anything else is replaced,
# so a client cannot write arbitrary text into the logs.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")


def request_id_from(header: str | None) -> str:
    if header and WELL_FORMED_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """Everything under the `alliance` logger goes to stderr as JSON lines (gunicorn keeps stderr).

    Records still propagate: nothing configures the root logger in production, and tests capture there.
    """
    logger = logging.getLogger("alliance")
    if app.testing or any(getattr(h, "alliance_json", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.alliance_json = True
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # flask-limiter says here when Redis is unreachable and it counts in memory instead.
    logging.getLogger("flask-limiter").addHandler(handler)


def _endpoint(app: Flask, environ: dict) -> str:
    endpoint = environ.get(ENVIRON_ENDPOINT)
    if endpoint:
        return endpoint
    # Answered before Flask (a page cache hit): find the route the same way Flask would.
    try:
        endpoint, _values = app.url_map.bind_to_environ(environ).match()
    except HTTPException:
        return "none"
    return endpoint


class RequestLayer:
    """WSGI layer outside everything else: request id, timing, one log line, metrics."""

    def __init__(self, flask_app: Flask, wsgi_app):
        self.flask_app, self.wsgi_app = flask_app, wsgi_app
        self.logger = logging.getLogger(ACCESS_LOGGER)

        @flask_app.before_request
        def _note_endpoint() -> None:
            request.environ[ENVIRON_ENDPOINT] = request.endpoint or "none"

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        environ[ENVIRON_ID] = request_id
        seen = {"status": 500}

        def start(status: str, headers: list, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append((REQUEST_ID_HEADER, request_id))
            return start_response(status, headers, exc_info)

        def finished() -> None:
            seconds = time.perf_counter() - started
            endpoint = _endpoint(self.flask_app, environ)
            metrics = self.flask_app.extensions.get("metrics")
            if metrics is not None:
                metrics.observe(endpoint, seen["status"], seconds)
            self.logger.info(
                "request",
                extra={
                    "fields": {
                        "request_id": request_id,
                        "method": environ.get("REQUEST_METHOD", ""),
                        "endpoint": endpoint,
                        "status": seen["status"],
                        "duration_ms": round(seconds * 1000, 2),
                    }
                },
            )

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            finished()
            raise
        return ClosingIterator(body, [finished])
