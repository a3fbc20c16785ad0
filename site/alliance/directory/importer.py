"""Import and export of the directory: ORUK JSON (a feed or a file of services) and HSDS tabular CSV.

An import is read into rows, every row checked, then compared with the database. A dry run stops
there and reports; a real run writes everything in one transaction, or nothing when any row is bad."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from jsonschema import Draft202012Validator
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, select
from sqlalchemy.orm import Session

from alliance import datafiles, jsonstream
from alliance.database import utcnow
from alliance.directory import localities, oruk, schedules
from alliance.directory import models as m
from alliance.directory.spec import validator
from alliance.inputs import DATABASE_INT_MAX, first_control, parse_uuid, web_address
from alliance.progress import cut_short
from alliance.spreadsheets import number_or_safe_cell, unneutralised

TRANSLATIONS_TABLE = "x_alliance_translations"
# name: (model, key columns). ORUK tables first, in the order rows are written; then the site's own.
ALL_TABLES: dict[str, tuple[type, tuple[str, ...]]] = {
    **{name: (model, ("id",)) for name, model in oruk.TABLES.items()},
    oruk.LOCAL_TABLE: (m.ServiceLocal, ("service_id",)),
    TRANSLATIONS_TABLE: (m.Translation, ("entity", "entity_id", "lang")),
}
ENUMS = {
    ("services", "status"): ("active", "inactive", "defunct", "temporarily closed"),
    ("locations", "location_type"): ("physical", "postal", "virtual"),
    ("addresses", "address_type"): ("physical", "postal", "virtual"),
    ("schedules", "freq"): ("WEEKLY", "MONTHLY"),
    (TRANSLATIONS_TABLE, "entity"): ("service", "taxonomy_term"),
}
# Children replaced whole when a service arrives as one JSON document.
SERVICE_CHILDREN = (
    "service_at_locations",
    "schedules",
    "languages",
    "contacts",
    "phones",
    "cost_options",
    "service_areas",
)
NOT_IMPORTED = {"id"}  # the translations table's own counter
LINES_SHOWN = 200  # problems or service names listed in a report before "... and N more"
# What an import may unpack: each file in a zip, and all of them together (a 10,000-service
# directory is about 40 MB of CSV). A zip's own header is never trusted: bytes are counted as read.
FILE_MAX_BYTES = 64 * 1024 * 1024  # the defaults of IMPORT_MAX_BYTES and IMPORT_UNZIPPED_MAX_BYTES
UNZIPPED_MAX_BYTES = 256 * 1024 * 1024
ZIP_MAX_MEMBERS = 100
READ_CHUNK = 1024 * 1024
LINK_COLUMNS = {"url", "website"}  # shown as links: http or https only
EMAIL_COLUMNS = {"email", "assurer_email"}
TIME_COLUMNS = {("schedules", "opens_at"), ("schedules", "closes_at")}
FORMATS = Draft202012Validator.FORMAT_CHECKER


class ImportFileError(ValueError):
    """The file cannot be read at all: not JSON, not CSV, not a known shape."""


@dataclass
class Problem:
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.where}, {self.field}: {self.message}" if self.field else f"{self.where}: {self.message}"
        )


@dataclass
class Row:
    where: str
    values: dict[str, Any]


@dataclass
class Batch:
    rows: dict[str, list[Row]] = field(default_factory=lambda: {name: [] for name in ALL_TABLES})
    whole_services: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def add(self, table: str, where: str, values: dict) -> None:
        self.rows[table].append(Row(where, values))


@dataclass
class Report:
    dry_run: bool
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    services_created: list[str] = field(default_factory=list)
    services_updated: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def lines(self, limit: int = LINES_SHOWN) -> list[str]:
        """What happened, with at most `limit` problems or service names ("... and 37 more" after)."""
        if self.problems:
            return [
                f"{len(self.problems)} problems; nothing was changed:",
                *cut_short([f"  {p}" for p in self.problems], limit),
            ]
        verb = "would be" if self.dry_run else "were"
        out = []
        for table in ALL_TABLES:
            counts = [
                f"{n} {label}"
                for n, label in (
                    (self.created[table], "new"),
                    (self.updated[table], "changed"),
                    (self.deleted[table], "removed"),
                    (self.unchanged[table], "unchanged"),
                    (self.kept[table], "kept as they are"),
                )
                if n
            ]
            if counts:
                out.append(f"  {table}: {', '.join(counts)}")
        head = f"No changes {verb} made." if not self.changed else f"These changes {verb} made:"
        names = [f"  new service: {n}" for n in self.services_created] + [
            f"  changed service: {n}" for n in self.services_updated
        ]
        return [head, *out, *cut_short(names, limit)]


# Reading ORUK JSON ---------------------------------------------------------------------------


def read_json(text: str) -> Batch:
    try:
        data = datafiles.load_json(text)
    except datafiles.DataFileError as error:
        raise ImportFileError(str(error)) from None
    batch = Batch()
    if isinstance(data, dict) and ("taxonomies" in data or "services" in data):
        taxonomies, services = data.get("taxonomies", []), data.get("services", [])
        label = "services"
    elif isinstance(data, dict) and "contents" in data:
        taxonomies, services, label = [], data["contents"], "contents"
    elif isinstance(data, dict) and "name" in data:
        taxonomies, services, label = [], [data], "service"
    elif isinstance(data, list):
        taxonomies, services, label = [], data, "services"
    else:
        raise ImportFileError("expected a list of services, a page of services or a feed with services")
    if not isinstance(services, list) or not isinstance(taxonomies, list):
        raise ImportFileError("services and taxonomies must be lists")
    for i, tax in enumerate(taxonomies):
        _read_taxonomy(batch, tax, f"taxonomies[{i}]")
    for i, svc in enumerate(services):
        where = f"{label}[{i}]" if label != "service" else "service"
        if not isinstance(svc, dict):
            batch.problems.append(Problem(where, "", "a service must be an object"))
            continue
        _read_service(batch, svc, where)
    return batch


def _fields(model: type, data: dict) -> dict:
    return {c.key: data[c.key] for c in oruk.columns(model) if c.key in data}


def _read_taxonomy(batch: Batch, tax: Any, where: str) -> None:
    if not isinstance(tax, dict):
        batch.problems.append(Problem(where, "", "a taxonomy must be an object"))
        return
    batch.add("taxonomies", where, _fields(m.Taxonomy, tax))
    for j, term in enumerate(tax.get("taxonomy_terms", [])):
        term_where = f"{where}.taxonomy_terms[{j}]"
        values = _fields(m.TaxonomyTerm, term)
        values.setdefault("taxonomy_id", tax.get("id"))
        values.setdefault("taxonomy", tax.get("name"))
        values["position"] = j
        batch.add("taxonomy_terms", term_where, values)
        for lang, label in (term.get("x_alliance", {}).get("translations") or {}).items():
            batch.add(
                TRANSLATIONS_TABLE,
                f"{term_where}.x_alliance.translations.{lang}",
                {"entity": "taxonomy_term", "entity_id": term.get("id"), "lang": lang, **label},
            )


def _read_service(batch: Batch, svc: dict, where: str) -> None:
    local = svc.get("x_alliance") or {}
    standard = {key: value for key, value in svc.items() if key != "x_alliance"}
    for error in validator("service").iter_errors(standard):
        path = ".".join(str(p) for p in error.absolute_path)
        batch.problems.append(Problem(where, path, error.message))
    service_id = svc.get("id")
    batch.whole_services.add(service_id)
    batch.add("services", where, _fields(m.Service, svc))
    org = svc.get("organization")
    if isinstance(org, dict):
        batch.add("organizations", f"{where}.organization", _fields(m.Organization, org))
        batch.rows["services"][-1].values.setdefault("organization_id", org.get("id"))

    def children(key: str, table: str, model: type, extra: dict) -> list[tuple[str, dict]]:
        found = []
        items = svc.get(key) or []
        if not isinstance(items, list):
            batch.problems.append(Problem(where, key, "must be a list"))
            return found
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                batch.problems.append(Problem(f"{where}.{key}[{i}]", "", "must be an object"))
            else:
                batch.add(table, f"{where}.{key}[{i}]", {**_fields(model, item), **extra})
                found.append((f"{where}.{key}[{i}]", item))
        return found

    children("schedules", "schedules", m.Schedule, {"service_id": service_id})
    children("service_areas", "service_areas", m.ServiceArea, {"service_id": service_id})
    children("languages", "languages", m.Language, {"service_id": service_id})
    children("cost_options", "cost_options", m.CostOption, {"service_id": service_id})
    children("phones", "phones", m.Phone, {"service_id": service_id})
    for contact_where, contact in children("contacts", "contacts", m.Contact, {"service_id": service_id}):
        for j, phone in enumerate(contact.get("phones") or []):
            batch.add(
                "phones",
                f"{contact_where}.phones[{j}]",
                {**_fields(m.Phone, phone), "service_id": service_id, "contact_id": contact.get("id")},
            )
    for sal_where, sal in children(
        "service_at_locations", "service_at_locations", m.ServiceAtLocation, {"service_id": service_id}
    ):
        loc = sal.get("location")
        if not isinstance(loc, dict):
            continue
        batch.rows["service_at_locations"][-1].values.setdefault("location_id", loc.get("id"))
        loc_where = f"{sal_where}.location"
        batch.add("locations", loc_where, _fields(m.Location, loc))
        for j, address in enumerate(loc.get("addresses") or []):
            batch.add(
                "addresses",
                f"{loc_where}.addresses[{j}]",
                {**_fields(m.Address, address), "location_id": loc.get("id")},
            )
        for j, item in enumerate(loc.get("accessibility") or []):
            batch.add(
                "accessibility",
                f"{loc_where}.accessibility[{j}]",
                {**_fields(m.Accessibility, item), "location_id": loc.get("id")},
            )
        _read_attributes(batch, loc.get("attributes") or [], loc_where, loc.get("id"), "location")
    _read_attributes(batch, svc.get("attributes") or [], where, service_id, "service")

    if local:
        batch.add(
            oruk.LOCAL_TABLE,
            f"{where}.x_alliance",
            {"service_id": service_id, **{k: v for k, v in local.items() if k != "translations"}},
        )
        for lang, text in (local.get("translations") or {}).items():
            batch.add(
                TRANSLATIONS_TABLE,
                f"{where}.x_alliance.translations.{lang}",
                {"entity": "service", "entity_id": service_id, "lang": lang, **text},
            )


def _read_attributes(batch: Batch, items: list, where: str, link_id: Any, entity: str) -> None:
    for i, attr in enumerate(items):
        if not isinstance(attr, dict):
            continue
        values = _fields(m.Attribute, attr)
        values.update(link_id=link_id, link_entity=entity)
        term = attr.get("taxonomy_term")
        if isinstance(term, dict):
            values.setdefault("taxonomy_term_id", term.get("id"))
        batch.add("attributes", f"{where}.attributes[{i}]", values)


# Reading HSDS tabular CSV --------------------------------------------------------------------


def read_csv_files(files: dict[str, str]) -> Batch:
    """`files` maps file names (services.csv, ...) to their text."""
    if not files:
        raise ImportFileError("no CSV files found")
    batch = Batch()
    known = {f"{name}.csv": name for name in ALL_TABLES}
    unknown = sorted(name for name in files if Path(name).name not in known)
    if unknown:
        raise ImportFileError(
            f"unknown files: {', '.join(unknown)} (expected some of {', '.join(sorted(known))})"
        )
    for name, text in files.items():
        table = known[Path(name).name]
        model = ALL_TABLES[table][0]
        allowed = {c.key for c in oruk.columns(model)} - (
            NOT_IMPORTED if table == TRANSLATIONS_TABLE else set()
        )
        try:
            reader = datafiles.CsvRows(text.lstrip("\ufeff"), Path(name).name)
            extra = [h for h in reader.fieldnames if h not in allowed]
            if extra:
                batch.problems.append(
                    Problem(f"{Path(name).name}", "", f"unknown columns: {', '.join(extra)}")
                )
                continue
            for number, values in enumerate(reader, start=2):
                batch.add(
                    table,
                    f"{Path(name).name} row {number}",
                    {k: unneutralised(v) for k, v in values.items() if k is not None and v != ""},
                )
        except datafiles.DataFileError as error:
            raise ImportFileError(str(error)) from None
    return batch


def _too_large(what: str, limit: int) -> ImportFileError:
    return ImportFileError(f"{what} is larger than the limit of {limit:,} bytes")


def read_path(
    path: Path, max_bytes: int = FILE_MAX_BYTES, unzipped_max_bytes: int = UNZIPPED_MAX_BYTES
) -> Batch:
    """A .json file, a .csv file named after its table, a .zip of CSV files, or a folder of them; a
    file (or a folder's files together) over `max_bytes` is refused before it is read."""
    if path.is_dir():
        files = sorted(path.glob("*.csv"))
        if sum(p.stat().st_size for p in files) > max_bytes:
            raise _too_large("the folder's CSV files together", max_bytes)
        try:
            return read_csv_files({p.name: p.read_text(encoding="utf-8") for p in files})
        except UnicodeDecodeError:
            raise ImportFileError("a file is not UTF-8 text") from None
    if path.stat().st_size > max_bytes:
        raise _too_large("the file", max_bytes)
    return read_upload(path.name, path.read_bytes(), unzipped_max_bytes)


def _unzip(data: bytes, limit: int) -> dict[str, str]:
    """The CSV files in a zip, read in chunks and counted as they are read: a member or the whole
    archive unpacking to more than `limit` bytes stops the read there (a zip bomb costs one chunk)."""
    total = 0
    files: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [info for info in archive.infolist() if info.filename.endswith(".csv")]
        if len(members) > ZIP_MAX_MEMBERS:
            raise ImportFileError(f"the zip holds more than {ZIP_MAX_MEMBERS} CSV files")
        for info in members:
            if total + info.file_size > limit:  # honest headers are refused before any work
                raise _too_large(f"{info.filename} unzipped, with the files before it,", limit)
            chunks = []
            with archive.open(info) as member:
                while chunk := member.read(READ_CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise _too_large(f"{info.filename} unzipped, with the files before it,", limit)
                    chunks.append(chunk)
            files[Path(info.filename).name] = b"".join(chunks).decode("utf-8")
    return files


def read_upload(filename: str, data: bytes, unzipped_max_bytes: int = UNZIPPED_MAX_BYTES) -> Batch:
    suffix = Path(filename).suffix.lower()
    try:
        if suffix == ".json":
            return read_json(data.decode("utf-8"))
        if suffix == ".csv":
            return read_csv_files({Path(filename).name: data.decode("utf-8")})
        if suffix == ".zip":
            return read_csv_files(_unzip(data, unzipped_max_bytes))
    except UnicodeDecodeError:
        raise ImportFileError("the file is not UTF-8 text") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error):
        raise ImportFileError("not a readable zip file") from None
    except RuntimeError:  # zipfile's word for a member that needs a password
        raise ImportFileError("the zip is encrypted: make it again without a password") from None
    raise ImportFileError("expected a .json, .csv or .zip file")


# Checking ------------------------------------------------------------------------------------


def _coerce(column, raw: Any) -> Any:
    """The column's Python value for `raw`; raises ValueError with a reader's message."""
    kind = column.type
    if raw is None:
        return None
    if isinstance(kind, Boolean):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise ValueError("must be true or false")
    if isinstance(kind, Integer):
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError("must be a whole number")
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
        if abs(number) > DATABASE_INT_MAX:
            raise ValueError(f"must be a whole number between -{DATABASE_INT_MAX} and {DATABASE_INT_MAX}")
        return number
    if isinstance(kind, Float):
        if isinstance(raw, bool):
            raise ValueError("must be a number")
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise ValueError("must be a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("must be a number")
        return value
    if isinstance(kind, DateTime):
        try:
            value = datetime.fromisoformat(str(raw).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("must be a date and time like 2026-01-31T09:00:00Z") from None
        return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)
    if isinstance(kind, Date):
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValueError("must be a date like 2026-01-31") from None
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
    if table in oruk.TABLES and values.get("id") and parse_uuid(values["id"]) is None:
        problems.append(Problem(row.where, "id", "must be a UUID"))
        ok = False
    if table == "locations":
        lat, lon = values.get("latitude"), values.get("longitude")
        if lat is not None and not -90 <= lat <= 90:
            problems.append(Problem(row.where, "latitude", "must be between -90 and 90"))
            ok = False
        if lon is not None and not -180 <= lon <= 180:
            problems.append(Problem(row.where, "longitude", "must be between -180 and 180"))
            ok = False
    if table == "services":
        low, high = values.get("minimum_age"), values.get("maximum_age")
        if low is not None and high is not None and low > high:
            problems.append(Problem(row.where, "minimum_age", f"is above maximum_age ({low:g} > {high:g})"))
            ok = False
    if table == oruk.LOCAL_TABLE and values.get("locality") and values["locality"] not in localities.codes():
        problems.append(Problem(row.where, "locality", f"must be one of: {', '.join(localities.codes())}"))
        ok = False
    return values if ok else None


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
    found = set()
    if len(key) == 1:
        column = getattr(model, key[0])
        items = list(keys)
        for start in range(0, len(items), 500):
            found.update(session.scalars(select(column).where(column.in_(items[start : start + 500]))))
    return found


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
            if previous and table != "organizations" and table != "locations":
                problems.append(Problem(row.where, key_columns[0], f"repeats the id given at {previous}"))
                continue
            if previous:
                # An organisation or place shared by several services may be repeated, but only as is.
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
            where[(table, key)] = row.where
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


# Comparing and writing -----------------------------------------------------------------------


def _load_existing(session: Session, table: str, keys: list[tuple]) -> dict[tuple, Any]:
    model, key_columns = ALL_TABLES[table]
    found = {}
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


def _stale_children(session: Session, service_ids: set[str], checked: dict) -> dict[str, list]:
    """Rows that belong to a service sent whole but are missing from what was sent."""
    stale: dict[str, list] = {}
    ids = [i for i in service_ids if i]
    if not ids:
        return stale
    for table in SERVICE_CHILDREN:
        model = ALL_TABLES[table][0]
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
    report = Report(dry_run=dry_run)
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
    touched: set[str] = set()
    for table, objs in stale.items():
        report.deleted[table] += len(objs)
        touched.update(getattr(obj, "service_id", None) or getattr(obj, "link_id", None) for obj in objs)
    # Compare first (reads only): what to add, and which loaded rows change.
    to_add: dict[str, list[Any]] = {}
    to_update: dict[str, list[tuple[Any, dict, bool]]] = {}
    for table, rows in checked.items():
        model, _key = ALL_TABLES[table]
        existing = _load_existing(session, table, list(rows))
        for key, values in rows.items():
            obj = existing.get(key)
            if only_new and (obj is not None or _owned_by(table, values, owners)):
                report.kept[table] += 1
                continue
            if obj is not None and not _differs(obj, values):
                report.unchanged[table] += 1
                continue
            touched.add(
                values.get("service_id") or (values.get("link_id") if table == "attributes" else None)
            )
            if obj is None:
                report.created[table] += 1
                if table == "services":
                    report.services_created.append(values["name"])
                    values.setdefault("last_modified", now)
                to_add.setdefault(table, []).append(model(**values))
            else:
                report.updated[table] += 1
                if table == "services":
                    report.services_updated.append(values["name"])
                to_update.setdefault(table, []).append(
                    (obj, values, table == "services" and "last_modified" not in values)
                )
        if rows and dry_run:
            say(f"{table}: {len(rows):,} rows compared")
    if dry_run:
        session.rollback()
        return report
    services_to_touch = _services_to_touch(session, touched, checked)
    # Then write: the write lock is taken at the first statement below and released at the commit.
    with session.no_autoflush:
        for objs in stale.values():
            for obj in objs:
                session.delete(obj)
        session.flush()
        for table in ALL_TABLES:  # in order, so a row is written after the rows it refers to
            for obj, values, stamp in to_update.get(table, []):
                for name, value in values.items():
                    setattr(obj, name, value)
                if stamp:
                    obj.last_modified = now
            session.add_all(to_add.get(table, []))
            session.flush()
            if checked[table]:
                say(f"{table}: {len(checked[table]):,} rows compared and written")
        for svc in services_to_touch:
            svc.last_modified = now
    if report.changed:
        from alliance.directory.search import directory_changed

        directory_changed(session)
    session.commit()
    return report


def _services_to_touch(session: Session, touched: set[str], checked: dict) -> list:
    """The services whose parts changed, so that modified_after finds them (loaded before writing)."""
    given = {k[0] for k, v in checked["services"].items() if v.get("last_modified")}
    ids = list(touched - given - {None})
    found = []
    for start in range(0, len(ids), 500):
        found.extend(session.scalars(select(m.Service).where(m.Service.id.in_(ids[start : start + 500]))))
    return found


# Export --------------------------------------------------------------------------------------

EXPORT_BATCH = 500


def write_csv(session: Session, target: BinaryIO, progress: Callable[[int], None] | None = None) -> int:
    """Every table as HSDS tabular CSV into a zip written to `target`, row by row; returns the rows."""
    written = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, (model, key) in ALL_TABLES.items():
            cols = [c.key for c in oruk.columns(model) if not (table == TRANSLATIONS_TABLE and c.key == "id")]
            order = [getattr(model, k) for k in key]
            with archive.open(f"{table}.csv", "w") as raw, io.TextIOWrapper(raw, "utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(cols)
                rows = session.scalars(select(model).order_by(*order).execution_options(yield_per=1000))
                for obj in rows:
                    writer.writerow([_csv_value(getattr(obj, c)) for c in cols])
                    written += 1
                    if progress:
                        progress(1)
    return written


def export_csv(session: Session) -> bytes:
    """Every table as HSDS tabular CSV, in one zip."""
    buffer = io.BytesIO()
    write_csv(session, buffer)
    return buffer.getvalue()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return number_or_safe_cell(oruk._value(value))


def _translations(session: Session, entity: str, ids: list[str] | None = None) -> dict[str, dict]:
    stmt = select(m.Translation).where(m.Translation.entity == entity)
    if ids is not None:
        stmt = stmt.where(m.Translation.entity_id.in_(ids))
    found: dict[str, dict] = {}
    for item in session.scalars(stmt.order_by(m.Translation.entity_id, m.Translation.lang)):
        text = {"name": item.name}
        if item.description is not None:
            text["description"] = item.description
        if item.review_status:
            text["review_status"] = item.review_status
        found.setdefault(item.entity_id, {})[item.lang] = text
    return found


def export_feed(session: Session, progress: Callable[[int], None] | None = None) -> dict:
    """The whole directory as one feed: every taxonomy with its terms, then every service, each with
    the site's own fields under x_alliance (the ORUK output elsewhere never carries them).

    "services" is streamed (see alliance.jsonstream): give the feed to `json.dump`, which reads the
    services from the database `EXPORT_BATCH` at a time as it writes them."""
    term_translations = _translations(session, "taxonomy_term")
    taxonomies = []
    for tax in session.scalars(select(m.Taxonomy).order_by(m.Taxonomy.id)):
        out = oruk.taxonomy(tax)
        terms = []
        for term in tax.terms:
            item = oruk.taxonomy_term(term)
            found = term_translations.get(term.id)
            if found:
                item["x_alliance"] = {"translations": found}
            terms.append(item)
        out["taxonomy_terms"] = terms
        taxonomies.append(out)
    return {"taxonomies": taxonomies, "services": jsonstream.streamed(_export_services(session, progress))}


def _export_services(session: Session, progress: Callable[[int], None] | None) -> Iterator[dict]:
    ids = list(session.scalars(select(m.Service.id).order_by(m.Service.id)))
    for start in range(0, len(ids), EXPORT_BATCH):
        batch = ids[start : start + EXPORT_BATCH]
        services = session.scalars(
            select(m.Service)
            .where(m.Service.id.in_(batch))
            .order_by(m.Service.id)
            .options(*oruk._full_service_options())
        ).all()
        attributes = oruk._attributes_for(session, oruk._service_attribute_ids(services))
        locals_ = {
            row.service_id: row
            for row in session.scalars(select(m.ServiceLocal).where(m.ServiceLocal.service_id.in_(batch)))
        }
        translations = _translations(session, "service", batch)
        for svc in services:
            out = oruk.service(svc, attributes_by_link=attributes)
            local = locals_.get(svc.id)
            extra: dict[str, Any] = {}
            if local is not None:
                extra = {
                    key: oruk._value(value)
                    for key in ("locality", "verified_on", "verified_by", "example_data")
                    if (value := getattr(local, key)) is not None
                }
            found = translations.get(svc.id)
            if found:
                extra["translations"] = found
            if extra:
                out["x_alliance"] = extra
            yield out
            if progress:
                progress(1)


def export_json(session: Session) -> dict:
    """The whole feed in memory, for small directories and tests; commands stream `export_feed`."""
    feed = export_feed(session)
    return {"taxonomies": feed["taxonomies"], "services": list(feed["services"])}
