"""Trial services: import records (API v2 JSON, CSV), find trials for the public, list stale ones."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from alliance import datafiles
from alliance.trials import parsing
from alliance.trials.models import Trial, TrialSite
from alliance.trials.parsing import OPEN_STATUSES, RECRUITING_NOW, Area, RecordError, TrialRecord
from alliance.trials.search import trials_changed

TYA_MIN, TYA_MAX = 16, 24
# A trial made for teenagers and young adults (rather than open to them among all adults) stops at this age.
TYA_MADE_FOR_MAX_AGE = 30
MAX_ID = 2**31 - 1  # the largest INTEGER id PostgreSQL can hold


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    outside_area: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        kept = f"{self.kept} kept as they are, " if self.kept else ""
        return (
            f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged, {kept}"
            f"{self.outside_area} with no site in the area, {len(self.skipped)} skipped"
        )


def area_from_config(config, content_dir: Path | None = None) -> Area:
    """The area as configured: TRIALS_AREA_CITIES ("City:Locality"), and known hospitals from content/."""
    cities = {}
    for pair in config.get("TRIALS_AREA_CITIES", []):
        city, _, locality = pair.partition(":")
        cities[city.strip().lower()] = (locality or city).strip()
    facilities = {}
    sites_file = Path(content_dir or config["CONTENT_DIR"]) / "trials" / "sites.json"
    if sites_file.is_file():
        for entry in json.loads(sites_file.read_text(encoding="utf-8"))["sites"]:
            facilities[entry["hospital"].lower()] = entry
    centre = config.get("TRIALS_AREA_CENTRE")
    return Area(cities, facilities, tuple(centre) if centre else None, config.get("TRIALS_AREA_RADIUS_KM", 0))


# Reading JSON files ------------------------------------------------------------------------------


def studies_in(path: Path):
    """Yield (label, study or RecordError) for a study file, a saved `studies` response, or a folder."""
    files = sorted(p for p in path.rglob("*.json") if p.name != "sites.json") if path.is_dir() else [path]
    for file in files:
        try:
            data = datafiles.load_json(file.read_bytes())
        except OSError as error:
            yield file.name, RecordError(f"not readable ({type(error).__name__})")
            continue
        except datafiles.DataFileError as error:
            yield file.name, RecordError(f"not readable JSON: {error}")
            continue
        yield from studies_of(data, file.name)


def studies_of(data, label: str):
    if isinstance(data, dict) and "studies" in data:
        if not isinstance(data["studies"], list):
            yield label, RecordError("`studies` is not a list")
            return
        example = data.get("exampleData") is True
        for number, study in enumerate(data["studies"], start=1):
            if example and isinstance(study, dict):
                study = {**study, "exampleData": True}
            yield f"{label} #{number}", study
    else:
        yield label, data


# Writing trials ----------------------------------------------------------------------------------

_FIELDS = [
    "nct_id",
    "isrctn_id",
    "iras_id",
    "cpms_id",
    "title",
    "official_title",
    "summary",
    "phase",
    "overall_status",
    "min_age",
    "max_age",
    "sex",
    "registry_url",
    "bpor_url",
    "first_posted",
    "last_updated",
    "source",
    "example_data",
]
_SITE_FIELDS = [
    "hospital",
    "trust",
    "city",
    "locality",
    "status",
    "contact_name",
    "contact_phone",
    "contact_email",
]


def _snapshot(trial: Trial) -> tuple:
    return (
        tuple(getattr(trial, name) for name in _FIELDS),
        trial.conditions,
        trial.cancer_types,
        tuple(tuple(getattr(site, name) for name in _SITE_FIELDS) for site in trial.sites),
    )


def upsert(session: Session, record: TrialRecord, only_new: bool = False) -> str:
    """Create or update one trial by registry id; returns 'created', 'updated' or 'unchanged'.
    With only_new (seeding) a trial the site already has is left as it is: 'kept'."""
    trial = session.scalar(
        select(Trial).where(Trial.registry_id == record.registry_id).options(selectinload(Trial.sites))
    )
    outcome = "updated"
    if trial is not None and only_new:
        return "kept"
    if trial is None:
        trial = Trial(registry_id=record.registry_id)
        session.add(trial)
        outcome = "created"
        before = None
    else:
        before = _snapshot(trial)
    for name in _FIELDS:
        setattr(trial, name, getattr(record, name))
    trial.conditions = json.dumps(record.conditions, ensure_ascii=False)
    trial.cancer_types = "," + ",".join(record.cancer_types) + ","
    new_sites = [tuple(getattr(site, name) for name in _SITE_FIELDS) for site in record.sites]
    if before is None or before[3] != tuple(new_sites):
        trial.sites.clear()
        session.flush()
        for position, values in enumerate(new_sites):
            trial.sites.append(TrialSite(position=position, **dict(zip(_SITE_FIELDS, values, strict=True))))
    if before is not None and _snapshot(trial) == before:
        return "unchanged"
    trials_changed(session)
    return outcome


def import_studies(session: Session, items, area: Area, only_new: bool = False) -> ImportReport:
    """Import (label, study) pairs: each bad one is reported and skipped; the rest carry on."""
    report = ImportReport()
    for label, study in items:
        if isinstance(study, RecordError):
            report.skipped.append(f"{label}: {study}")
            continue
        try:
            record = parsing.parse_study(study, area)
        except RecordError as error:
            report.skipped.append(f"{label}: {error}")
            continue
        if record is None:
            report.outside_area += 1
            continue
        outcome = upsert(session, record, only_new)
        setattr(report, outcome, getattr(report, outcome) + 1)
    session.flush()
    return report


def import_path(session: Session, path: Path, area: Area) -> ImportReport:
    """Import a v2 JSON file or folder, or a CSV file of trials added by hand."""
    if path.is_file() and path.suffix.lower() == ".csv":
        return import_csv(session, path.read_bytes(), area)
    return import_studies(session, studies_in(path), area)


def seed_trials(session: Session, content_dir: Path) -> tuple[int, str]:
    """Seeder: add the example studies in content/trials/ that the site does not have. A trial it
    has (perhaps edited by staff or imported since) is never changed. Idempotent."""
    from flask import current_app

    folder = content_dir / "trials"
    if not folder.is_dir():
        return 0, "no content/trials folder"
    area = area_from_config(current_app.config, content_dir)
    report = import_studies(session, studies_in(folder), area, only_new=True)
    session.commit()
    return report.changed, report.summary()


# CSV ---------------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "registry_id",
    "title",
    "summary",
    "conditions",
    "phase",
    "overall_status",
    "min_age",
    "max_age",
    "sex",
    "iras_id",
    "cpms_id",
    "registry_url",
    "last_updated",
    "hospital",
    "trust",
    "locality",
    "site_status",
    "contact_name",
    "contact_phone",
    "contact_email",
]
CSV_REQUIRED = ["registry_id", "title", "overall_status", "hospital", "locality", "site_status"]


def _csv_record(row: dict, localities: set[str]) -> TrialRecord:
    missing = [name for name in CSV_REQUIRED if not row.get(name)]
    if missing:
        raise RecordError(f"missing {', '.join(missing)}")
    registry_id = row["registry_id"].upper()
    if not (registry_id.startswith("NCT") or registry_id.startswith("ISRCTN")):
        raise RecordError(f"registry_id must start NCT or ISRCTN: {row['registry_id']!r}")
    statuses = {row["overall_status"].upper(), row["site_status"].upper()}
    if not statuses <= parsing.ALL_STATUSES:
        raise RecordError(f"status not understood: {', '.join(sorted(statuses - parsing.ALL_STATUSES))}")
    if row["locality"] not in localities:
        raise RecordError(f"locality must be one of {', '.join(sorted(localities))}: {row['locality']!r}")
    sex = (row.get("sex") or "ALL").upper()
    if sex not in parsing.SEXES:
        raise RecordError(f"sex must be ALL, FEMALE or MALE: {row.get('sex')!r}")
    conditions = [c.strip() for c in (row.get("conditions") or "").split(";") if c.strip()]
    phase = (row.get("phase") or "").upper()
    if phase and not set(phase.split("/")) <= set(parsing.PHASES):
        raise RecordError(f"phase not understood: {row['phase']!r}")
    nct = registry_id if registry_id.startswith("NCT") else None
    return TrialRecord(
        registry_id=registry_id,
        nct_id=nct,
        isrctn_id=registry_id if not nct else None,
        iras_id=row.get("iras_id") or None,
        cpms_id=row.get("cpms_id") or None,
        title=row["title"],
        summary=row.get("summary") or "",
        overall_status=row["overall_status"].upper(),
        conditions=conditions,
        cancer_types=parsing.map_conditions(conditions),
        phase=phase,
        min_age=parsing.parse_age(row.get("min_age")),
        max_age=parsing.parse_age(row.get("max_age")),
        sex=sex,
        registry_url=row.get("registry_url")
        or (parsing.registry_url(nct) if nct else f"https://www.isrctn.com/{registry_id}"),
        bpor_url=parsing.bpor_url(registry_id),
        last_updated=parsing.parse_date(row.get("last_updated")) or date.today(),
        source="research team (CSV)",
    )


def import_csv(session: Session, data: bytes, area: Area) -> ImportReport:
    """Trials the research teams add by hand: one row per trial site (columns in content/trials/README.md).

    Rows of one trial share its registry_id; a bad row is reported by its row number and skipped.
    """
    report = ImportReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.skipped.append("file: not UTF-8 text")
        return report
    try:
        return _import_csv_rows(session, datafiles.CsvRows(text, "file"), area, report)
    except datafiles.DataFileError as error:
        # Every row is read before any is written, so a row the csv module cannot read keeps out the file.
        return ImportReport(skipped=[str(error)])


def _import_csv_rows(
    session: Session, reader: datafiles.CsvRows, area: Area, report: ImportReport
) -> ImportReport:
    absent = [name for name in CSV_REQUIRED if name not in reader.fieldnames]
    if absent:
        report.skipped.append(f"header: missing columns {', '.join(absent)}")
        return report
    localities = set(area.cities.values()) | {f.get("locality", "") for f in area.facilities.values()}
    localities.discard("")
    records: dict[str, TrialRecord] = {}
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        row = {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
        try:
            record = _csv_record(row, localities)
        except RecordError as error:
            report.skipped.append(f"row {number}: {error}")
            continue
        site = parsing.SiteRecord(
            hospital=row["hospital"],
            status=row["site_status"].upper(),
            trust=row.get("trust") or area.trust_for(row["hospital"]),
            locality=row["locality"],
            contact_name=row.get("contact_name", ""),
            contact_phone=row.get("contact_phone", ""),
            contact_email=row.get("contact_email", ""),
        )
        records.setdefault(record.registry_id, record).sites.append(site)
    for record in records.values():
        outcome = upsert(session, record)
        setattr(report, outcome, getattr(report, outcome) + 1)
    session.flush()
    return report


# Reading trials for the public ----------------------------------------------------------------


@dataclass
class Filters:
    cancer_type: str = ""
    age: int | None = None
    tya: bool = False
    locality: str = ""
    hospital: str = ""
    phase: str = ""
    recruiting_now: bool = True


@dataclass
class Results:
    trials: list[Trial]
    total: int
    page: int
    pages: int


def _listed(filters: Filters):
    """Conditions for a public listing: the trial and a matching local site are open (or recruiting)."""
    statuses = RECRUITING_NOW if filters.recruiting_now else OPEN_STATUSES
    site = [TrialSite.trial_id == Trial.id, TrialSite.status.in_(statuses)]
    if filters.locality:
        site.append(TrialSite.locality == filters.locality)
    if filters.hospital:
        site.append(TrialSite.hospital == filters.hospital)
    conditions = [Trial.overall_status.in_(statuses), exists().where(*site)]
    if filters.cancer_type:
        conditions.append(Trial.cancer_types.like(f"%,{filters.cancer_type},%"))
    if filters.phase:
        # Phases are stored "PHASE1/PHASE2": match whole parts, so PHASE1 never finds EARLY_PHASE1.
        conditions.append(
            or_(
                Trial.phase == filters.phase,
                Trial.phase.like(f"{filters.phase}/%"),
                Trial.phase.like(f"%/{filters.phase}"),
            )
        )
    if filters.age is not None:
        conditions.append(_overlaps(filters.age, filters.age))
    if filters.tya:
        conditions.append(_overlaps(TYA_MIN, TYA_MAX))
    return and_(*conditions)


def _overlaps(low: float, high: float):
    # Ages are whole years on the form: someone aged 24 is under 25, so the upper end is high + 1.
    return and_(
        or_(Trial.min_age.is_(None), Trial.min_age < high + 1),
        or_(Trial.max_age.is_(None), Trial.max_age >= low),
    )


def made_for_young_people(trial: Trial) -> bool:
    """Whether a trial is made for teenagers and young adults: its ages reach 16 to 24 and stop by 30."""
    return (
        trial.max_age is not None
        and trial.max_age >= TYA_MIN
        and trial.max_age <= TYA_MADE_FOR_MAX_AGE
        and (trial.min_age is None or trial.min_age < TYA_MAX + 1)
    )


def find_trials(session: Session, filters: Filters, page: int = 1, per_page: int = 10) -> Results:
    """Open trials with a local site matching the filters, most recently updated first; asked for
    teenagers and young adults, the trials made for them come first."""
    where = _listed(filters)
    order = [Trial.last_updated.desc().nulls_last(), Trial.id]
    if filters.tya:
        made_for = and_(Trial.max_age.is_not(None), Trial.max_age <= TYA_MADE_FOR_MAX_AGE)
        order.insert(0, case((made_for, 0), else_=1))
    total = session.scalar(select(func.count()).select_from(Trial).where(where)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    trials = session.scalars(
        select(Trial)
        .where(where)
        .options(selectinload(Trial.sites))
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Results(list(trials), total, page, pages)


def get_trial(session: Session, trial_id: int) -> Trial | None:
    if not 0 < trial_id <= MAX_ID:
        return None  # no such row, and the database would refuse the number
    return session.scalar(select(Trial).where(Trial.id == trial_id).options(selectinload(Trial.sites)))


def sitemap_trials(session: Session) -> list[tuple[int, date]]:
    """(id, date its record last changed here) of every trial recruiting locally, as the listings show."""
    trials = session.scalars(select(Trial).options(selectinload(Trial.sites)).order_by(Trial.id))
    return [(trial.id, trial.imported_at.date()) for trial in trials if is_recruiting_locally(trial)]


def is_recruiting_locally(trial: Trial) -> bool:
    """Open overall and at one or more local sites: anything else leaves the public listings."""
    return trial.overall_status in OPEN_STATUSES and any(site.status in OPEN_STATUSES for site in trial.sites)


def hospitals(session: Session) -> list[str]:
    """Every local hospital with a trial on record, for the hospital filter."""
    return list(session.scalars(select(TrialSite.hospital).distinct().order_by(TrialSite.hospital)))


def stale_cutoff(today: date, days: int) -> date:
    """A record last updated before this day is stale (older than TRIALS_STALE_DAYS)."""
    return today - timedelta(days=days)


def is_stale(trial: Trial, today: date, days: int) -> bool:
    """Whether the trial's record is older than `days` (or has no update date at all)."""
    return trial.last_updated is None or trial.last_updated < stale_cutoff(today, days)


def stale_trials(session: Session, today: date, days: int) -> list[Trial]:
    """Open trials whose record has not been updated for `days`: staff should check them with the team."""
    cutoff = stale_cutoff(today, days)
    return list(
        session.scalars(
            select(Trial)
            .where(
                Trial.overall_status.in_(OPEN_STATUSES),
                or_(Trial.last_updated.is_(None), Trial.last_updated < cutoff),
            )
            .order_by(Trial.last_updated.nulls_first(), Trial.registry_id)
        )
    )
