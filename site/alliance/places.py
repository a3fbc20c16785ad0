"""Postcodes to places: a postcode is cut to its district (outcode) and looked up in a table of
district centres. The full postcode is never kept, logged or sent anywhere."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Contains OS data © Crown copyright and database right; Royal Mail data © Royal Mail copyright and
# database right; National Statistics data © Crown copyright and database right (see content/directory/README.md).
ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right; Contains Royal Mail data © Royal Mail "
    "copyright and database right; Contains National Statistics data © Crown copyright and database right"
)
EARTH_RADIUS_MILES = 3958.8
OUTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)$")
FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


@dataclass(frozen=True)
class Place:
    outcode: str
    latitude: float
    longitude: float
    name: str = ""  # the place name typed, in English, when it was a place rather than a postcode


class PostcodeError(ValueError):
    """Not a UK postcode, or a district with no known place (a PO box district, say)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "format" or "unknown"


def outcode(text: str) -> str:
    """The district part of a full or partial UK postcode; raises PostcodeError("format")."""
    cleaned = re.sub(r"\s+", " ", text.strip().upper())
    match = FULL.match(cleaned) or OUTCODE.match(cleaned)
    if not match:
        raise PostcodeError("format")
    return match.group(1)


@lru_cache(maxsize=4)
def _table(path: str) -> dict[str, tuple[float, float]]:
    found = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            lat, lon = float(row["latitude"]), float(row["longitude"])
            if lat == 0 and lon == 0:
                continue  # non-geographic districts: no place to measure from
            found[row["postcode"].upper()] = (lat, lon)
    return found


def locate(text: str, table_path: Path) -> Place:
    code = outcode(text)
    found = _table(str(table_path)).get(code)
    if found is None:
        raise PostcodeError("unknown")
    return Place(code, *found)


def miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def place_key(text: str) -> str:
    """A typed place name made comparable: case, accents kept, spaces, hyphens and dots folded."""
    return " ".join(re.sub(r"[\s\-.,'’]+", " ", text).casefold().split())


def find(text: str, table_path: Path, names: dict[str, tuple[str, str]]) -> Place:
    """A place name (`names`: place_key -> (English name, postcode district)) or else a postcode.

    Raises PostcodeError("format") when it is neither, PostcodeError("unknown") for a district with
    no known centre."""
    named = names.get(place_key(text))
    if named is not None:
        name, district = named
        found = _table(str(table_path)).get(district)
        if found is None:
            raise PostcodeError("unknown")
        return Place(district, *found, name=name)
    return locate(text, table_path)
