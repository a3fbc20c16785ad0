"""Interface-string catalogues: the headers they carry and the merge of messages.pot into them.

A merge never blanks a translation. When an English string changes, the old translation is kept as
a fuzzy entry (with the previous English beside it) for a translator to review; a string that is
removed stays at the end of the catalogue as an obsolete entry. Fuzzy entries are not compiled, so
the site shows English until the review, and the translation checks list them."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 76


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    organisation: str
    contact: str

    @property
    def team(self) -> str:
        return f"{self.organisation} <{self.contact}>"


def project(organisation: str, contact: str, pyproject: Path = ROOT / "pyproject.toml") -> Project:
    """The project's name and version from pyproject.toml; who it is for and its contact from config."""
    meta = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return Project(meta["name"], meta["version"], organisation, contact)


def set_header(catalog: Catalog, about: Project, language: str | None = None) -> None:
    """Replace Babel's placeholders (PROJECT VERSION, EMAIL@ADDRESS, ORGANIZATION) with the project's."""
    catalog.project = about.name
    catalog.version = about.version
    catalog.copyright_holder = about.organisation
    catalog.msgid_bugs_address = about.contact
    catalog.language_team = about.team
    if language is None:
        catalog.last_translator = about.team
        what = "Interface strings (template)"
    else:
        what = f"{language} interface strings"
    catalog.header_comment = (
        f"# {what} of {about.name} {about.version}.\n"
        f"# Copyright (C) {catalog.creation_date.year} {about.organisation}\n"
        f"# Licence: MIT (see LICENSE). Contact: {about.contact}"
    )


def _write(path: Path, catalog: Catalog, **options) -> None:
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    with staging.open("wb") as out:
        write_po(out, catalog, width=WIDTH, **options)
    staging.replace(path)


def label_template(pot: Path, about: Project) -> None:
    """Give a freshly extracted messages.pot the project's header."""
    with pot.open("rb") as handle:
        template = read_po(handle)
    set_header(template, about)
    _write(pot, template, no_location=True, sort_output=True)


def update(translations: Path, about: Project) -> list[tuple[str, int]]:
    """Merge translations/messages.pot into every catalogue; returns (locale, fuzzy entries) each."""
    with (translations / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    merged = []
    for path in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        locale = path.parent.parent.name
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        set_header(catalog, about, Locale.parse(locale).english_name)
        _write(path, catalog, ignore_obsolete=False, include_previous=True)
        merged.append((locale, sum(1 for message in catalog if message.id and message.fuzzy)))
    return merged


def save(path: Path, catalog: Catalog) -> None:
    """Write a catalogue as `update` does (obsolete and previous entries kept), replacing it atomically."""
    _write(path, catalog, ignore_obsolete=False, include_previous=True)
