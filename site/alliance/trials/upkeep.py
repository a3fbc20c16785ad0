"""Staff upkeep of trial records: the list with stale flags, edits to the plain-English text and
status, and imports of uploaded files. Functions take a session and primitives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance import datafiles
from alliance.trials import services
from alliance.trials.models import Trial
from alliance.trials.parsing import ALL_STATUSES, OPEN_STATUSES, Area, RecordError
from alliance.trials.search import trials_changed


class TrialEditError(ValueError):
    """An edit staff can correct; the message says what to do."""


@dataclass
class TrialRow:
    id: int
    registry_id: str
    title: str
    overall_status: str
    last_updated: date | None
    stale: bool


def trial_rows(session: Session, today: date, stale_days: int) -> list[TrialRow]:
    cutoff = today - timedelta(days=stale_days)
    rows = session.scalars(select(Trial).order_by(Trial.registry_id))
    return [
        TrialRow(
            t.id,
            t.registry_id,
            t.title,
            t.overall_status,
            t.last_updated,
            t.overall_status in OPEN_STATUSES and (t.last_updated is None or t.last_updated < cutoff),
        )
        for t in rows
    ]


def edit_trial(session: Session, trial_id: int, title: str, summary: str, overall_status: str) -> dict:
    """Change what the public reads about a trial; returns the fields that changed (old, new)."""
    trial = session.get(Trial, trial_id)
    if trial is None:
        raise TrialEditError("There is no such trial.")
    if overall_status not in ALL_STATUSES:
        raise TrialEditError("Choose a status from the list.")
    changed = {}
    for name, value in (
        ("title", title.strip()),
        ("summary", summary.strip()),
        ("overall_status", overall_status),
    ):
        if getattr(trial, name) != value:
            changed[name] = (getattr(trial, name), value)
            setattr(trial, name, value)
    if changed:
        trials_changed(session)
    return changed


def import_upload(session: Session, filename: str, data: bytes, area: Area) -> services.ImportReport:
    """A ClinicalTrials.gov v2 JSON file (a study or a saved search) or a research team's CSV.

    Bad records are reported and skipped; the caller commits what was good."""
    if filename.lower().endswith(".csv"):
        return services.import_csv(session, data, area)
    if not filename.lower().endswith(".json"):
        report = services.ImportReport()
        report.skipped.append(f"{filename}: expected a .json or .csv file")
        return report
    try:
        parsed = datafiles.load_json(data)
    except datafiles.DataFileError as error:
        return services.import_studies(
            session, [(filename, RecordError(f"not readable JSON: {error}"))], area
        )
    return services.import_studies(session, services.studies_of(parsed, filename), area)
