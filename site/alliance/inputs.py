"""Bad input stops at the door, and ids are parsed in one place.

Control characters (C0, DEL) and text that is not valid UTF-8 (including encoded lone surrogates) in a
path, a query string or a form field are refused before any view or query sees them: PostgreSQL
cannot store or compare a NUL byte, and nothing a person types needs the others. Form bodies may carry
tab, carriage return and line feed (a textarea's line breaks). The API answers 400 in its JSON shape,
naming the parameter; people get the site's 400 page in their language.

Ids that must be UUIDs are parsed by `parse_uuid`; whole-number ids in URLs are bounded to what the
database's integer columns hold, so a longer number is a 404, never a database error.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import unquote_to_bytes, urlsplit

from flask import Flask, Request, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

# The largest value of a PostgreSQL `integer` column (SQLite's are wider): every integer id is one.
DATABASE_INT_MAX = 2**31 - 1

_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_CONTROL_IN_FORM = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_FORM_TYPE = "application/x-www-form-urlencoded"


class BadInput(BadRequest):
    """A request carrying a control character or broken UTF-8: `parameter` names where."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def first_control(text: str, line_breaks: bool = False) -> str | None:
    """The first C0 control, DEL or lone surrogate in `text` as U+XXXX (tab, CR and LF allowed if asked)."""
    found = (_CONTROL_IN_FORM if line_breaks else _CONTROL).search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def has_control(text: str, line_breaks: bool = False) -> bool:
    return first_control(text, line_breaks) is not None


def parse_uuid(value: str | None) -> str | None:
    """The id when it is a UUID written as 8-4-4-4-12 hex digits, else None. Case is kept as given."""
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        return None
    try:
        uuid.UUID(value)
    except ValueError:
        return None
    return value


def _decoded(raw: bytes, name: str, line_breaks: bool) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(name, f"{name} is not valid UTF-8 text") from None
    if has_control(text, line_breaks):
        raise BadInput(name, f"{name} must not contain control characters")
    return text


def _check_pairs(encoded: bytes, line_breaks: bool) -> None:
    """Each name=value of a query string or URL-encoded body, decoded strictly."""
    for pair in encoded.split(b"&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition(b"=")
        raw_name = unquote_to_bytes(raw_name.replace(b"+", b" "))
        name = _decoded(raw_name, raw_name.decode("utf-8", "replace")[:50] or "parameter", line_breaks)
        _decoded(unquote_to_bytes(raw_value.replace(b"+", b" ")), name, line_breaks)


def _path_parameter() -> str:
    """The URL part holding the bad text (as the route names it), or `path` when no route matched."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and (has_control(value) or "\ufffd" in value):
            return name
    return "path"


def url_is_clean(environ: dict) -> bool:
    """Whether a request's path and query string would pass check_request: for the page cache, which
    answers before Flask and must refuse nothing that Flask would answer with a 400."""
    try:
        if has_control(environ.get("PATH_INFO", "").encode("latin-1", "replace").decode("utf-8")):
            return False
        _check_pairs(environ.get("QUERY_STRING", "").encode("latin-1", "replace"), line_breaks=False)
    except (UnicodeDecodeError, BadInput):
        return False
    return True


def check_request(req: Request) -> None:
    """Raise BadInput when the path, query string or form fields carry what no view should see."""
    raw_path = req.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    try:
        path = raw_path.decode("utf-8")
    except UnicodeDecodeError:
        name = _path_parameter()
        raise BadInput(name, f"{name} is not valid UTF-8 text") from None
    if has_control(path):
        name = _path_parameter()
        raise BadInput(name, f"{name} must not contain control characters")
    _check_pairs(req.environ.get("QUERY_STRING", "").encode("latin-1", "replace"), line_breaks=False)
    if req.method not in ("POST", "PUT", "PATCH"):
        return
    if req.mimetype == _FORM_TYPE:
        _check_pairs(req.get_data(cache=True), line_breaks=True)
    elif req.mimetype == "multipart/form-data":
        # Werkzeug decodes multipart fields itself (broken bytes become U+FFFD, harmless to a query).
        for name, value in req.form.items(multi=True):
            if has_control(name) or has_control(value, line_breaks=True):
                raise BadInput(name[:50], f"{name[:50]} must not contain control characters")


class DatabaseInteger(IntegerConverter):
    """`<int:...>` that never matches a number larger than an integer column holds (a 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, DATABASE_INT_MAX if max is None else max, signed)


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: the converter applies to rules as they are added."""
    app.url_map.converters["int"] = DatabaseInteger

    def refuse_bad_input() -> None:
        check_request(request)

    # First of all request hooks: nothing (CSRF, rate limits, sessions) reads the request before it.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_bad_input)


def web_address(value: str | None) -> str | None:
    """The value when it is an http or https address with a host; None for anything else (a
    `javascript:` or `data:` link, a bare word). The one test for a link the site will put in an href."""
    if not value:
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or has_control(text):
        return None
    return text
