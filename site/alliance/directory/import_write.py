"""Comparing an import with the database and writing it in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.database import utcnow
from alliance.directory import models as m
from alliance.directory.import_batch import (
    ALL_TABLES,
    SERVICE_CHILDREN,
    TRANSLATIONS_TABLE,
    Batch,
    Problem,
    Report,
)
from alliance.directory.import_check import check

# Comparing and writing -----------------------------------------------------------------------


def _load_existing(session: Session, table: str, keys: list[tuple]) -> dict[tuple, Any]:
    model: Any  # a mapped class: its columns are attributes
    model, key_columns = ALL_TABLES[table]
    found: dict[tuple, Any] = {}
    if len(key_columns) == 1:
        column = getattr(model, key_columns[0])
        ids = [k[0] for k in keys]
        for start in range(0, len(ids), 500):
            for obj in session.scalars(select(model).where(column.in_(ids[start : start + 500]))):
                found[(getattr(obj, key_columns[0]),)] = obj
    else:
        entity_ids = list({k[1] for k in keys})
        for start in range(0, len(entity_ids), 500):
            for obj in session.scalars(
                select(model).where(model.entity_id.in_(entity_ids[start : start + 500]))
            ):
                found[tuple(getattr(obj, k) for k in key_columns)] = obj
    return found


def _differs(obj: Any, values: dict) -> bool:
    for key, value in values.items():
        if key == "last_modified":
            continue
        current = getattr(obj, key)
        if isinstance(current, datetime) and isinstance(value, datetime):
            if current.replace(tzinfo=None) != value.astimezone(current.tzinfo or value.tzinfo).replace(
                tzinfo=None
            ):
                return True
        elif current != value:
            return True
    return False


def _stale_children(session: Session, service_ids: set[str | None], checked: dict) -> dict[str, list]:
    """Rows that belong to a service sent whole but are missing from what was sent."""
    stale: dict[str, list] = {}
    ids = [i for i in service_ids if i]
    if not ids:
        return stale
    for table in SERVICE_CHILDREN:
        model: Any = ALL_TABLES[table][0]  # a mapped class: its columns are attributes
        keep = {k[0] for k in checked[table]}
        for start in range(0, len(ids), 500):
            for obj in session.scalars(select(model).where(model.service_id.in_(ids[start : start + 500]))):
                if obj.id not in keep:
                    stale.setdefault(table, []).append(obj)
    keep = {k[0] for k in checked["attributes"]}
    for start in range(0, len(ids), 500):
        for obj in session.scalars(
            select(m.Attribute).where(m.Attribute.link_id.in_(ids[start : start + 500]))
        ):
            if obj.id not in keep:
                stale.setdefault("attributes", []).append(obj)
    return stale


# Tables whose rows other rows hang from, and the columns that point at them.
OWNER_TABLES = ("organizations", "locations", "services", "service_at_locations", "contacts")
OWNER_COLUMNS = (
    "service_id",
    "location_id",
    "organization_id",
    "contact_id",
    "service_at_location_id",
    "link_id",
)


def _existing_owners(session: Session, checked: dict) -> set:
    """Ids of the rows in the batch, among those others hang from, that the database already has."""
    found: set = set()
    for table in OWNER_TABLES:
        found.update(key[0] for key in _load_existing(session, table, list(checked[table])))
    return found


def _owned_by(table: str, values: dict, owners: set) -> bool:
    if table == TRANSLATIONS_TABLE:
        return values.get("entity_id") in owners
    return any(values.get(column) in owners for column in OWNER_COLUMNS if values.get(column))


# On SQLite one transaction at a time may write, and other writers (survey answers, content saves,
# moderation) wait for it at most SQLITE_BUSY_TIMEOUT_MS (5 s) before failing with "database is
# locked". An import reads and compares everything first and holds the write lock only while it
# writes; this many rows are written in about a second on a small server, so larger imports are
# refused on SQLite (use PostgreSQL, where writers do not block each other). See docs/deploy.md.
SQLITE_MAX_IMPORT_ROWS = 15_000


def too_large_for_sqlite(session: Session, rows: int, limit: int) -> Problem | None:
    """A problem when `rows` is more than an SQLite database should take in one import."""
    if rows <= limit or session.get_bind().dialect.name != "sqlite":
        return None
    return Problem(
        "import",
        "",
        f"{rows:,} rows is more than one import may write to an SQLite database ({limit:,}): it would "
        "keep survey answers and staff edits waiting too long. Split the file, or move the site to "
        "PostgreSQL (docs/deploy.md).",
    )


def apply(
    session: Session,
    batch: Batch,
    dry_run: bool = False,
    only_new: bool = False,
    progress: Callable[[str], None] | None = None,
    sqlite_max_rows: int | None = None,
) -> Report:
    """Check, compare and (unless a dry run) write a batch. Bad rows anywhere: nothing is written.

    With only_new (seeding), rows the database already has are kept as they are, and so is everything
    that belongs to them (a service's contacts, phones, schedules...): only what is missing is added.
    `progress`, when given, hears a line after the check and after each table.

    Everything is read and compared before the first write, so the transaction holds the database's
    write lock only for the writing itself; on SQLite a batch above `sqlite_max_rows` (by default
    SQLITE_MAX_IMPORT_ROWS) is refused."""
    say = progress or (lambda _line: None)
    report = Report(dry_run=dry_run, warnings=list(batch.warnings))
    checked, report.problems = check(session, batch)
    rows_given = sum(len(rows) for rows in batch.rows.values())
    say(f"checked {rows_given:,} rows: {len(report.problems):,} problems")
    if not report.problems:
        limit = SQLITE_MAX_IMPORT_ROWS if sqlite_max_rows is None else sqlite_max_rows
        too_large = too_large_for_sqlite(session, rows_given, limit)
        report.problems = [too_large] if too_large else []
    if report.problems:
        session.rollback()
        return report
    now = utcnow()
    owners = _existing_owners(session, checked) if only_new else set()
    stale = {} if only_new else _stale_children(session, batch.whole_services, checked)
    touched: set[str | None] = set()  # None: a row that belongs to no service
    for table, objs in stale.items():
        report.deleted[table] += len(objs)
        touched.update(getattr(obj, "service_id", None) or getattr(obj, "link_id", None) for obj in objs)
    # Compare first (reads only): what to add, and which loaded rows change.
    plan = _Plan(stale=stale, touched=touched)
    for table, rows in checked.items():
        _compare_table(session, table, rows, plan, report, owners if only_new else None, now)
        if rows and dry_run:
            say(f"{table}: {len(rows):,} rows compared")
    if dry_run:
        session.rollback()
        return report
    services_to_touch = _services_to_touch(session, touched, checked)
    _write(session, plan, checked, services_to_touch, now, say)
    if report.changed:
        from alliance.directory.search import directory_changed

        directory_changed(session)
    session.commit()
    return report


@dataclass
class _Plan:
    """What a compared import will write: rows to delete, add and update, and the services touched."""

    stale: dict[str, list]
    touched: set[str | None]
    to_add: dict[str, list[Any]] = field(default_factory=dict)
    # (loaded row, new values, whether to stamp a service's last_modified)
    to_update: dict[str, list[tuple[Any, dict, bool]]] = field(default_factory=dict)


def _compare_table(
    session: Session, table: str, rows: dict, plan: _Plan, report: Report, owners: set | None, now: datetime
) -> None:
    """Sort one table's checked rows into kept, unchanged, to add and to update. `owners` is given
    only when seeding (only_new): rows the database has, or that belong to rows it has, are kept."""
    model, _key = ALL_TABLES[table]
    existing = _load_existing(session, table, list(rows))
    for key, values in rows.items():
        obj = existing.get(key)
        if owners is not None and (obj is not None or _owned_by(table, values, owners)):
            report.kept[table] += 1
            continue
        if obj is not None and not _differs(obj, values):
            report.unchanged[table] += 1
            continue
        plan.touched.add(
            values.get("service_id") or (values.get("link_id") if table == "attributes" else None)
        )
        if obj is None:
            report.created[table] += 1
            if table == "services":
                report.services_created.append(values["name"])
                values.setdefault("last_modified", now)
            plan.to_add.setdefault(table, []).append(model(**values))
        else:
            report.updated[table] += 1
            if table == "services":
                report.services_updated.append(values["name"])
            plan.to_update.setdefault(table, []).append(
                (obj, values, table == "services" and "last_modified" not in values)
            )


def _write(
    session: Session,
    plan: _Plan,
    checked: dict,
    services_to_touch: list,
    now: datetime,
    say: Callable[[str], None],
) -> None:
    """Write a compared import: the write lock is taken at the first statement and held to the commit."""
    with session.no_autoflush:
        for objs in plan.stale.values():
            for obj in objs:
                session.delete(obj)
        session.flush()
        for table in ALL_TABLES:  # in order, so a row is written after the rows it refers to
            for obj, values, stamp in plan.to_update.get(table, []):
                for name, value in values.items():
                    setattr(obj, name, value)
                if stamp:
                    obj.last_modified = now
            session.add_all(plan.to_add.get(table, []))
            session.flush()
            if checked[table]:
                say(f"{table}: {len(checked[table]):,} rows compared and written")
        for svc in services_to_touch:
            svc.last_modified = now


def _services_to_touch(session: Session, touched: set[str | None], checked: dict) -> list:
    """The services whose parts changed, so that modified_after finds them (loaded before writing)."""
    given = {k[0] for k, v in checked["services"].items() if v.get("last_modified")}
    ids = list(touched - given - {None})
    found: list[m.Service] = []
    for start in range(0, len(ids), 500):
        found.extend(session.scalars(select(m.Service).where(m.Service.id.in_(ids[start : start + 500]))))
    return found
