"""Checking an import: every value coerced and validated, and references resolved, before anything is written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, select
from sqlalchemy.orm import Session

from alliance import localities
from alliance.database import utcnow
from alliance.directory import oruk, schedules
from alliance.directory.import_batch import (
    ALL_TABLES,
    EMAIL_COLUMNS,
    ENUMS,
    FORMATS,
    LINK_COLUMNS,
    NOT_IMPORTED,
    TIME_COLUMNS,
    TRANSLATIONS_TABLE,
    Batch,
    Problem,
    Row,
)
from alliance.inputs import DATABASE_INT_MAX, first_control, parse_uuid, web_address

# Checking ------------------------------------------------------------------------------------


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ValueError("must be true or false")


def _integer(raw: Any) -> int:
    if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
        raise ValueError("must be a whole number")
    try:
        number = int(str(raw).strip())
    except ValueError:
        raise ValueError("must be a whole number") from None
    if abs(number) > DATABASE_INT_MAX:
        raise ValueError(f"must be a whole number between -{DATABASE_INT_MAX} and {DATABASE_INT_MAX}")
    return number


def _float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("must be a number")
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise ValueError("must be a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("must be a number")
    return value


def _date_time(raw: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(raw).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("must be a date and time like 2026-01-31T09:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def _date(raw: Any) -> date:
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValueError("must be a date like 2026-01-31") from None


# Column types with their own reading, in the order they are tried; any other column holds text.
_COERCERS: tuple[tuple[type, Callable[[Any], Any]], ...] = (
    (Boolean, _boolean),
    (Integer, _integer),
    (Float, _float),
    (DateTime, _date_time),
    (Date, _date),
)


def _text(kind: Any, raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValueError("must be text")
    text = raw.strip()
    found = first_control(text, line_breaks=True)
    if found:
        # PostgreSQL cannot store a NUL byte, and no other control character belongs in the directory.
        raise ValueError(f"must not contain control characters (found {found})")
    if isinstance(kind, String) and kind.length and len(text) > kind.length:
        raise ValueError(f"must be {kind.length} characters or fewer")
    return text


def _coerce(column, raw: Any) -> Any:
    """The column's Python value for `raw`; raises ValueError with a reader's message."""
    if raw is None:
        return None
    kind = column.type
    for column_type, coerce in _COERCERS:
        if isinstance(kind, column_type):
            return coerce(raw)
    return _text(kind, raw)


def _check_row(table: str, row: Row, problems: list[Problem]) -> dict | None:
    model, key = ALL_TABLES[table]
    values, ok = {}, True
    for column in oruk.columns(model):
        if column.key in NOT_IMPORTED and table == TRANSLATIONS_TABLE:
            continue
        raw = row.values.get(column.key)
        try:
            value = _coerce(column, raw)
        except ValueError as error:
            problems.append(Problem(row.where, column.key, str(error)))
            ok = False
            continue
        if (
            value in (None, "")
            and not column.nullable
            and column.default is None
            and column.key != "description"
        ):
            problems.append(Problem(row.where, column.key, "is required"))
            ok = False
            continue
        allowed = ENUMS.get((table, column.key))
        if allowed and value is not None and value not in allowed:
            problems.append(Problem(row.where, column.key, f"must be one of: {', '.join(allowed)}"))
            ok = False
        format_problem = _format_problem(table, column.key, value) if value not in (None, "") else None
        if format_problem:
            problems.append(Problem(row.where, column.key, format_problem))
            ok = False
        if value is not None or column.key in row.values:
            values[column.key] = value
    found = _record_problems(table, row, values)
    problems.extend(found)
    return values if ok and not found else None


def _record_problems(table: str, row: Row, values: dict) -> list[Problem]:
    """What is wrong with a row as a whole, once each value has been read (`values` gains the row's
    curated position, when it gives one)."""
    found = []
    if "position" in row.values and table in ORDERED:
        try:
            values["position"] = _integer(row.values["position"])
        except ValueError as error:
            found.append(Problem(row.where, "position", str(error)))
    if table in oruk.TABLES and values.get("id") and parse_uuid(values["id"]) is None:
        found.append(Problem(row.where, "id", "must be a UUID"))
    if table == "locations":
        lat, lon = values.get("latitude"), values.get("longitude")
        if lat is not None and not -90 <= lat <= 90:
            found.append(Problem(row.where, "latitude", "must be between -90 and 90"))
        if lon is not None and not -180 <= lon <= 180:
            found.append(Problem(row.where, "longitude", "must be between -180 and 180"))
    if table == "services":
        low, high = values.get("minimum_age"), values.get("maximum_age")
        if low is not None and high is not None and low > high:
            found.append(Problem(row.where, "minimum_age", f"is above maximum_age ({low:g} > {high:g})"))
    if table == oruk.LOCAL_TABLE and values.get("locality") and values["locality"] not in localities.codes():
        found.append(Problem(row.where, "locality", f"must be one of: {', '.join(localities.codes())}"))
    return found


def _format_problem(table: str, column: str, value: Any) -> str | None:
    """What is wrong with a link, email address or opening time, whichever way it was imported."""
    if column in LINK_COLUMNS and web_address(value) is None:
        return "must be a web address starting http:// or https://"
    if column in EMAIL_COLUMNS and not FORMATS.conforms(value, "email"):
        return "must be an email address"
    if (table, column) in TIME_COLUMNS:
        try:
            schedules.clock_time(value)
        except ValueError as error:
            return str(error)
    return None


def _existing_keys(session: Session, table: str, keys: set) -> set:
    model, key = ALL_TABLES[table]
    found: set = set()
    if len(key) == 1:
        column = getattr(model, key[0])
        items = list(keys)
        for start in range(0, len(items), 500):
            found.update(session.scalars(select(column).where(column.in_(items[start : start + 500]))))
    return found


# Tables whose rows keep a curated order (the site's own position column, never in the ORUK output):
# a reader gives each row its place, or, for languages (always sent whole, per service), the order
# they come in is their place.
ORDERED = {"taxonomy_terms": "taxonomy_id", "languages": "service_id"}

REFERENCES = {
    ("services", "organization_id"): "organizations",
    ("taxonomy_terms", "taxonomy_id"): "taxonomies",
    ("addresses", "location_id"): "locations",
    ("accessibility", "location_id"): "locations",
    ("service_at_locations", "service_id"): "services",
    ("service_at_locations", "location_id"): "locations",
    ("schedules", "service_id"): "services",
    ("languages", "service_id"): "services",
    ("contacts", "service_id"): "services",
    ("phones", "service_id"): "services",
    ("phones", "contact_id"): "contacts",
    ("cost_options", "service_id"): "services",
    ("service_areas", "service_id"): "services",
    ("attributes", "taxonomy_term_id"): "taxonomy_terms",
    (oruk.LOCAL_TABLE, "service_id"): "services",
}


def check(session: Session, batch: Batch) -> tuple[dict[str, dict[tuple, dict]], list[Problem]]:
    """Every row coerced and checked; every reference resolved in the file or the database."""
    problems = list(batch.problems)
    checked: dict[str, dict[tuple, dict]] = {}
    where: dict[tuple[str, tuple], str] = {}
    # Ids of rows already reported: what refers to them is not reported again as "does not exist".
    refused: set = set()
    places: Counter = Counter()
    for table, rows in batch.rows.items():
        checked[table] = {}
        key_columns = ALL_TABLES[table][1]
        for row in rows:
            values = _check_row(table, row, problems)
            if values is None:
                refused.add(row.values.get(key_columns[0]))
                continue
            key = tuple(values.get(k) for k in key_columns)
            previous = where.get((table, key))
            if previous:
                # ORUK nests one record in several places (an organisation shared by services, a phone
                # under a service and under its contact, a term in a taxonomy and in an attribute):
                # the same id is one record, and may be repeated, but only as it is.
                earlier = checked[table][key]
                differ = sorted(k for k, v in values.items() if k in earlier and earlier[k] != v)
                if differ:
                    problems.append(
                        Problem(
                            row.where,
                            differ[0],
                            f"differs from {previous}, which has the same id ({', '.join(differ)})",
                        )
                    )
                    continue
            else:
                where[(table, key)] = row.where
                if table == "languages" and "position" not in values:
                    values["position"] = places[values.get("service_id")]
                    places[values.get("service_id")] += 1
            checked[table][key] = {**checked[table].get(key, {}), **values}
    for (table, column), target in REFERENCES.items():
        wanted = {v[column] for v in checked[table].values() if v.get(column)}
        present = {k[0] for k in checked[target]} | _existing_keys(
            session, target, wanted - {k[0] for k in checked[target]}
        )
        for key, values in checked[table].items():
            if values.get(column) and values[column] not in present and values[column] not in refused:
                problems.append(
                    Problem(
                        where[(table, key)],
                        column,
                        f"refers to {target} id {values[column]}, which does not exist",
                    )
                )
    links = {v["link_id"] for v in checked["attributes"].values()}
    present = (
        {k[0] for k in checked["services"]}
        | {k[0] for k in checked["locations"]}
        | _existing_keys(session, "services", links)
        | _existing_keys(session, "locations", links)
    )
    for key, values in checked["attributes"].items():
        if values["link_id"] not in present and values["link_id"] not in refused:
            problems.append(
                Problem(where[("attributes", key)], "link_id", "refers to no service or location")
            )
    # The schema and the column checks can both catch one value: report it once, the first way.
    seen: set[tuple[str, str]] = set()
    unique = []
    for problem in problems:
        spot = (problem.where, problem.field.rsplit(".", 1)[-1])
        if problem.field and spot in seen:
            continue
        seen.add(spot)
        unique.append(problem)
    return checked, unique
