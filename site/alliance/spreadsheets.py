"""Cells that are safe to open in a spreadsheet: text that would start a formula gets a leading apostrophe.

Every CSV or XLSX file the site writes for people to open (survey exports, the audit log, the
directory's HSDS CSV) goes through these, so a value like `=HYPERLINK(...)` typed into a form or an
import is shown as text, never run.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas: a cell starting = + - @, tab or CR gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def number_or_safe_cell(value: object) -> str:
    """`safe_cell`, except that a plain number stays as it is ("-3" or "-1.47" is not a formula)."""
    text = "" if value is None else str(value)
    return text if PLAIN_NUMBER.match(text) else safe_cell(text)


def unneutralised(text: str) -> str:
    """The value `safe_cell` was given, for files the site reads back in (an apostrophe before a
    formula start is taken away; any other text is left as it is)."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS and text[1:2] != "" else text
