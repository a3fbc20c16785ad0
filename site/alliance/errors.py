"""Error pages in the NHS style, in the reader's language; JSON for the API.

When the database cannot be reached every page is the site's own "service unavailable" page, 503
with Retry-After, rendered without touching the database (only the app's own context processors run,
none of which query). Errors are logged by type and stack only, never by message: a database error's
message can hold what a person typed.
"""

from __future__ import annotations

import logging
import traceback

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from alliance.inputs import BadInput

logger = logging.getLogger("alliance.errors")

# How long a client is asked to wait when the database is away (seconds, the Retry-After header).
RETRY_AFTER_SECONDS = 30

MESSAGES = {
    400: (
        _l("Sorry, there is a problem with your request"),
        _l("Something in the request was not right. Go back and try again."),
    ),
    403: (
        _l("You do not have permission to see this page"),
        _l("If you think you should be able to see this page, contact the person who manages your account."),
    ),
    404: (
        _l("Page not found"),
        _l(
            "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address."
        ),
    ),
    405: (
        _l("Sorry, that action is not allowed on this page"),
        _l("Go back to the page you came from and try again."),
    ),
    413: (
        _l("Sorry, what you sent is too large"),
        _l("Go back and try again with a shorter answer or a smaller file."),
    ),
    429: (
        _l("Sorry, there have been too many attempts"),
        _l("Wait a few minutes and then try again."),
    ),
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Try again later."),
    ),
    503: (
        _l("Sorry, the service is unavailable"),
        _l("Try again later."),
    ),
}


def api_error(status: int, error: str, message: str, parameter: str | None = None):
    """The API's error body: a machine-readable `error`, a sentence, and the parameter at fault."""
    body = {"status": status, "error": error, "message": message}
    if parameter:
        body["parameter"] = parameter
    response = jsonify(body)
    response.status_code = status
    return response


def database_unavailable(error: BaseException) -> bool:
    """Whether an error means the database cannot be reached (or is too busy to answer), rather than
    a fault in the code: connection refused, a missing or unreadable SQLite file, a dropped connection,
    a full pool, a lock not granted in time."""
    if isinstance(error, sa_exc.DBAPIError):
        return error.connection_invalidated or isinstance(
            error, (sa_exc.OperationalError, sa_exc.InterfaceError)
        )
    return isinstance(error, (sa_exc.DisconnectionError, sa_exc.TimeoutError))


def log_error(message: str, error: BaseException, level: int = logging.ERROR) -> None:
    """Log an error by its type and where it happened, never by its text (which can hold parameters)."""
    stack = "".join(traceback.format_tb(error.__traceback__))
    logger.log(
        level,
        message,
        extra={"fields": {"error": f"{type(error).__module__}.{type(error).__qualname__}", "stack": stack}},
    )


def render_error(code: int):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.path.startswith("/api/"):
        return jsonify({"error": str(title), "status": code}), code
    try:
        return render_template("errors/error.html", code=code, title=title, message=message), code
    except Exception as error:  # a context processor that reads the database, with the database away
        if not database_unavailable(error):
            raise
        log_error("Database unavailable", error, logging.WARNING)
        return render_unavailable()


def render_unavailable():
    """The 503 page. Blueprint context processors (the back-office's reads the signed-in account)
    are left out: only the app's own run, and they need no database."""
    title, message = MESSAGES[503]
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path.startswith("/api/"):
        return jsonify({"error": str(title), "status": 503}), 503, headers
    context: dict = {}
    for processor in current_app.template_context_processors[None]:
        context.update(processor())
    context.update(code=503, title=title, message=message)
    html = current_app.jinja_env.get_template("errors/error.html").render(context)
    return html, 503, headers


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError):
        return render_error(400)

    @app.errorhandler(BadInput)
    def _bad_input(error: BadInput):
        if request.path.startswith("/api/"):
            return api_error(400, "bad_request", error.message, error.parameter)
        return render_error(400)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        code = error.code or 500
        response, status = render_error(code if code in MESSAGES else 400 if code < 500 else 500)
        if code == 405 and getattr(error, "valid_methods", None):
            return response, 405, {"Allow": ", ".join(error.valid_methods)}
        return response, status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if database_unavailable(error):
            log_error("Database unavailable", error, logging.WARNING)
            return render_unavailable()
        log_error("Unhandled error", error)
        return render_error(InternalServerError.code)
