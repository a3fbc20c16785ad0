"""The Open Referral UK 3.0 API: read-only JSON over the directory, open to anyone (no key, any origin).

Views read and check the query string, then call the queries in oruk.py. A bad parameter is a 400 with
a JSON body naming it; an unknown id a JSON 404. A postcode is cut to its district before use and is
never stored or logged.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context

from alliance.directory import oruk, places
from alliance.directory.publishing import openapi_info
from alliance.directory.spec import OPENAPI
from alliance.extensions import csrf, db
from alliance.hosts import external_url
from alliance.licence import OGL

bp = Blueprint("oruk", __name__, url_prefix="/api/oruk")
# Read-only: no form posts to protect, and other sites' scripts may call it.
csrf.exempt(bp)

DEFAULT_PER_PAGE = 50
TRUE = {"true", "1", "yes"}
FALSE = {"false", "0", "no"}


class BadParameter(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def _error(status: int, error: str, message: str, parameter: str | None = None) -> Response:
    body = {"status": status, "error": error, "message": message}
    if parameter:
        body["parameter"] = parameter
    response = jsonify(body)
    response.status_code = status
    return response


@bp.errorhandler(BadParameter)
def _bad_parameter(error: BadParameter):
    return _error(400, "bad_request", error.message, error.name)


@bp.after_app_request
def _open_to_all(response: Response) -> Response:
    # Registered on the app so unknown paths under the prefix (routed to no view) are open too.
    if not request.path.startswith(bp.url_prefix + "/"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.status_code == 200:
        # Listings change when staff publish; a short shared cache keeps repeat readers cheap.
        response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response


def _text(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    return value[:200] or None


def _integer(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise BadParameter(name, f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise BadParameter(name, f"{name} must be between {low} and {high}")
    return value


def _boolean(name: str) -> bool:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return False
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise BadParameter(name, f"{name} must be true or false")


def _datetime(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise BadParameter(name, f"{name} must be an ISO 8601 date or date and time") from None
    # A time with no zone is read as UTC, the zone every record's last_modified is kept in.
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _paging(most: int = oruk.MAX_PER_PAGE) -> tuple[int, int]:
    return (
        _integer("page", 1, 1, 10_000_000),
        _integer("per_page", DEFAULT_PER_PAGE, 1, most),
    )


def _format() -> str:
    value = (request.args.get("format") or "json").strip().lower()
    if value not in ("json", "ndjson"):
        raise BadParameter("format", "format must be json or ndjson")
    return value


def _listing(list_records: Callable[..., dict], most: int = oruk.MAX_PER_PAGE, **filters) -> Response:
    """One page as JSON, or with format=ndjson every record, one a line, with no paging."""
    if _format() == "json":
        page, per_page = _paging(most)
        return jsonify(list_records(db.session, page, per_page, **filters))
    # Parameters were all checked above, so a bad one is still a 400 before streaming starts.

    def lines() -> Iterator[str]:
        page = 1
        while True:
            found = list_records(db.session, page, oruk.MAX_PER_PAGE, **filters)
            for item in found["contents"]:
                yield json.dumps(item, separators=(",", ":")) + "\n"
            if found["last_page"]:
                return
            page += 1

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson")


def _near() -> oruk.Near | None:
    postcode = request.args.get("postcode", "").strip()
    proximity = request.args.get("proximity", "").strip()
    if not postcode:
        if proximity:
            raise BadParameter("proximity", "proximity needs a postcode")
        return None
    metres = None
    if proximity:
        try:
            metres = float(proximity)
        except ValueError:
            metres = -1.0
        if not math.isfinite(metres) or metres <= 0:
            raise BadParameter("proximity", "proximity must be a positive number of metres")
    table = Path(current_app.config["CONTENT_DIR"]) / "directory" / "outcode-centroids.csv"
    try:
        place = places.locate(postcode, table)
    except places.PostcodeError as error:
        message = (
            "postcode is not a UK postcode" if error.reason == "format" else "postcode district not known"
        )
        raise BadParameter("postcode", message) from None
    return oruk.Near(place.latitude, place.longitude, metres)


def _found(record: dict | None) -> Response | tuple[Response, int]:
    if record is None:
        return _error(404, "not_found", "No record has this id")
    return jsonify(record)


@bp.get("/")
def api_details():
    # api_details allows other properties: the data licence is one, and a Link rel="license" too.
    response = jsonify(
        {
            "version": oruk.VERSION,
            "profile": oruk.PROFILE,
            "openapi_url": external_url("oruk.openapi"),
            "license": dict(OGL),
        }
    )
    response.headers["Link"] = f'<{OGL["url"]}>; rel="license"'
    return response


@lru_cache(maxsize=1)
def _openapi() -> dict:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi():
    document = dict(_openapi())
    document["info"] = openapi_info(document["info"], current_app.config, external_url("pages.home"))
    document["servers"] = [{"url": external_url("oruk.api_details").rstrip("/")}]
    return jsonify(document)


@bp.get("/services")
def services():
    minimal = _boolean("minimal")
    return _listing(
        oruk.list_services,
        # The standard asks for every service in one page when only ids and dates are wanted.
        oruk.MAX_MINIMAL_PER_PAGE if minimal else oruk.MAX_PER_PAGE,
        search=_text("search"),
        taxonomy_term_id=_text("taxonomy_term_id"),
        taxonomy_id=_text("taxonomy_id"),
        organization_id=_text("organization_id"),
        modified_after=_datetime("modified_after"),
        minimal=minimal,
        full=_boolean("full"),
    )


@bp.get("/services/<path:record_id>")
def service(record_id: str):
    return _found(oruk.get_service(db.session, record_id))


@bp.get("/taxonomies")
def taxonomies():
    return _listing(oruk.list_taxonomies, search=_text("search"))


@bp.get("/taxonomies/<path:record_id>")
def taxonomy(record_id: str):
    return _found(oruk.get_taxonomy(db.session, record_id))


@bp.get("/taxonomy_terms")
def taxonomy_terms():
    return _listing(
        oruk.list_taxonomy_terms,
        search=_text("search"),
        taxonomy_id=_text("taxonomy_id"),
        parent_id=_text("parent_id"),
        top_only=_boolean("top_only"),
    )


@bp.get("/taxonomy_terms/<path:record_id>")
def taxonomy_term(record_id: str):
    return _found(oruk.get_taxonomy_term(db.session, record_id))


@bp.get("/organizations")
def organizations():
    return _listing(
        oruk.list_organizations,
        search=_text("search"),
        full=_boolean("full"),
        full_service=_boolean("full_service"),
    )


@bp.get("/organizations/<path:record_id>")
def organization(record_id: str):
    return _found(oruk.get_organization(db.session, record_id, full_service=_boolean("full_service")))


@bp.get("/service_at_locations")
def service_at_locations():
    return _listing(
        oruk.list_service_at_locations,
        search=_text("search"),
        taxonomy_term_id=_text("taxonomy_term_id"),
        taxonomy_id=_text("taxonomy_id"),
        organization_id=_text("organization_id"),
        modified_after=_datetime("modified_after"),
        full=_boolean("full"),
        near=_near(),
    )


@bp.get("/service_at_locations/<path:record_id>")
def service_at_location(record_id: str):
    return _found(oruk.get_service_at_location(db.session, record_id))
