"""Reading JSON and CSV files that people upload or import, with errors a person can act on.

Both parsers have limits that would otherwise surface as a crash: `json` refuses deep nesting with a
RecursionError, and `csv` refuses a field longer than `csv.field_size_limit()` (131,072 characters)
with `csv.Error`. Here each becomes a `DataFileError` saying what is wrong and where. JSON nested
deeper than MAX_JSON_DEPTH is refused too, so nothing that walks a document later can run out of
stack. The directory and trials imports read their files through these two functions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

# ORUK feeds and ClinicalTrials.gov studies nest about 8 levels; nothing real comes near this.
MAX_JSON_DEPTH = 64


class DataFileError(ValueError):
    """The file cannot be read; the message says why (and where, when it can)."""


def load_json(data: str | bytes) -> Any:
    """Parse a JSON document; DataFileError when it is not JSON or nests deeper than MAX_JSON_DEPTH."""
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError as error:
        raise DataFileError(
            f"not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}"
        ) from None
    except UnicodeDecodeError:
        raise DataFileError("not UTF-8 text") from None
    except RecursionError:
        raise DataFileError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError as error:  # e.g. a number too long to convert
        raise DataFileError(f"not valid JSON: {error}") from None
    _check_depth(parsed)
    return parsed


def _check_depth(document: Any) -> None:
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            raise DataFileError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in children)


class CsvRows:
    """A `csv.DictReader` over text whose header (`fieldnames`) and rows raise DataFileError, naming the
    file and line, instead of `csv.Error`."""

    def __init__(self, text: str, label: str):
        self.label = label
        self._reader = csv.DictReader(io.StringIO(text))
        self.fieldnames: list[str] = self._guard(lambda: list(self._reader.fieldnames or []))

    def _guard(self, step):
        try:
            return step()
        except csv.Error as error:
            message = str(error)
            if "field larger than field limit" in message:
                message = f"a field is longer than {csv.field_size_limit():,} characters"
            raise DataFileError(f"{self.label} line {self._reader.line_num + 1}: {message}") from None

    def __iter__(self) -> Iterator[dict]:
        while True:
            row = self._guard(lambda: next(self._reader, None))
            if row is None:
                return
            yield row
