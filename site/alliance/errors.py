"""Error pages in the NHS style, in the reader's language; JSON for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from alliance.inputs import BadInput

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
}


def api_error(status: int, error: str, message: str, parameter: str | None = None):
    """The API's error body: a machine-readable `error`, a sentence, and the parameter at fault."""
    body = {"status": status, "error": error, "message": message}
    if parameter:
        body["parameter"] = parameter
    response = jsonify(body)
    response.status_code = status
    return response


def render_error(code: int):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.path.startswith("/api/"):
        return jsonify({"error": str(title), "status": code}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


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
        app.logger.exception("Unhandled error", exc_info=error)
        return render_error(InternalServerError.code)
