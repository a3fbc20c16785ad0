"""Import and export of the directory: the tables, limits and shapes shared by reading, checking and writing.

An import is read into rows, every row checked, then compared with the database. A dry run stops
there and reports; a real run writes everything in one transaction, or nothing when any row is bad."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from alliance.directory import models as m
from alliance.directory import oruk
from alliance.progress import cut_short

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
    whole_services: set[str | None] = field(default_factory=set)  # None: a service without an id (a problem)
    problems: list[Problem] = field(default_factory=list)
    # What was left out but does not stop the import: tables and columns this directory does not keep.
    warnings: list[Problem] = field(default_factory=list)
    left_out: Counter = field(default_factory=Counter)  # (table, key): how many records had it

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
    warnings: list[Problem] = field(default_factory=list)
    services_created: list[str] = field(default_factory=list)
    services_updated: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def warning_lines(self, limit: int = LINES_SHOWN) -> list[str]:
        """What was left out of the file (tables and columns not kept here), when anything was."""
        if not self.warnings:
            return []
        return [
            f"{len(self.warnings)} warnings: left out, the rest read as usual:",
            *cut_short([f"  {w}" for w in self.warnings], limit),
        ]

    def lines(self, limit: int = LINES_SHOWN) -> list[str]:
        """What happened, with at most `limit` problems or service names ("... and 37 more" after)."""
        notes = self.warning_lines(limit)
        if self.problems:
            return [
                f"{len(self.problems)} problems; nothing was changed:",
                *cut_short([f"  {p}" for p in self.problems], limit),
                *notes,
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
        return [head, *out, *cut_short(names, limit), *notes]
