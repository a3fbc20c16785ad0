"""Open Referral UK 3.0: the tables in the standard's order, and records as the standard shapes them.

Output leaves out empty optional fields. The site's local additions never appear here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, selectinload

from alliance import places
from alliance.directory import models as m

VERSION = "3.0"
PROFILE = "https://openreferraluk.org/specifications/3.0"
METRES_PER_MILE = 1609.344
# The shortest a degree of latitude gets (at the equator): a box made with it is never too small.
METRES_PER_DEGREE = 110_574

# HSDS tabular file names, parents before children: the order rows are written in.
TABLES: dict[str, type] = {
    "organizations": m.Organization,
    "taxonomies": m.Taxonomy,
    "taxonomy_terms": m.TaxonomyTerm,
    "locations": m.Location,
    "addresses": m.Address,
    "accessibility": m.Accessibility,
    "services": m.Service,
    "service_at_locations": m.ServiceAtLocation,
    "schedules": m.Schedule,
    "languages": m.Language,
    "contacts": m.Contact,
    "phones": m.Phone,
    "cost_options": m.CostOption,
    "service_areas": m.ServiceArea,
    "attributes": m.Attribute,
}
# The site's own table, kept apart from the standard's: x_ marks it as an extension.
LOCAL_TABLE = "x_alliance_services"
INTERNAL_COLUMNS = {"position"}


@cache
def columns(model: type) -> list:
    return [c for c in model.__table__.columns if c.key not in INTERNAL_COLUMNS]


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLite hands back naive times; every time here is kept in UTC.
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@cache
def _fields(model: type) -> tuple[tuple[str, bool], ...]:
    """(name, kept when empty): the standard's required text fields stay even when blank."""
    return tuple((c.key, not c.nullable and c.key == "description") for c in columns(model))


def record(obj: Any) -> dict:
    """A row as the standard names it, empty optional fields left out."""
    out = {}
    loaded = obj.__dict__
    for key, keep_empty in _fields(type(obj)):
        # Loaded values are read straight from the instance: this runs for every row of every page.
        value = loaded[key] if key in loaded else getattr(obj, key)
        if value is None or value == "":
            if keep_empty:
                out[key] = ""
            continue
        out[key] = _value(value)
    return out


def _nonempty(out: dict, key: str, items: list) -> None:
    if items:
        out[key] = items


def taxonomy_term(term: m.TaxonomyTerm) -> dict:
    return record(term)


def attribute(attr: m.Attribute) -> dict:
    out = record(attr)
    out["taxonomy_term"] = taxonomy_term(attr.taxonomy_term)
    return out


def location(loc: m.Location, attributes: list[m.Attribute] = ()) -> dict:
    out = record(loc)
    _nonempty(out, "addresses", [record(a) for a in loc.addresses])
    _nonempty(out, "accessibility", [record(a) for a in loc.accessibility])
    _nonempty(out, "attributes", [attribute(a) for a in attributes])
    return out


def organization(org: m.Organization) -> dict:
    return record(org)


def service_at_location(sal: m.ServiceAtLocation, attributes_by_link: dict | None = None) -> dict:
    out = record(sal)
    out["location"] = location(sal.location, (attributes_by_link or {}).get(sal.location_id, []))
    return out


def service(svc: m.Service, full: bool = True, attributes_by_link: dict | None = None) -> dict:
    out = record(svc)
    if svc.organization is not None:
        out["organization"] = organization(svc.organization)
    if not full:
        return out
    attributes_by_link = attributes_by_link or {}
    _nonempty(out, "schedules", [record(s) for s in svc.schedules])
    _nonempty(out, "service_areas", [record(a) for a in svc.service_areas])
    _nonempty(
        out,
        "service_at_locations",
        [service_at_location(s, attributes_by_link) for s in svc.service_at_locations],
    )
    _nonempty(out, "languages", [record(lang) for lang in svc.languages])
    _nonempty(out, "cost_options", [record(c) for c in svc.cost_options])
    contacts = []
    for contact in svc.contacts:
        item = record(contact)
        _nonempty(item, "phones", [record(p) for p in svc.phones if p.contact_id == contact.id])
        contacts.append(item)
    _nonempty(out, "contacts", contacts)
    _nonempty(out, "phones", [record(p) for p in svc.phones if not p.contact_id])
    _nonempty(out, "attributes", [attribute(a) for a in attributes_by_link.get(svc.id, [])])
    return out


def taxonomy(tax: m.Taxonomy) -> dict:
    return record(tax)


def page_envelope(contents: list, total: int, page: int, per_page: int) -> dict:
    pages = max(1, -(-total // per_page)) if per_page else 1
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def primary_key(model: type) -> str:
    return sa_inspect(model).primary_key[0].key


# Reading: the queries behind the API, each a page of records in one query per relationship.

MAX_PER_PAGE = 1000
# Services nested in an organisation (full / full_service): the first ones by name; the rest are a
# /services?organization_id= away. The limit is stated in the served OpenAPI document.
MAX_NESTED_SERVICES = 25
MAX_MINIMAL_PER_PAGE = 50_000
# Lists are in id order: the primary key's index makes any page cheap at 10,000 records, and the
# order never changes between pages while records are edited.


@dataclass(frozen=True)
class Near:
    """A point to measure from (a postcode district's centre) and an optional radius in metres."""

    latitude: float
    longitude: float
    metres: float | None = None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(text: str, *cols):
    pattern = _like(text)
    return or_(*[col.ilike(pattern, escape="\\") for col in cols])


def _paged(session: Session, stmt: Select, order: list, page: int, per_page: int) -> tuple[list, int]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.scalars(stmt.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total or 0


def _term_filter(taxonomy_term_id: str | None, taxonomy_id: str | None, entity: str):
    """Ids of records of `entity` carrying the term, or any term of the taxonomy."""
    stmt = select(m.Attribute.link_id).where(m.Attribute.link_entity == entity)
    if taxonomy_term_id:
        stmt = stmt.where(m.Attribute.taxonomy_term_id == taxonomy_term_id)
    if taxonomy_id:
        stmt = stmt.join(m.TaxonomyTerm, m.TaxonomyTerm.id == m.Attribute.taxonomy_term_id).where(
            m.TaxonomyTerm.taxonomy_id == taxonomy_id
        )
    return stmt


def _service_where(
    stmt: Select,
    search: str | None,
    taxonomy_term_id: str | None,
    taxonomy_id: str | None,
    organization_id: str | None,
    modified_after: datetime | None,
) -> Select:
    if search:
        stmt = stmt.where(_matches(search, m.Service.name, m.Service.description))
    if taxonomy_term_id or taxonomy_id:
        stmt = stmt.where(m.Service.id.in_(_term_filter(taxonomy_term_id, taxonomy_id, "service")))
    if organization_id:
        stmt = stmt.where(m.Service.organization_id == organization_id)
    if modified_after:
        stmt = stmt.where(m.Service.last_modified >= modified_after)
    return stmt


def _attributes_for(session: Session, link_ids: set[str]) -> dict[str, list[m.Attribute]]:
    found: dict[str, list[m.Attribute]] = {}
    if not link_ids:
        return found
    stmt = (
        select(m.Attribute)
        .where(m.Attribute.link_id.in_(link_ids))
        .options(selectinload(m.Attribute.taxonomy_term))
        .order_by(m.Attribute.id)
    )
    for attr in session.scalars(stmt):
        found.setdefault(attr.link_id, []).append(attr)
    return found


_LOCATION_LOAD = (selectinload(m.Location.addresses), selectinload(m.Location.accessibility))


def _full_service_options() -> list:
    sal = selectinload(m.Service.service_at_locations)
    location = sal.selectinload(m.ServiceAtLocation.location)
    return [
        selectinload(m.Service.organization),
        selectinload(m.Service.schedules),
        selectinload(m.Service.service_areas),
        location.selectinload(m.Location.addresses),
        location.selectinload(m.Location.accessibility),
        selectinload(m.Service.languages),
        selectinload(m.Service.cost_options),
        selectinload(m.Service.contacts),
        selectinload(m.Service.phones),
    ]


def _service_attribute_ids(services: Sequence[m.Service]) -> set[str]:
    ids = {s.id for s in services}
    ids.update(sal.location_id for s in services for sal in s.service_at_locations)
    return ids


def full_services(session: Session, services: list[m.Service]) -> list[dict]:
    attrs = _attributes_for(session, _service_attribute_ids(services))
    return [service(s, full=True, attributes_by_link=attrs) for s in services]


def minimal_service(svc: m.Service) -> dict:
    """What a partner needs to know whether to fetch a service again; with the name and status the
    standard requires of every service, so a minimal page is still a valid service_list."""
    return {"id": svc.id, "name": svc.name, "status": svc.status, "last_modified": _value(svc.last_modified)}


def list_services(
    session: Session,
    page: int,
    per_page: int,
    search: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: datetime | None = None,
    minimal: bool = False,
    full: bool = False,
) -> dict:
    stmt = _service_where(
        select(m.Service), search, taxonomy_term_id, taxonomy_id, organization_id, modified_after
    )
    if full:
        stmt = stmt.options(*_full_service_options())
    elif not minimal:
        stmt = stmt.options(selectinload(m.Service.organization))
    rows, total = _paged(session, stmt, [m.Service.id], page, per_page)
    if minimal:
        contents = [minimal_service(s) for s in rows]
    elif full:
        contents = full_services(session, rows)
    else:
        contents = [service(s, full=False) for s in rows]
    return page_envelope(contents, total, page, per_page)


def get_service(session: Session, service_id: str) -> dict | None:
    svc = session.scalars(
        select(m.Service).where(m.Service.id == service_id).options(*_full_service_options())
    ).first()
    return full_services(session, [svc])[0] if svc else None


def list_taxonomies(session: Session, page: int, per_page: int, search: str | None = None) -> dict:
    stmt = select(m.Taxonomy)
    if search:
        stmt = stmt.where(_matches(search, m.Taxonomy.name, m.Taxonomy.description))
    rows, total = _paged(session, stmt, [m.Taxonomy.name, m.Taxonomy.id], page, per_page)
    return page_envelope([taxonomy(t) for t in rows], total, page, per_page)


def get_taxonomy(session: Session, taxonomy_id: str) -> dict | None:
    tax = session.scalars(
        select(m.Taxonomy).where(m.Taxonomy.id == taxonomy_id).options(selectinload(m.Taxonomy.terms))
    ).first()
    if tax is None:
        return None
    out = taxonomy(tax)
    _nonempty(out, "taxonomy_terms", [taxonomy_term(t) for t in tax.terms])
    return out


def list_taxonomy_terms(
    session: Session,
    page: int,
    per_page: int,
    search: str | None = None,
    taxonomy_id: str | None = None,
    parent_id: str | None = None,
    top_only: bool = False,
) -> dict:
    stmt = select(m.TaxonomyTerm)
    if search:
        stmt = stmt.where(_matches(search, m.TaxonomyTerm.name, m.TaxonomyTerm.description))
    if taxonomy_id:
        stmt = stmt.where(m.TaxonomyTerm.taxonomy_id == taxonomy_id)
    if parent_id:
        stmt = stmt.where(m.TaxonomyTerm.parent_id == parent_id)
    if top_only:
        stmt = stmt.where(or_(m.TaxonomyTerm.parent_id.is_(None), m.TaxonomyTerm.parent_id == ""))
    order = [m.TaxonomyTerm.taxonomy_id, m.TaxonomyTerm.position, m.TaxonomyTerm.name, m.TaxonomyTerm.id]
    rows, total = _paged(session, stmt, order, page, per_page)
    return page_envelope([taxonomy_term(t) for t in rows], total, page, per_page)


def get_taxonomy_term(session: Session, term_id: str) -> dict | None:
    term = session.get(m.TaxonomyTerm, term_id)
    return taxonomy_term(term) if term else None


def _organizations_out(
    session: Session, orgs: list[m.Organization], full: bool, full_service: bool
) -> list[dict]:
    if not (full or full_service):
        return [organization(o) for o in orgs]
    ranked = (
        select(
            m.Service.id,
            func.row_number()
            .over(partition_by=m.Service.organization_id, order_by=(m.Service.name, m.Service.id))
            .label("place"),
        )
        .where(m.Service.organization_id.in_([o.id for o in orgs]))
        .subquery()
    )
    stmt = (
        select(m.Service)
        .join(ranked, ranked.c.id == m.Service.id)
        .where(ranked.c.place <= MAX_NESTED_SERVICES)
    )
    stmt = stmt.options(*_full_service_options()) if full_service else stmt
    services = list(session.scalars(stmt.order_by(m.Service.name, m.Service.id)))
    if full_service:
        shaped = dict(zip([s.id for s in services], full_services(session, services), strict=True))
    else:
        # The organization is the parent here: each service is shown without repeating it.
        shaped = {s.id: record(s) for s in services}
    by_org: dict[str, list[dict]] = {}
    for svc in services:
        item = dict(shaped[svc.id])
        item.pop("organization", None)
        by_org.setdefault(svc.organization_id, []).append(item)
    out = []
    for org in orgs:
        item = organization(org)
        _nonempty(item, "services", by_org.get(org.id, []))
        out.append(item)
    return out


def list_organizations(
    session: Session,
    page: int,
    per_page: int,
    search: str | None = None,
    full: bool = False,
    full_service: bool = False,
) -> dict:
    stmt = select(m.Organization)
    if search:
        stmt = stmt.where(_matches(search, m.Organization.name, m.Organization.description))
    rows, total = _paged(session, stmt, [m.Organization.id], page, per_page)
    return page_envelope(_organizations_out(session, rows, full, full_service), total, page, per_page)


def get_organization(session: Session, organization_id: str, full_service: bool = False) -> dict | None:
    org = session.get(m.Organization, organization_id)
    return _organizations_out(session, [org], True, full_service)[0] if org else None


def _sal_where(
    stmt: Select, search, taxonomy_term_id, taxonomy_id, organization_id, modified_after
) -> Select:
    stmt = stmt.join(m.Service, m.Service.id == m.ServiceAtLocation.service_id)
    if taxonomy_term_id or taxonomy_id:
        # A service's own terms, or its location's, both place it in the category.
        stmt = stmt.where(
            or_(
                m.ServiceAtLocation.service_id.in_(_term_filter(taxonomy_term_id, taxonomy_id, "service")),
                m.ServiceAtLocation.location_id.in_(_term_filter(taxonomy_term_id, taxonomy_id, "location")),
            )
        )
    return _service_where(stmt, search, None, None, organization_id, modified_after)


def _sal_options(full: bool) -> list:
    location = selectinload(m.ServiceAtLocation.location)
    if full:
        return [location.selectinload(m.Location.addresses), location.selectinload(m.Location.accessibility)]
    return [location]


def _sal_out(session: Session, sals: list[m.ServiceAtLocation], full: bool) -> list[dict]:
    attrs = _attributes_for(session, {s.location_id for s in sals}) if full else {}
    services = {
        s.id: s
        for s in session.scalars(
            select(m.Service)
            .where(m.Service.id.in_({sal.service_id for sal in sals}))
            .options(selectinload(m.Service.organization))
        )
    }
    out = []
    for sal in sals:
        item = record(sal)
        item["location"] = (
            location(sal.location, attrs.get(sal.location_id, [])) if full else record(sal.location)
        )
        item["service"] = service(services[sal.service_id], full=False)
        out.append(item)
    return out


def _by_distance(session: Session, stmt: Select, near: Near) -> list[tuple[str, float | None]]:
    """(id, miles) of every matching record, nearest first; records with no place come last."""
    stmt = (
        stmt.with_only_columns(m.ServiceAtLocation.id, m.Location.latitude, m.Location.longitude)
        .join(m.Location, m.Location.id == m.ServiceAtLocation.location_id)
        .order_by(None)
    )
    if near.metres is not None:
        # A box a little larger than the circle lets the database drop far records before Python
        # measures the rest exactly.
        lat_span = near.metres / METRES_PER_DEGREE * 1.01
        lon_span = lat_span / max(0.01, math.cos(math.radians(near.latitude)))
        stmt = stmt.where(
            m.Location.latitude.between(near.latitude - lat_span, near.latitude + lat_span),
            m.Location.longitude.between(near.longitude - lon_span, near.longitude + lon_span),
        )
    rows = session.execute(stmt).all()
    placed, unplaced = [], []
    for sal_id, lat, lon in rows:
        if lat is None or lon is None:
            unplaced.append((sal_id, None))
            continue
        distance = places.miles(near.latitude, near.longitude, lat, lon)
        if near.metres is None or distance * METRES_PER_MILE <= near.metres:
            placed.append((sal_id, distance))
    placed.sort(key=lambda pair: (pair[1], pair[0]))
    return placed if near.metres is not None else placed + sorted(unplaced)


def list_service_at_locations(
    session: Session,
    page: int,
    per_page: int,
    search: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: datetime | None = None,
    full: bool = False,
    near: Near | None = None,
) -> dict:
    stmt = _sal_where(
        select(m.ServiceAtLocation), search, taxonomy_term_id, taxonomy_id, organization_id, modified_after
    )
    if near is None:
        stmt = stmt.options(*_sal_options(full))
        rows, total = _paged(session, stmt, [m.ServiceAtLocation.id], page, per_page)
        return page_envelope(_sal_out(session, rows, full), total, page, per_page)
    ranked = _by_distance(session, stmt, near)
    wanted = ranked[(page - 1) * per_page : page * per_page]
    found = {
        s.id: s
        for s in session.scalars(
            select(m.ServiceAtLocation)
            .where(m.ServiceAtLocation.id.in_([sal_id for sal_id, _ in wanted]))
            .options(*_sal_options(full))
        )
    }
    rows = [found[sal_id] for sal_id, _ in wanted]
    return page_envelope(_sal_out(session, rows, full), len(ranked), page, per_page)


def get_service_at_location(session: Session, sal_id: str) -> dict | None:
    sal = session.scalars(
        select(m.ServiceAtLocation).where(m.ServiceAtLocation.id == sal_id).options(*_sal_options(True))
    ).first()
    return _sal_out(session, [sal], True)[0] if sal else None
