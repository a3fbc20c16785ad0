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
        found: list[tuple[str, dict]] = []
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
