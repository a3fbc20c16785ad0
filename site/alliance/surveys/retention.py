"""Keeping survey responses only as long as needed, and erasing one response on request.

Responses are deleted a number of months after their survey closed: the survey's own `retain_months`,
or the site default (SURVEY_RETENTION_MONTHS). A survey has closed when staff closed it (`closed_at`)
or its closing time passed, whichever came first. Deleting a response takes its answers, their
moderation decisions, theme tags and quotes with it (the database cascades), and the survey's
equality-monitoring rows go too. The audit log records what was deleted, never what it said.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from alliance.accounts.models import StaffUser
from alliance.accounts.services import audit
from alliance.surveys.models import EqualityResponse, Response, Survey

REFERENCE = re.compile(r"^[A-Z0-9]{8}$")


def _aware(value: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes; every time here is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months later (the month's last day when it is shorter)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def closed_since(survey: Survey, now: datetime) -> datetime | None:
    """When the survey closed: staff closing it or its closing time passing, whichever came first;
    None while it has not closed."""
    times = []
    if survey.status == "closed" and survey.closed_at is not None:
        times.append(_aware(survey.closed_at))
    closes = _aware(survey.closes_at)
    if closes is not None and closes <= now:
        times.append(closes)
    return min(times) if times else None


@dataclass
class Expired:
    survey_id: int
    slug: str
    version: int
    closed: datetime
    due: datetime
    responses: int
    equality: int


def _counts(session: Session, survey_id: int) -> tuple[int, int]:
    responses = session.scalar(
        select(func.count()).select_from(Response).where(Response.survey_id == survey_id)
    )
    equality = session.scalar(
        select(func.count()).select_from(EqualityResponse).where(EqualityResponse.survey_id == survey_id)
    )
    return responses or 0, equality or 0


def expired(session: Session, now: datetime, default_months: int) -> list[Expired]:
    """Survey versions whose responses are due for deletion (closed + months <= now) and that still
    hold responses or equality rows, oldest closing first."""
    now = _aware(now)
    found = []
    surveys = session.scalars(
        select(Survey).where((Survey.closed_at.is_not(None)) | (Survey.closes_at.is_not(None)))
    )
    for survey in surveys:
        closed = closed_since(survey, now)
        if closed is None:
            continue
        months = survey.retain_months if survey.retain_months is not None else default_months
        due = add_months(closed, months)
        if due > now:
            continue
        responses, equality = _counts(session, survey.id)
        if responses or equality:
            found.append(Expired(survey.id, survey.slug, survey.version, closed, due, responses, equality))
    return sorted(found, key=lambda item: (item.closed, item.survey_id))


def run(session: Session, now: datetime, default_months: int, dry_run: bool = False) -> list[Expired]:
    """Delete the responses (and equality rows) of every expired survey version, audit-logging each
    survey's counts. A dry run only reports. Returns what was (or would be) deleted. The caller commits."""
    due = expired(session, now, default_months)
    if dry_run:
        return due
    for item in due:
        session.execute(delete(Response).where(Response.survey_id == item.survey_id))
        session.execute(delete(EqualityResponse).where(EqualityResponse.survey_id == item.survey_id))
        audit(
            session,
            "surveys.retention",
            target=item.slug,
            email="retention (scheduled)",
            version=item.version,
            responses=item.responses,
            equality=item.equality,
            closed=item.closed.date().isoformat(),
        )
    session.flush()
    return due


def normalise_reference(typed: str | None) -> str | None:
    """A reference as stored ("ABCD-2345") from what someone typed: any case, spaces and hyphens
    ignored. None when it cannot be a reference."""
    code = re.sub(r"[\s\-\u2010-\u2015]", "", typed or "").upper()
    if not REFERENCE.match(code):
        return None
    return f"{code[:4]}-{code[4:]}"


def _find(session: Session, typed: str | None) -> Response | None:
    reference = normalise_reference(typed)
    if reference is None:
        return None
    return session.scalar(
        select(Response).where(Response.reference.in_([reference, reference.replace("-", "")]))
    )


def reference_exists(session: Session, typed: str | None) -> bool:
    return _find(session, typed) is not None


def erase(session: Session, typed: str | None, actor: StaffUser | None = None) -> bool:
    """Delete the one response with this reference and its equality-monitoring row. The audit entry
    names only the survey: never the reference or anything answered. False when there is no such
    response. The caller commits."""
    response = _find(session, typed)
    if response is None:
        return False
    slug = session.scalar(select(Survey.slug).where(Survey.id == response.survey_id))
    if response.monitoring_id:
        session.execute(delete(EqualityResponse).where(EqualityResponse.id == response.monitoring_id))
    session.execute(delete(Response).where(Response.id == response.id))
    session.expunge(response)
    if actor is not None:
        audit(session, "surveys.erase", actor, target=slug or "", by="staff")
    else:
        audit(session, "surveys.erase", target=slug or "", email="respondent", by="respondent")
    session.flush()
    return True
