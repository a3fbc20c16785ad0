"""Reading an import: ORUK JSON (a feed or a file of services), HSDS tabular CSV, and zip uploads."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import Any

from alliance import datafiles
from alliance.directory import models as m
from alliance.directory import oruk
from alliance.directory.import_batch import (
    ALL_TABLES,
    FILE_MAX_BYTES,
    NOT_IMPORTED,
    READ_CHUNK,
    TRANSLATIONS_TABLE,
    UNZIPPED_MAX_BYTES,
    ZIP_MAX_MEMBERS,
    Batch,
    ImportFileError,
    Problem,
)
from alliance.directory.spec import validator
from alliance.spreadsheets import unneutralised

# Reading ORUK JSON ---------------------------------------------------------------------------


# Keys that only one kind of ORUK record carries: a file's records are recognised by their shape.
_SHAPES: dict[str, frozenset[str]] = {
    "service": frozenset(
        {
            "status",
            "organization",
            "organization_id",
            "url",
            "fees",
            "accreditations",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "assurer_email",
            "alert",
            "last_modified",
            "schedules",
            "service_areas",
            "service_at_locations",
            "languages",
            "funding",
            "cost_options",
            "contacts",
            "phones",
        }
    ),
    "organization": frozenset(
        {"website", "logo", "parent_organization_id", "organization_identifiers", "services"}
    ),
    "taxonomy": frozenset({"taxonomy_terms", "version"}),
    "taxonomy_term": frozenset({"parent_id", "taxonomy", "taxonomy_id", "term_uri", "term", "code"}),
    "service_at_location": frozenset({"location", "service", "location_id", "service_id"}),
}


def shape_of(item: dict) -> str | None:
    """The kind of ORUK record `item` is, told by the keys only that kind has (the most of them); a
    record with none of them but an id or a name is read as a service, the API's main record; None
    when it is no record at all."""
    keys = set(item)
    scores = {kind: len(keys & marks) for kind, marks in _SHAPES.items()}
    best = max(scores.values())
    if best == 0:
        return "service" if keys & {"id", "name"} else None
    return next(kind for kind, score in scores.items() if score == best)


def read_json(text: str) -> Batch:
    """An ORUK document: the site's own feed (taxonomies and services), a page of any list the API
    gives (contents), a plain list, or one record: a service, an organisation with its services, a
    taxonomy with its terms, a taxonomy term or a service at a location."""
    try:
        data = datafiles.load_json(text)
    except datafiles.DataFileError as error:
        raise ImportFileError(str(error)) from None
    batch = Batch()
    if isinstance(data, dict) and "id" not in data and ("taxonomies" in data or "services" in data):
        taxonomies, services = data.get("taxonomies", []), data.get("services", [])
        if not isinstance(services, list) or not isinstance(taxonomies, list):
            raise ImportFileError("services and taxonomies must be lists")
        for i, tax in enumerate(taxonomies):
            _read_record(batch, tax, f"taxonomies[{i}]", "taxonomy")
        for i, svc in enumerate(services):
            _read_record(batch, svc, f"services[{i}]", "service")
    elif isinstance(data, dict) and "contents" in data:
        if not isinstance(data["contents"], list):
            raise ImportFileError("contents must be a list")
        for i, item in enumerate(data["contents"]):
            _read_record(batch, item, f"contents[{i}]")
    elif isinstance(data, dict) and (kind := shape_of(data)):
        _read_record(batch, data, kind, kind)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            kind = (shape_of(item) if isinstance(item, dict) else None) or "service"
            _read_record(batch, item, f"{_LIST_LABELS[kind]}[{i}]", kind)
    else:
        raise ImportFileError(
            "expected an ORUK record, a list or page of records, or a feed with taxonomies and services"
        )
    for (table, key), times in sorted(batch.left_out.items()):
        records = "1 record" if times == 1 else f"{times:,} records"
        batch.warnings.append(Problem(table, key, f"not kept by this directory: left out ({records})"))
    return batch


_LIST_LABELS = {
    "service": "services",
    "organization": "organizations",
    "taxonomy": "taxonomies",
    "taxonomy_term": "taxonomy_terms",
    "service_at_location": "service_at_locations",
}


def _read_record(batch: Batch, item: Any, where: str, kind: str | None = None) -> None:
    if not isinstance(item, dict):
        batch.problems.append(
            Problem(where, "", f"a {(kind or 'record').replace('_', ' ')} must be an object")
        )
        return
    kind = kind or shape_of(item) or "service"
    if kind == "service":
        _read_service(batch, item, where)
    elif kind == "organization":
        _read_organization(batch, item, where)
    elif kind == "taxonomy":
        _read_taxonomy(batch, item, where)
    elif kind == "taxonomy_term":
        _read_term(batch, item, where)
    else:
        _read_service_at_location(batch, item, where)


# Keys that hold nested records, read by their own readers.
_NESTED = frozenset(
    {
        "organization",
        "services",
        "service",
        "location",
        "schedules",
        "service_areas",
        "service_at_locations",
        "languages",
        "cost_options",
        "contacts",
        "phones",
        "attributes",
        "addresses",
        "accessibility",
        "taxonomy_terms",
        "taxonomy_term",
        "x_alliance",
    }
)


def _fields(batch: Batch, model: Any, data: dict) -> dict:
    """The values of `data` that `model` keeps; the keys it does not keep are counted, for a warning."""
    kept = [c.key for c in oruk.columns(model)]
    for key in data:
        # Terms are attached to services and locations only: others' attributes are left out.
        nested = key in _NESTED and (key != "attributes" or model in (m.Service, m.Location))
        if key not in kept and not nested:
            batch.left_out[(_TABLE_OF[model], key)] += 1
    return {key: data[key] for key in kept if key in data}


_TABLE_OF = {model: table for table, (model, _key) in ALL_TABLES.items()}


def _schema_problems(batch: Batch, schema: str, item: dict, where: str) -> None:
    """Every way `item` breaks the standard's schema, at its path. Services are checked so (their
    nested records with them); the column checks read every record, whatever holds it."""
    standard = {key: value for key, value in item.items() if key != "x_alliance"}
    for error in validator(schema).iter_errors(standard):
        path = ".".join(str(p) for p in error.absolute_path)
        batch.problems.append(Problem(where, path, error.message))


def _read_taxonomy(batch: Batch, tax: dict, where: str) -> None:
    batch.add("taxonomies", where, _fields(batch, m.Taxonomy, tax))
    terms = tax.get("taxonomy_terms") or []
    if not isinstance(terms, list):
        batch.problems.append(Problem(where, "taxonomy_terms", "must be a list"))
        return
    for j, term in enumerate(terms):
        if not isinstance(term, dict):
            batch.problems.append(Problem(f"{where}.taxonomy_terms[{j}]", "", "must be an object"))
            continue
        # The terms of a whole taxonomy come in their curated order: it is kept.
        _read_term(
            batch,
            term,
            f"{where}.taxonomy_terms[{j}]",
            {"taxonomy_id": tax.get("id"), "taxonomy": tax.get("name"), "position": j},
        )


def _read_term(batch: Batch, term: dict, where: str, defaults: dict | None = None) -> None:
    values = _fields(batch, m.TaxonomyTerm, term)
    for key, value in (defaults or {}).items():
        if key == "position":
            values[key] = value
        else:
            values.setdefault(key, value)
    batch.add("taxonomy_terms", where, values)
    local = term.get("x_alliance")
    for lang, label in ((local.get("translations") if isinstance(local, dict) else None) or {}).items():
        batch.add(
            TRANSLATIONS_TABLE,
            f"{where}.x_alliance.translations.{lang}",
            {"entity": "taxonomy_term", "entity_id": term.get("id"), "lang": lang, **label},
        )


def _read_organization(batch: Batch, org: dict, where: str) -> None:
    batch.add("organizations", where, _fields(batch, m.Organization, org))
    services = org.get("services") or []
    if not isinstance(services, list):
        batch.problems.append(Problem(where, "services", "must be a list"))
        return
    for i, svc in enumerate(services):
        if not isinstance(svc, dict):
            batch.problems.append(Problem(f"{where}.services[{i}]", "", "a service must be an object"))
            continue
        # A service nested in its organisation does not repeat the organisation.
        _read_service(batch, svc, f"{where}.services[{i}]", {"organization_id": org.get("id")})


def _read_service_at_location(batch: Batch, sal: dict, where: str) -> None:
    """A service at a location as the API gives it: the location, and the service it is of."""
    values = _fields(batch, m.ServiceAtLocation, sal)
    svc, loc = sal.get("service"), sal.get("location")
    if isinstance(svc, dict):
        values.setdefault("service_id", svc.get("id"))
    if isinstance(loc, dict):
        values.setdefault("location_id", loc.get("id"))
    if isinstance(svc, dict):
        # Here the service is the parent's summary, not all of it: its other places stay as they are.
        _read_service(batch, svc, f"{where}.service", whole=False)
    batch.add("service_at_locations", where, values)
    if isinstance(loc, dict):
        _read_location(batch, loc, f"{where}.location")


def _read_location(batch: Batch, loc: dict, where: str) -> None:
    batch.add("locations", where, _fields(batch, m.Location, loc))
    for key, table, model in (
        ("addresses", "addresses", m.Address),
        ("accessibility", "accessibility", m.Accessibility),
    ):
        items = loc.get(key) or []
        if not isinstance(items, list):
            batch.problems.append(Problem(where, key, "must be a list"))
            continue
        for j, item in enumerate(items):
            if isinstance(item, dict):
                batch.add(
                    table,
                    f"{where}.{key}[{j}]",
                    {**_fields(batch, model, item), "location_id": loc.get("id")},
                )
            else:
                batch.problems.append(Problem(f"{where}.{key}[{j}]", "", "must be an object"))
    _read_attributes(batch, loc.get("attributes") or [], where, loc.get("id"), "location")


def _read_service(batch: Batch, svc: dict, where: str, extra: dict | None = None, whole: bool = True) -> None:
    """A service and everything nested in it. A service sent as a record of its own is whole: the
    children it no longer lists are removed. One nested in a service at a location is not."""
    local = svc.get("x_alliance") or {}
    _schema_problems(batch, "service", svc, where)
    service_id = svc.get("id")
    if whole:
        batch.whole_services.add(service_id)
    batch.add("services", where, {**_fields(batch, m.Service, svc), **(extra or {})})
    org = svc.get("organization")
    if isinstance(org, dict):
        batch.add("organizations", f"{where}.organization", _fields(batch, m.Organization, org))
        batch.rows["services"][-1].values.setdefault("organization_id", org.get("id"))

    def children(key: str, table: str, model: type, extra: dict) -> list[tuple[str, dict]]:
        found: list[tuple[str, dict]] = []
        items = svc.get(key) or []
        if not isinstance(items, list):
            batch.problems.append(Problem(where, key, "must be a list"))
            return found
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                batch.problems.append(Problem(f"{where}.{key}[{i}]", "", "must be an object"))
            else:
                batch.add(table, f"{where}.{key}[{i}]", {**_fields(batch, model, item), **extra})
                found.append((f"{where}.{key}[{i}]", item))
        return found

    children("schedules", "schedules", m.Schedule, {"service_id": service_id})
    children("service_areas", "service_areas", m.ServiceArea, {"service_id": service_id})
    children("languages", "languages", m.Language, {"service_id": service_id})
    children("cost_options", "cost_options", m.CostOption, {"service_id": service_id})
    children("phones", "phones", m.Phone, {"service_id": service_id})
    for contact_where, contact in children("contacts", "contacts", m.Contact, {"service_id": service_id}):
        phones = contact.get("phones") or []
        for j, phone in enumerate(phones if isinstance(phones, list) else []):
            if isinstance(phone, dict):
                batch.add(
                    "phones",
                    f"{contact_where}.phones[{j}]",
                    {
                        **_fields(batch, m.Phone, phone),
                        "service_id": service_id,
                        "contact_id": contact.get("id"),
                    },
                )
    for sal_where, sal in children(
        "service_at_locations", "service_at_locations", m.ServiceAtLocation, {"service_id": service_id}
    ):
        loc = sal.get("location")
        if not isinstance(loc, dict):
            continue
        batch.rows["service_at_locations"][-1].values.setdefault("location_id", loc.get("id"))
        _read_location(batch, loc, f"{sal_where}.location")
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


def _read_attributes(batch: Batch, items: Any, where: str, link_id: Any, entity: str) -> None:
    if not isinstance(items, list):
        batch.problems.append(Problem(where, "attributes", "must be a list"))
        return
    for i, attr in enumerate(items):
        if not isinstance(attr, dict):
            continue
        values = _fields(batch, m.Attribute, attr)
        values.update(link_id=link_id, link_entity=entity)
        term = attr.get("taxonomy_term")
        if isinstance(term, dict):
            values.setdefault("taxonomy_term_id", term.get("id"))
            if set(term) - {"id"}:
                # The term itself, as ORUK nests it: created, or checked against the same term elsewhere.
                _read_term(batch, term, f"{where}.attributes[{i}].taxonomy_term")
        batch.add("attributes", f"{where}.attributes[{i}]", values)


# Reading HSDS tabular CSV --------------------------------------------------------------------


# HSDS 3.0 tabular packages name each file after one record (address.csv); the site's own export
# after the table (addresses.csv). Both are read.
SINGULAR_TABLES = {
    "organization": "organizations",
    "taxonomy": "taxonomies",
    "taxonomy_term": "taxonomy_terms",
    "location": "locations",
    "address": "addresses",
    "service": "services",
    "service_at_location": "service_at_locations",
    "schedule": "schedules",
    "language": "languages",
    "contact": "contacts",
    "phone": "phones",
    "cost_option": "cost_options",
    "service_area": "service_areas",
    "attribute": "attributes",
}


def table_for(filename: str) -> str | None:
    """The table a CSV file holds, by its name in either spelling; None for a table not kept here."""
    stem = Path(filename).name.removesuffix(".csv")
    if stem in ALL_TABLES:
        return stem
    return SINGULAR_TABLES.get(stem)


def read_csv_files(files: dict[str, str]) -> Batch:
    """`files` maps file names (services.csv or service.csv, ...) to their text. Tables and columns
    this directory does not keep are left out with a warning; the rest is read as usual."""
    if not files:
        raise ImportFileError("no CSV files found")
    batch = Batch()
    tables = {name: table_for(name) for name in files}
    if not any(tables.values()):
        raise ImportFileError(
            f"none of the files is a table this directory keeps: {', '.join(sorted(files))} "
            f"(expected some of {', '.join(f'{t}.csv' for t in ALL_TABLES)})"
        )
    for name in sorted(name for name, table in tables.items() if table is None):
        batch.warnings.append(Problem(Path(name).name, "", "a table this directory does not keep: left out"))
    # Parents before children, so that rows are read in the order they are written.
    order = list(ALL_TABLES)
    for name, table in sorted(
        ((n, t) for n, t in tables.items() if t is not None), key=lambda pair: (order.index(pair[1]), pair[0])
    ):
        _read_csv_table(batch, Path(name).name, table, files[name])
    return batch


def _read_csv_table(batch: Batch, label: str, table: str, text: str) -> None:
    model = ALL_TABLES[table][0]
    allowed = {c.key for c in oruk.columns(model)} - (NOT_IMPORTED if table == TRANSLATIONS_TABLE else set())
    places: dict[Any, int] = {}
    skipped: dict[str, int] = {}  # attributes of records this directory does not keep, by kind
    try:
        reader = datafiles.CsvRows(text.lstrip("\ufeff"), label)
        extra = [h for h in reader.fieldnames if h not in allowed]
        if extra:
            batch.warnings.append(
                Problem(label, "", f"columns this directory does not keep, left out: {', '.join(extra)}")
            )
        for number, values in enumerate(reader, start=2):
            row: dict[str, Any] = {
                k: unneutralised(v) for k, v in values.items() if k in allowed and v is not None and v != ""
            }
            if table == "attributes" and row.get("link_entity") not in (None, "service", "location"):
                skipped[row["link_entity"]] = skipped.get(row["link_entity"], 0) + 1
                continue
            if table == "taxonomy_terms":
                # A taxonomy's terms are listed in their curated order: the order is kept.
                parent = row.get("taxonomy_id")
                place = places.get(parent, 0)
                row["position"], places[parent] = place, place + 1
            batch.add(table, f"{label} row {number}", row)
    except datafiles.DataFileError as error:
        raise ImportFileError(str(error)) from None
    for entity, times in sorted(skipped.items()):
        rows = "1 row" if times == 1 else f"{times:,} rows"
        batch.warnings.append(
            Problem(
                label,
                "",
                f"attributes of {entity} records, which this directory does not keep: left out ({rows})",
            )
        )


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
