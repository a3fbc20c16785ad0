"""Read trial records: ages, conditions and ClinicalTrials.gov API v2 studies, into plain values.

Nothing here touches the database, so every rule can be tested on its own. Bad input raises
RecordError with a reason a member of staff can act on; it never raises anything else.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

# The site's cancer types, in the order the filter lists them.
CANCER_TYPES = ["bowel", "breast", "cervical", "lung", "prostate", "blood", "brain", "skin", "other"]

# Condition words -> cancer type. Checked in order, so "small cell lung" never falls to "other".
CONDITION_PATTERNS = [
    ("bowel", r"bowel|colorectal|colon|rectal|rectum|anal canal|lynch"),
    ("breast", r"breast|\bdcis\b|ductal carcinoma"),
    ("cervical", r"cervi[cx]|cervical|\bhpv\b"),
    ("lung", r"lung|nsclc|sclc|mesothelioma|pulmonary"),
    ("prostate", r"prostat"),
    (
        "blood",
        r"leuka?emia|lymphoma|myeloma|myelodysplas|hodgkin|\baml\b|\ball\b|\bcll\b|\bcml\b|blood cancer",
    ),
    ("brain", r"brain|glioma|glioblastoma|astrocytoma|medulloblastoma|meningioma|cns tumou?r"),
    ("skin", r"melanoma|skin|basal cell|squamous cell carcinoma of the skin|merkel"),
]

# Statuses from ClinicalTrials.gov. "Open" trials may appear in public listings.
RECRUITING_NOW = {"RECRUITING"}
OPEN_STATUSES = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}
ALL_STATUSES = OPEN_STATUSES | {
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
}
PHASES = ["EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"]
SEXES = {"ALL", "FEMALE", "MALE"}

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(years?|months?|weeks?|days?|hours?|minutes?)?\s*$", re.IGNORECASE)
_UNIT_YEARS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25, "hour": 1 / 8766}
_NCT = re.compile(r"^NCT\d{8}$")


class RecordError(ValueError):
    """A record that cannot be imported, and why."""


@dataclass
class Area:
    """Where the Alliance is: town -> locality, known hospitals, and a circle around the region."""

    cities: dict[str, str]
    facilities: dict[str, dict] = field(default_factory=dict)
    centre: tuple[float, float] | None = None
    radius_km: float = 0.0

    def locality_for(self, facility: str, city: str, geo: dict | None) -> str | None:
        known = self.facilities.get(facility.strip().lower())
        if known:
            return known.get("locality", "")
        if city.strip().lower() in self.cities:
            return self.cities[city.strip().lower()]
        if self.centre and self.radius_km and isinstance(geo, dict):
            lat, lon = geo.get("lat"), geo.get("lon")
            if _number(lat) and _number(lon) and distance_km(self.centre, (lat, lon)) <= self.radius_km:
                return ""
        return None

    def trust_for(self, facility: str) -> str:
        return (self.facilities.get(facility.strip().lower()) or {}).get("trust", "")


@dataclass
class SiteRecord:
    hospital: str
    status: str
    trust: str = ""
    city: str = ""
    locality: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


@dataclass
class TrialRecord:
    registry_id: str
    title: str
    overall_status: str
    source: str
    nct_id: str | None = None
    isrctn_id: str | None = None
    iras_id: str | None = None
    cpms_id: str | None = None
    official_title: str = ""
    summary: str = ""
    conditions: list[str] = field(default_factory=list)
    cancer_types: list[str] = field(default_factory=lambda: ["other"])
    phase: str = ""
    min_age: float | None = None
    max_age: float | None = None
    sex: str = "ALL"
    registry_url: str = ""
    bpor_url: str = ""
    first_posted: date | None = None
    last_updated: date | None = None
    example_data: bool = False
    sites: list[SiteRecord] = field(default_factory=list)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine): precise enough to tell a Sheffield hospital from a Leeds one."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def parse_age(value) -> float | None:
    """'16 Years' -> 16.0, '18 Months' -> 1.5; 'N/A', blank or missing -> None (no limit).

    Raises RecordError for anything else, so a typo never becomes a wrong age limit.
    """
    if value is None:
        return None
    if _number(value):
        return float(value)
    if not isinstance(value, str):
        raise RecordError(f"age is not text: {value!r}")
    if value.strip().upper() in ("", "N/A", "NA", "NONE"):
        return None
    match = _AGE.match(value)
    if not match:
        raise RecordError(f"age not understood: {value!r}")
    unit = (match.group(2) or "years").lower().rstrip("s")
    if unit == "minute":
        return 0.0
    return round(float(match.group(1)) * _UNIT_YEARS[unit], 2)


def map_conditions(conditions: list[str], keywords: list[str] | None = None) -> list[str]:
    """The site's cancer types for a trial's condition strings (and keywords); 'other' when none match."""
    found: list[str] = []
    for text in [*conditions, *(keywords or [])]:
        lowered = str(text).lower()
        for name, pattern in CONDITION_PATTERNS:
            if name not in found and re.search(pattern, lowered):
                found.append(name)
    return [name for name in CANCER_TYPES if name in found] or ["other"]


def parse_date(value) -> date | None:
    """ClinicalTrials.gov dates: '2024-03-05' or '2024-03' (the first of the month)."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise RecordError(f"date is not text: {value!r}")
    try:
        parts = [int(part) for part in value.strip().split("-")]
        if len(parts) == 2:
            return date(parts[0], parts[1], 1)
        if len(parts) == 3:
            return date(*parts)
    except ValueError:
        pass
    raise RecordError(f"date not understood: {value!r}")


def _dict(parent: dict, key: str) -> dict:
    value = parent.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"{key} is not an object")
    return value


def _list(parent: dict, key: str) -> list:
    value = parent.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{key} is not a list")
    return value


def _text(parent: dict, key: str, default: str = "") -> str:
    value = parent.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise RecordError(f"{key} is not text")
    return value.strip()


def registry_url(nct_id: str) -> str:
    return f"https://clinicaltrials.gov/study/{nct_id}"


def bpor_url(registry_id: str) -> str:
    # Be Part of Research finds a study by any of its registry ids.
    return f"https://bepartofresearch.nihr.ac.uk/results/search-results?query={registry_id}"


def _other_ids(secondary: list) -> dict[str, str | None]:
    """The ISRCTN, IRAS and CPMS ids among a study's secondary ids."""
    other_ids: dict[str, str | None] = {"isrctn_id": None, "iras_id": None, "cpms_id": None}
    for info in secondary:
        if not isinstance(info, dict):
            continue
        value = str(info.get("id", "")).strip()
        kind = f"{info.get('type', '')} {info.get('domain', '')}".upper()
        if value.upper().startswith("ISRCTN"):
            other_ids["isrctn_id"] = value.upper()
        elif "IRAS" in kind or value.upper().startswith("IRAS"):
            other_ids["iras_id"] = re.sub(r"(?i)^iras\s*", "", value)
        elif "CPMS" in kind or value.upper().startswith("CPMS"):
            other_ids["cpms_id"] = re.sub(r"(?i)^cpms\s*", "", value)
    return other_ids


def _sites(locations: list, area: Area, overall: str) -> list[SiteRecord]:
    """A study's sites in the area, each with the study's overall status when it gives none."""
    sites = []
    for location in locations:
        if not isinstance(location, dict):
            continue
        facility = location.get("facility") if isinstance(location.get("facility"), str) else ""
        city = location.get("city") if isinstance(location.get("city"), str) else ""
        locality = area.locality_for(facility, city, location.get("geoPoint"))
        if locality is None or not facility.strip():
            continue
        site_status = str(location.get("status") or overall).upper()
        contact = next((c for c in location.get("contacts") or [] if isinstance(c, dict)), {})
        sites.append(
            SiteRecord(
                hospital=facility.strip(),
                status=site_status if site_status in ALL_STATUSES else "UNKNOWN",
                trust=area.trust_for(facility),
                city=city.strip(),
                locality=locality,
                contact_name=str(contact.get("name") or "").strip(),
                contact_phone=str(contact.get("phone") or "").strip(),
                contact_email=str(contact.get("email") or "").strip(),
            )
        )
    return sites


def parse_study(study, area: Area) -> TrialRecord | None:
    """One API v2 study -> a TrialRecord with only its sites in the area; None when it has none there."""
    if not isinstance(study, dict):
        raise RecordError("study is not an object")
    protocol = study.get("protocolSection")
    if not isinstance(protocol, dict):
        raise RecordError("no protocolSection")
    ident = _dict(protocol, "identificationModule")
    nct_id = _text(ident, "nctId")
    if not _NCT.match(nct_id):
        raise RecordError(f"nctId missing or malformed: {nct_id!r}" if nct_id else "nctId missing")
    title = _text(ident, "briefTitle") or _text(ident, "officialTitle")
    if not title:
        raise RecordError(f"{nct_id}: no title")
    status_module = _dict(protocol, "statusModule")
    overall = _text(status_module, "overallStatus").upper()
    if overall not in ALL_STATUSES:
        raise RecordError(f"{nct_id}: overallStatus missing or unknown: {overall!r}")
    conditions_module = _dict(protocol, "conditionsModule")
    conditions = [str(c) for c in _list(conditions_module, "conditions") if isinstance(c, str)]
    keywords = [str(k) for k in _list(conditions_module, "keywords") if isinstance(k, str)]
    eligibility = _dict(protocol, "eligibilityModule")
    try:
        min_age = parse_age(eligibility.get("minimumAge"))
        max_age = parse_age(eligibility.get("maximumAge"))
    except RecordError as error:
        raise RecordError(f"{nct_id}: {error}") from None
    sex = _text(eligibility, "sex", "ALL").upper() or "ALL"
    if sex not in SEXES:
        raise RecordError(f"{nct_id}: sex not understood: {sex!r}")
    phases = [p for p in _list(_dict(protocol, "designModule"), "phases") if isinstance(p, str)]
    other_ids = _other_ids(_list(ident, "secondaryIdInfos"))
    sites = _sites(_list(_dict(protocol, "contactsLocationsModule"), "locations"), area, overall)
    if not sites:
        return None
    description = _dict(protocol, "descriptionModule")
    dates = {}
    for key, struct in (
        ("first_posted", "studyFirstPostDateStruct"),
        ("last_updated", "lastUpdatePostDateStruct"),
    ):
        try:
            dates[key] = parse_date(_dict(status_module, struct).get("date"))
        except RecordError as error:
            raise RecordError(f"{nct_id}: {error}") from None
    example = study.get("exampleData") is True
    return TrialRecord(
        registry_id=nct_id,
        nct_id=nct_id,
        title=title,
        official_title=_text(ident, "officialTitle"),
        summary=_text(description, "briefSummary"),
        overall_status=overall,
        conditions=conditions,
        cancer_types=map_conditions(conditions, keywords),
        phase="/".join(p.upper() for p in phases if p.upper() in PHASES),
        min_age=min_age,
        max_age=max_age,
        sex=sex,
        registry_url=registry_url(nct_id),
        bpor_url=bpor_url(nct_id),
        source="ClinicalTrials.gov",
        example_data=example,
        sites=sites,
        **dates,
        **other_ids,
    )
