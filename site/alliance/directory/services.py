"""The public directory's domain functions: primitives and a session in, plain values out."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from alliance.directory import models as m
from alliance.directory.search import AUDIENCE_TERMS, DELIVERY_TERMS

PROBLEMS = ("closed", "contact", "opening", "address", "description", "other")


def category_terms(session: Session) -> list[m.TaxonomyTerm]:
    """The kinds of support a reader can browse by (not who it is for, nor how it is given)."""
    terms = session.scalars(
        select(m.TaxonomyTerm).order_by(m.TaxonomyTerm.taxonomy_id, m.TaxonomyTerm.position)
    )
    return [t for t in terms if t.term and t.term not in DELIVERY_TERMS and t.term not in AUDIENCE_TERMS]


def get_term(session: Session, code: str) -> m.TaxonomyTerm | None:
    return next((term for term in category_terms(session) if term.term == code), None)


def translations(
    session: Session, entity: str, lang: str, ids: list[str] | None = None
) -> dict[str, m.Translation]:
    """entity_id -> its translation into `lang`."""
    query = select(m.Translation).where(m.Translation.entity == entity, m.Translation.lang == lang)
    if ids is not None:
        query = query.where(m.Translation.entity_id.in_(ids))
    return {row.entity_id: row for row in session.scalars(query)}


def term_translations(session: Session, lang: str) -> dict[str, dict[str, str]]:
    return {k: {lang: v.name} for k, v in translations(session, "taxonomy_term", lang).items()}


def get_service(session: Session, service_id: str) -> m.Service | None:
    """An active service with everything ORUK holds about it loaded."""
    query = (
        select(m.Service)
        .where(m.Service.id == service_id[:64], m.Service.status == "active")
        .options(
            selectinload(m.Service.organization),
            selectinload(m.Service.phones),
            selectinload(m.Service.contacts),
            selectinload(m.Service.languages),
            selectinload(m.Service.cost_options),
            selectinload(m.Service.schedules),
            selectinload(m.Service.service_areas),
            selectinload(m.Service.local),
            selectinload(m.Service.service_at_locations)
            .selectinload(m.ServiceAtLocation.location)
            .options(selectinload(m.Location.addresses), selectinload(m.Location.accessibility)),
        )
    )
    return session.scalar(query)


def service_terms(session: Session, service_id: str) -> list[m.TaxonomyTerm]:
    query = (
        select(m.TaxonomyTerm)
        .join(m.Attribute, m.Attribute.taxonomy_term_id == m.TaxonomyTerm.id)
        .where(m.Attribute.link_id == service_id, m.Attribute.link_entity == "service")
        .order_by(m.TaxonomyTerm.taxonomy_id, m.TaxonomyTerm.position)
    )
    return list(session.scalars(query))


def report_problem(
    session: Session, service_id: str, problem: str, details: str, lang: str
) -> m.ProblemReport:
    """Store a report about a listing for staff to check. Nothing about the reporter is kept."""
    if problem not in PROBLEMS:
        raise ValueError(f"unknown problem {problem!r}")
    report = m.ProblemReport(
        service_id=service_id, problem=problem, details=details.strip()[:2000], lang=lang
    )
    session.add(report)
    session.commit()
    return report


def sitemap_services(session: Session, part: int, per_part: int) -> list[tuple[str, date]]:
    """(id, date last modified) of the public services in one part (from 1) of the sitemap, by id."""
    rows = session.execute(
        select(m.Service.id, m.Service.last_modified)
        .where(m.Service.status == "active")
        .order_by(m.Service.id)
        .offset((part - 1) * per_part)
        .limit(per_part)
    )
    return [(service_id, modified.date()) for service_id, modified in rows]


def sitemap_parts(session: Session, per_part: int) -> int:
    """How many service sitemaps there are (at least one, empty or not)."""
    count = (
        session.scalar(select(func.count()).select_from(m.Service).where(m.Service.status == "active")) or 0
    )
    return max(1, -(-count // per_part))
