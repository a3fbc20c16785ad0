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

from flask import Blueprint, Response, current_app, jsonify, request, send_file, stream_with_context

from alliance import places
from alliance.directory import feeds, oruk
from alliance.directory.publishing import openapi_info
from alliance.directory.spec import OPENAPI
from alliance.errors import api_error
from alliance.extensions import csrf, db, limiter
from alliance.hosts import external_url
from alliance.inputs import parse_uuid
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


@bp.errorhandler(BadParameter)
def _bad_parameter(error: BadParameter):
    return api_error(400, "bad_request", error.message, error.name)


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


def _id(name: str) -> str | None:
    """A filter naming a record: every id in the standard is a UUID."""
    value = _text(name)
    if value is None:
        return None
    if parse_uuid(value) is None:
        raise BadParameter(name, f"{name} must be a UUID")
    return value


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


# Flags that shape each record; every other argument of a list narrows it.
SHAPES = ("full", "full_service", "minimal")
# Query parameters that narrow a list: a narrowed nested list or ndjson is built per request.
NARROWING = (
    "search",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "parent_id",
    "modified_after",
    "postcode",
    "proximity",
    "top_only",
)
EXPENSIVE_LIMIT = "20 per minute"


def _expensive_limit() -> str:
    return current_app.config.get("ORUK_EXPENSIVE_LIMIT", EXPENSIVE_LIMIT)


def _served_cheaply() -> bool:
    """False for what is still assembled per request: a narrowed list that nests everything, or ndjson."""
    args = request.args
    heavy = args.get("format", "").strip().lower() == "ndjson" or any(
        args.get(name, "").strip().lower() in TRUE for name in ("full", "full_service")
    )
    return not heavy or not any(args.get(name, "").strip() for name in NARROWING)


def _listing(list_records: Callable[..., dict], most: int = oruk.MAX_PER_PAGE, **arguments) -> Response:
    """One page as JSON, or with format=ndjson every record, one a line, with no paging.

    Whole lists (nothing narrowing them) that nest records, and every whole ndjson list, come from a
    file built once per directory version."""
    kind = _format()
    shapes = {name: value for name, value in arguments.items() if name in SHAPES}
    whole = not any(value for name, value in arguments.items() if name not in SHAPES)
    nested = (shapes.get("full") or shapes.get("full_service")) and not shapes.get("minimal")
    if whole and (kind == "ndjson" or nested):
        return _from_feed(list_records, shapes, kind, most)
    if kind == "json":
        page, per_page = _paging(most)
        return jsonify(list_records(db.session, page, per_page, **arguments))
    # Parameters were all checked above, so a bad one is still a 400 before streaming starts.

    def lines() -> Iterator[str]:
        page = 1
        while True:
            found = list_records(db.session, page, oruk.MAX_PER_PAGE, **arguments)
            for item in found["contents"]:
                yield json.dumps(item, separators=(",", ":")) + "\n"
            if found["last_page"]:
                return
            page += 1

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson")


def _from_feed(list_records: Callable[..., dict], shapes: dict, kind: str, most: int) -> Response:
    feed = feeds.Feed(feeds.feed_name(list_records, shapes), list_records, tuple(sorted(shapes.items())))
    if kind == "json":
        page, per_page = _paging(most)  # a bad page is a 400 before any file is built
    built = feeds.ensure(
        db.session,
        current_app.config["SEARCH_INDEX_DIR"],
        feed,
        rebuild=current_app.extensions["db"]["sessionmaker"],
    )
    gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    if kind == "ndjson":
        return _ndjson_file(built, gzip)
    # The compressed and plain bodies differ, so each has its own ETag.
    etag = f"{built.etag}.{page}.{per_page}{'.gz' if gzip else ''}"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = _page_from(built, page, per_page, gzip)
    response.headers.add("Vary", "Accept-Encoding")
    response.set_etag(etag)
    return response


def _ndjson_file(built: feeds.Built, gzip: bool) -> Response:
    packed = feeds.gzipped(built.path)
    if gzip and packed.exists():
        response = send_file(
            packed, mimetype="application/x-ndjson", etag=built.etag + ".gz", conditional=True, max_age=60
        )
        if response.status_code != 304:
            response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_file(
            built.path, mimetype="application/x-ndjson", etag=built.etag, conditional=True, max_age=60
        )
    response.headers.add("Vary", "Accept-Encoding")
    return response


def _page_from(built: feeds.Built, page: int, per_page: int, gzip: bool) -> Response:
    chunks, length = built.page(page, per_page)
    if not gzip:
        response = Response(chunks, mimetype="application/json")
        response.content_length = length
        return response
    response = Response(feeds.gzip_stream(chunks), mimetype="application/json")
    response.headers["Content-Encoding"] = "gzip"
    return response


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


def _found(get: Callable[..., dict | None], record_id: str, **options) -> Response:
    """The record with this id, or a 404 (an id that is not a UUID names no record)."""
    record = get(db.session, record_id, **options) if parse_uuid(record_id) else None
    if record is None:
        return api_error(404, "not_found", "No record has this id")
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


def _nesting_limit_stated(response: Response) -> Response:
    """Organisations nest a bounded number of services: the response says how many at most."""
    response.headers["X-Nested-Services-Limit"] = str(oruk.MAX_NESTED_SERVICES)
    return response


def _stated_limits(document: dict) -> dict:
    """This server's own limits, stated where a reader of the document looks for the parameters."""
    components = dict(document["components"])
    parameters = dict(components["parameters"])
    note = (
        f" This server nests at most {oruk.MAX_NESTED_SERVICES} services in each organization, the first"
        " by name; list the rest with /services?organization_id=. Lists that nest everything or use"
        " format=ndjson are served from a file rebuilt when the directory changes (with an ETag for"
        " If-None-Match); narrowed by a search or filter they are rate limited."
    )
    for name in ("full", "full_service"):
        parameters[name] = {**parameters[name], "description": parameters[name]["description"] + note}
    components["parameters"] = parameters
    return {**document, "components": components}


@bp.get("/openapi.json")
def openapi():
    document = _stated_limits(_openapi())
    document["info"] = openapi_info(document["info"], current_app.config, external_url("pages.home"))
    document["servers"] = [{"url": external_url("oruk.api_details").rstrip("/")}]
    return jsonify(document)


@bp.get("/services")
@limiter.limit(_expensive_limit, exempt_when=_served_cheaply)
def services():
    minimal = _boolean("minimal")
    return _listing(
        oruk.list_services,
        # The standard asks for every service in one page when only ids and dates are wanted.
        oruk.MAX_MINIMAL_PER_PAGE if minimal else oruk.MAX_PER_PAGE,
        search=_text("search"),
        taxonomy_term_id=_id("taxonomy_term_id"),
        taxonomy_id=_id("taxonomy_id"),
        organization_id=_id("organization_id"),
        modified_after=_datetime("modified_after"),
        minimal=minimal,
        full=_boolean("full"),
    )


@bp.get("/services/<path:record_id>")
def service(record_id: str):
    return _found(oruk.get_service, record_id)


@bp.get("/taxonomies")
@limiter.limit(_expensive_limit, exempt_when=_served_cheaply)
def taxonomies():
    return _listing(oruk.list_taxonomies, search=_text("search"))


@bp.get("/taxonomies/<path:record_id>")
def taxonomy(record_id: str):
    return _found(oruk.get_taxonomy, record_id)


@bp.get("/taxonomy_terms")
@limiter.limit(_expensive_limit, exempt_when=_served_cheaply)
def taxonomy_terms():
    return _listing(
        oruk.list_taxonomy_terms,
        search=_text("search"),
        taxonomy_id=_id("taxonomy_id"),
        parent_id=_id("parent_id"),
        top_only=_boolean("top_only"),
    )


@bp.get("/taxonomy_terms/<path:record_id>")
def taxonomy_term(record_id: str):
    return _found(oruk.get_taxonomy_term, record_id)


@bp.get("/organizations")
@limiter.limit(_expensive_limit, exempt_when=_served_cheaply)
def organizations():
    return _nesting_limit_stated(
        _listing(
            oruk.list_organizations,
            search=_text("search"),
            full=_boolean("full"),
            full_service=_boolean("full_service"),
        )
    )


@bp.get("/organizations/<path:record_id>")
def organization(record_id: str):
    return _nesting_limit_stated(
        _found(oruk.get_organization, record_id, full_service=_boolean("full_service"))
    )


@bp.get("/service_at_locations")
@limiter.limit(_expensive_limit, exempt_when=_served_cheaply)
def service_at_locations():
    return _listing(
        oruk.list_service_at_locations,
        search=_text("search"),
        taxonomy_term_id=_id("taxonomy_term_id"),
        taxonomy_id=_id("taxonomy_id"),
        organization_id=_id("organization_id"),
        modified_after=_datetime("modified_after"),
        full=_boolean("full"),
        near=_near(),
    )


@bp.get("/service_at_locations/<path:record_id>")
def service_at_location(record_id: str):
    return _found(oruk.get_service_at_location, record_id)
