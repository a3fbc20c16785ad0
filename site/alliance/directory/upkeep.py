"""Keeping the directory right: staff verify listings, retire or reopen services, and work through the
problems the public reports. Functions take a session and primitives and return plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from alliance import places
from alliance.database import utcnow
from alliance.directory import import_batch, import_write, oruk, schedules
from alliance.directory import models as m
from alliance.inputs import web_address

STATUSES = ("active", "temporarily closed", "inactive", "defunct")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
REPORT_DECISIONS = ("resolved", "dismissed")
VERIFY_EVERY_DAYS = 365
PER_PAGE = 50


class UpkeepError(ValueError):
    """A request staff can correct: the message says what to do."""


@dataclass
class ServiceRow:
    id: str
    name: str
    organization: str
    locality: str
    status: str
    verified_on: date | None
    open_reports: int


@dataclass
class ReportRow:
    id: int
    service_id: str
    service_name: str
    problem: str
    details: str
    lang: str
    created_at: datetime


def verification_cutoff(today: date) -> date:
    return today - timedelta(days=VERIFY_EVERY_DAYS)


def _open_reports_by_service(session: Session, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(m.ProblemReport.service_id, func.count())
        .where(m.ProblemReport.status == "open", m.ProblemReport.service_id.in_(ids))
        .group_by(m.ProblemReport.service_id)
    )
    return dict(rows.all())


def list_services(
    session: Session,
    query: str = "",
    locality: str = "",
    status: str = "",
    unverified_since: date | None = None,
    page: int = 1,
) -> tuple[list[ServiceRow], int]:
    """Services for the staff list, with their locality, verification and open reports; (rows, total)."""
    stmt = (
        select(m.Service, m.ServiceLocal, m.Organization.name)
        .outerjoin(m.ServiceLocal, m.ServiceLocal.service_id == m.Service.id)
        .outerjoin(m.Organization, m.Organization.id == m.Service.organization_id)
    )
    if query:
        stmt = stmt.where(func.lower(m.Service.name).contains(query.strip().lower()))
    if locality:
        stmt = stmt.where(m.ServiceLocal.locality == locality)
    if status:
        stmt = stmt.where(m.Service.status == status)
    if unverified_since is not None:
        stmt = stmt.where(
            or_(m.ServiceLocal.verified_on.is_(None), m.ServiceLocal.verified_on < unverified_since)
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    found = session.execute(
        stmt.order_by(m.Service.name, m.Service.id).limit(PER_PAGE).offset((max(page, 1) - 1) * PER_PAGE)
    ).all()
    reports = _open_reports_by_service(session, [svc.id for svc, _local, _org in found])
    rows = [
        ServiceRow(
            id=svc.id,
            name=svc.name,
            organization=org or "",
            locality=local.locality if local else "",
            status=svc.status,
            verified_on=local.verified_on if local else None,
            open_reports=reports.get(svc.id, 0),
        )
        for svc, local, org in found
    ]
    return rows, total


def get_service(session: Session, service_id: str) -> m.Service | None:
    return session.get(m.Service, service_id)


def mark_verified(session: Session, service_id: str, who: str, today: date) -> None:
    """Record that a member of staff checked the listing today. The caller commits."""
    service = session.get(m.Service, service_id)
    if service is None:
        raise UpkeepError("There is no such service.")
    local = service.local
    if local is None:
        raise UpkeepError("This service has no locality recorded: import it again with one before verifying.")
    local.verified_on = today
    local.verified_by = who
    service.last_modified = utcnow()


def set_status(session: Session, service_id: str, status: str) -> str:
    """Retire, pause or reopen a service; returns the old status. The public listing follows at once."""
    if status not in STATUSES:
        raise UpkeepError("Choose a status from the list.")
    service = session.get(m.Service, service_id)
    if service is None:
        raise UpkeepError("There is no such service.")
    old = service.status
    if old != status:
        service.status = status
        service.last_modified = utcnow()
        from alliance.directory.search import directory_changed

        directory_changed(session)
    return old


def open_reports(session: Session) -> list[ReportRow]:
    """The queue of problems waiting for staff, oldest first."""
    rows = session.execute(
        select(m.ProblemReport, m.Service.name)
        .join(m.Service, m.Service.id == m.ProblemReport.service_id)
        .where(m.ProblemReport.status == "open")
        .order_by(m.ProblemReport.created_at, m.ProblemReport.id)
    ).all()
    return [
        ReportRow(r.id, r.service_id, name, r.problem, r.details, r.lang, r.created_at) for r, name in rows
    ]


def reports_for(session: Session, service_id: str) -> list[m.ProblemReport]:
    return list(
        session.scalars(
            select(m.ProblemReport)
            .where(m.ProblemReport.service_id == service_id)
            .order_by(m.ProblemReport.created_at.desc(), m.ProblemReport.id.desc())
        )
    )


def decide_report(session: Session, report_id: int, decision: str, staff_id: int) -> m.ProblemReport:
    """Close a report as resolved (the listing was corrected) or dismissed (nothing to change)."""
    if decision not in REPORT_DECISIONS:
        raise UpkeepError("Choose whether the report was resolved or dismissed.")
    report = session.get(m.ProblemReport, report_id)
    if report is None:
        raise UpkeepError("There is no such report.")
    if report.status != "open":
        raise UpkeepError("That report was already closed.")
    report.status = decision
    report.resolved_at = utcnow()
    report.resolved_by_id = staff_id
    return report


def counts(session: Session, today: date) -> dict[str, int]:
    cutoff = verification_cutoff(today)
    return {
        "services": session.scalar(select(func.count()).select_from(m.Service)) or 0,
        "open_reports": session.scalar(
            select(func.count()).select_from(m.ProblemReport).where(m.ProblemReport.status == "open")
        )
        or 0,
        "unverified": list_services(session, unverified_since=cutoff)[1],
    }


# Creating and editing a service ---------------------------------------------------------------
# The form's answers become import rows, so a service typed in the back-office meets exactly the
# checks an imported one does. Parts the form does not show (more places, contacts, areas) are kept.


def organization_choices(session: Session) -> list[tuple[str, str]]:
    return [
        (org.id, org.name) for org in session.scalars(select(m.Organization).order_by(m.Organization.name))
    ]


def category_choices(session: Session) -> list[tuple[str, str]]:
    return [
        (term.id, term.name)
        for term in session.scalars(
            select(m.TaxonomyTerm).where(m.TaxonomyTerm.parent_id.is_(None)).order_by(m.TaxonomyTerm.position)
        )
    ]


def _first(items: list):
    return items[0] if items else None


def service_form_data(session: Session, service_id: str) -> dict:
    """The form's starting values for an existing service."""
    service = session.get(m.Service, service_id)
    sal = _first(service.service_at_locations)
    location = sal.location if sal else None
    address = _first(location.addresses) if location else None
    schedule = _first([s for s in service.schedules if s.freq == "WEEKLY"])
    phone = _first(service.phones)
    terms = session.scalars(
        select(m.Attribute.taxonomy_term_id).where(m.Attribute.link_id == service_id)
    ).all()
    return {
        "name": service.name,
        "description": service.description or "",
        "organization_id": service.organization_id or "",
        "status": service.status,
        "locality": service.local.locality if service.local else "",
        "categories": list(terms),
        "languages": ", ".join(sorted(lang.code for lang in service.languages if lang.code)),
        "url": service.url or "",
        "email": service.email or "",
        "phone": phone.number if phone else "",
        "location_name": (location.name or "") if location else "",
        "address_1": address.address_1 if address else "",
        "city": address.city if address else "",
        "county": address.state_province if address else "",
        "postcode": address.postal_code if address else "",
        "days": schedule.byday.split(",") if schedule and schedule.byday else [],
        "opens_at": (schedule.opens_at or "")[:5] if schedule else "",
        "closes_at": (schedule.closes_at or "")[:5] if schedule else "",
        "free": "yes" if any((c.amount or 0) == 0 for c in service.cost_options) else "no",
        "verified_on": service.local.verified_on if service.local else None,
    }


def _new_id() -> str:
    return str(uuid.uuid4())


def _checked(local: m.ServiceLocal | None, data: dict, editor: str | None) -> tuple[date | None, str | None]:
    """When the listing was last checked, and by whom: the form's date when it has one (the editor checked
    it when the date changed), else what the service had."""
    before = (local.verified_on, local.verified_by) if local else (None, None)
    if "verified_on" not in data:
        return before
    if data["verified_on"] == before[0]:
        return before
    return data["verified_on"], (editor if data["verified_on"] else None)


def save_service(
    session: Session, service_id: str | None, data: dict, centroids: str, editor: str | None = None
) -> tuple[str, import_batch.Report]:
    """Create (service_id None) or update a service from the form's answers; one transaction, checked
    like an import. Returns the id and the importer's report (problems mean nothing was written).
    `editor` (a staff email) is recorded as who checked the listing when the form changes that date."""
    service = session.get(m.Service, service_id) if service_id else None
    service_id = service.id if service else _new_id()
    batch = import_batch.Batch()
    organization_id = data.get("organization_id") or None
    if data.get("new_organization"):
        organization_id = _new_id()
        batch.add(
            "organizations",
            "form",
            {"id": organization_id, "name": data["new_organization"], "description": ""},
        )
    batch.add(
        "services",
        "form",
        {
            "id": service_id,
            "organization_id": organization_id,
            "name": data["name"],
            "description": data["description"],
            "url": data.get("url") or None,
            "email": data.get("email") or None,
            "status": data.get("status") or "active",
        },
    )
    local = service.local if service else None
    verified_on, verified_by = _checked(local, data, editor)
    batch.add(
        oruk.LOCAL_TABLE,
        "form",
        {
            "service_id": service_id,
            "locality": data["locality"],
            "verified_on": verified_on,
            "verified_by": verified_by,
            "example_data": local.example_data if local else False,
        },
    )
    phone = _first(service.phones) if service else None
    if data.get("phone"):
        batch.add(
            "phones",
            "form",
            {"id": phone.id if phone else _new_id(), "service_id": service_id, "number": data["phone"]},
        )
    elif phone is not None:
        session.delete(phone)
    _place_rows(session, batch, service, service_id, data, centroids)
    _schedule_rows(session, batch, service, service_id, data)
    # Categories, languages and cost are replaced by what the form says.
    if service is not None:
        session.execute(delete(m.Attribute).where(m.Attribute.link_id == service_id))
        session.execute(delete(m.Language).where(m.Language.service_id == service_id))
        session.execute(delete(m.CostOption).where(m.CostOption.service_id == service_id))
    for term_id in data.get("categories") or []:
        batch.add(
            "attributes",
            "form",
            {"id": _new_id(), "link_id": service_id, "link_type": "service", "taxonomy_term_id": term_id},
        )
    for code in data.get("languages") or []:
        batch.add(
            "languages", "form", {"id": _new_id(), "service_id": service_id, "code": code, "name": code}
        )
    if data.get("free") == "yes":
        batch.add(
            "cost_options", "form", {"id": _new_id(), "service_id": service_id, "option": "Free", "amount": 0}
        )
    report = import_write.apply(session, batch)
    return service_id, report


def _place_rows(
    session: Session, batch: import_batch.Batch, service, service_id: str, data: dict, centroids: str
) -> None:
    sal = _first(service.service_at_locations) if service else None
    if not data.get("address_1"):
        if sal is not None:
            session.delete(sal)
        return
    location = sal.location if sal else None
    location_id = location.id if location else _new_id()
    latitude = longitude = None
    if data.get("postcode"):
        place = places.locate(data["postcode"], centroids)
        latitude, longitude = place.latitude, place.longitude
    batch.add(
        "locations",
        "form",
        {
            "id": location_id,
            "location_type": "physical",
            "name": data.get("location_name") or None,
            "latitude": latitude,
            "longitude": longitude,
        },
    )
    address = _first(location.addresses) if location else None
    batch.add(
        "addresses",
        "form",
        {
            "id": address.id if address else _new_id(),
            "location_id": location_id,
            "address_1": data["address_1"],
            "city": data["city"],
            "state_province": data.get("county") or "",
            "postal_code": (data.get("postcode") or "").upper(),
            "country": "GB",
            "address_type": "physical",
        },
    )
    batch.add(
        "service_at_locations",
        "form",
        {"id": sal.id if sal else _new_id(), "service_id": service_id, "location_id": location_id},
    )


def _schedule_rows(session: Session, batch: import_batch.Batch, service, service_id: str, data: dict) -> None:
    schedule = _first([s for s in service.schedules if s.freq == "WEEKLY"]) if service else None
    days = [day for day in DAYS if day in (data.get("days") or [])]
    if not days:
        if schedule is not None:
            session.delete(schedule)
        return
    batch.add(
        "schedules",
        "form",
        {
            "id": schedule.id if schedule else _new_id(),
            "service_id": service_id,
            "freq": "WEEKLY",
            "interval": 1,
            "byday": ",".join(days),
            "opens_at": _stored_time(data.get("opens_at")),
            "closes_at": _stored_time(data.get("closes_at")),
            "dtstart": schedule.dtstart if schedule else date.today().isoformat(),
        },
    )


def _stored_time(value: str | None) -> str | None:
    """HH:MM:SS for a time the form accepted; anything else as given, for the import check to refuse."""
    if not value:
        return None
    try:
        return schedules.clock_time(value).isoformat()
    except ValueError:
        return value


# Organisations ---------------------------------------------------------------------------------


def edit_organization(session: Session, organization_id: str, values: dict) -> dict:
    """Update an organisation's public details; returns what changed. Search follows on the next request."""
    org = session.get(m.Organization, organization_id)
    if org is None:
        raise UpkeepError("There is no such organisation.")
    website = (values.get("website") or "").strip()
    if website and web_address(website) is None:
        raise UpkeepError("Enter a full web address starting https:// or http://")
    changed = {}
    for name in ("name", "description", "website", "email"):
        value = (values.get(name) or "").strip() or (None if name in ("website", "email") else "")
        if getattr(org, name) != value:
            changed[name] = (getattr(org, name), value)
            setattr(org, name, value)
    if changed:
        now = utcnow()
        for service in org.services:
            service.last_modified = now
        from alliance.directory.search import directory_changed

        directory_changed(session)
    return changed


def retire_organization(session: Session, organization_id: str) -> list[str]:
    """ORUK organisations have no status of their own: retiring one retires every service it runs."""
    org = session.get(m.Organization, organization_id)
    if org is None:
        raise UpkeepError("There is no such organisation.")
    retired = [service.id for service in org.services if service.status != "inactive"]
    for service_id in retired:
        set_status(session, service_id, "inactive")
    return retired


# Translations of a service's name and description ------------------------------------------------

AWAITING_REVIEW = "awaiting-translator-review"
REVIEWED = "reviewed"


def service_translations(session: Session, service_id: str) -> dict[str, m.Translation]:
    """lang -> the service's translation into it."""
    query = select(m.Translation).where(
        m.Translation.entity == "service", m.Translation.entity_id == service_id
    )
    return {row.lang: row for row in session.scalars(query)}


def save_translation(
    session: Session, service_id: str, lang: str, name: str, description: str
) -> m.Translation:
    """Write a service's name and description in `lang`. Every save waits for a translator's review,
    however it stood before, and the public search reads it on its next request. The caller commits."""
    if session.get(m.Service, service_id) is None:
        raise UpkeepError("There is no such service.")
    name, description = name.strip(), description.strip()
    if not name:
        raise UpkeepError("Enter the service's name in this language.")
    row = service_translations(session, service_id).get(lang)
    if row is None:
        row = m.Translation(entity="service", entity_id=service_id, lang=lang, name=name)
        session.add(row)
    row.name = name[:255]
    row.description = description or None
    row.review_status = AWAITING_REVIEW
    from alliance.directory.search import directory_changed

    directory_changed(session)
    return row
