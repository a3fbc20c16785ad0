"""Made-up services for load tests, as an ORUK JSON feed. The same count and seed give the same file.

Every generated service is marked example data and says so in its description; the feed is written
only where it is asked for and is never part of content/."""

from __future__ import annotations

import csv
import json
import random
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from alliance import jsonstream

# Postcode districts of each locality (the main towns' districts; enough to spread places realistically).
OUTCODES = {
    "barnsley": ["S70", "S71", "S72", "S73", "S74", "S75", "S36"],
    "bassetlaw": ["S80", "S81", "DN22"],
    "doncaster": ["DN1", "DN2", "DN3", "DN4", "DN5", "DN6", "DN7", "DN8", "DN9", "DN10", "DN11", "DN12"],
    "rotherham": ["S60", "S61", "S62", "S63", "S64", "S65", "S66", "S25", "S26"],
    "sheffield": [
        "S1",
        "S2",
        "S3",
        "S4",
        "S5",
        "S6",
        "S7",
        "S8",
        "S9",
        "S10",
        "S11",
        "S12",
        "S13",
        "S14",
        "S17",
        "S20",
        "S35",
    ],
    "north-derbyshire": ["S40", "S41", "S42", "S43", "S44", "S45", "S18", "S21"],
}
WIDER = ["whole-alliance", "online-phone", "national"]
LANGUAGES = [
    ("English", "en"),
    ("Urdu", "ur"),
    ("Punjabi", "pa"),
    ("Polish", "pl"),
    ("Arabic", "ar"),
    ("Bengali", "bn"),
    ("Somali", "so"),
    ("Chinese", "zh"),
    ("Romanian", "ro"),
    ("Slovak", "sk"),
    ("Kurdish (Sorani)", "ckb"),
    ("British Sign Language", "bfi"),
]
KINDS = [
    "support group",
    "drop-in",
    "advice service",
    "befriending service",
    "exercise class",
    "wellbeing course",
    "information hub",
    "carers' group",
    "counselling service",
    "benefits clinic",
]
TOPICS = [
    "bowel cancer",
    "breast cancer",
    "prostate cancer",
    "lung cancer",
    "skin cancer",
    "blood cancer",
    "anyone affected by cancer",
    "carers",
    "young adults",
    "bereaved families",
    "money worries",
    "fatigue",
    "returning to work",
    "healthy eating",
    "wigs and headwear",
]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ACCESS = ["wheelchair", "hearing-loop", "accessible-toilet", "parking"]


def _ids(rng: random.Random):
    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    return new_id


def _centroids(folder: Path) -> dict[str, tuple[float, float]]:
    with open(folder / "outcode-centroids.csv", newline="", encoding="utf-8") as handle:
        return {
            row["postcode"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def generate(count: int, seed: int, content_folder: Path) -> dict:
    """A feed of `count` services; `content_folder` holds taxonomy.json and outcode-centroids.csv."""
    taxonomies, services = _feed(count, seed, content_folder)
    return {"taxonomies": taxonomies, "services": list(services)}


def generate_feed(
    count: int, seed: int, content_folder: Path, progress: Callable[[int], None] | None = None
) -> dict:
    """The same feed as `generate`, its services made one at a time as `json.dump` writes them."""
    taxonomies, services = _feed(count, seed, content_folder)

    def counted() -> Iterator[dict]:
        for service in services:
            yield service
            if progress:
                progress(1)

    return {"taxonomies": taxonomies, "services": jsonstream.streamed(counted())}


def _feed(count: int, seed: int, content_folder: Path) -> tuple[list, Iterator[dict]]:
    rng = random.Random(seed)
    new_id = _ids(rng)
    taxonomies = json.loads((content_folder / "taxonomy.json").read_text(encoding="utf-8"))["taxonomies"]
    terms = [term["id"] for tax in taxonomies for term in tax.get("taxonomy_terms", [])]
    centroids = _centroids(content_folder)
    organizations = [
        {
            "id": new_id(),
            "name": f"Example Cancer Charity {n} (synthetic)",
            "description": "Made-up organisation for load tests.",
        }
        for n in range(max(1, count // 20))
    ]
    return taxonomies, _services(rng, new_id, count, terms, centroids, organizations)


def _services(rng, new_id, count: int, terms: list, centroids: dict, organizations: list) -> Iterator[dict]:
    localities = list(OUTCODES)
    for n in range(count):
        wider = rng.random() < 0.08
        locality = rng.choice(WIDER) if wider else rng.choice(localities)
        kind, topic = rng.choice(KINDS), rng.choice(TOPICS)
        place = "" if wider else locality.replace("-", " ").title()
        name = f"{place + ' ' if place else ''}{topic[0].upper() + topic[1:]} {kind} {n + 1} (synthetic)"
        service_id = new_id()
        service = {
            "id": service_id,
            "name": name,
            "description": (
                f"A {kind} for {topic}{' in ' + place if place else ''}. Made-up listing for load tests: "
                "it does not exist. Do not contact it."
            ),
            "url": f"https://example.org/synthetic/{n + 1}",
            "email": f"service{n + 1}@example.org",
            "status": "active" if rng.random() < 0.95 else "temporarily closed",
            "organization": rng.choice(organizations),
            "phones": [{"id": new_id(), "number": f"01632 {rng.randrange(960000, 961000)}"}],
            "languages": [
                {"id": new_id(), "name": lang, "code": code}
                for lang, code in [LANGUAGES[0], *rng.sample(LANGUAGES[1:], rng.choice([0, 0, 1, 2]))]
            ],
            "schedules": [_schedule(rng, new_id)],
            "cost_options": [{"id": new_id(), "option": "Free", "amount": 0}],
            "attributes": [
                {"id": new_id(), "taxonomy_term_id": term, "link_type": "service"}
                for term in rng.sample(terms, rng.randint(1, min(4, len(terms))))
            ],
            "x_alliance": {"locality": locality, "example_data": True},
        }
        if not wider:
            outcode = rng.choice([c for c in OUTCODES[locality] if c in centroids])
            lat, lon = centroids[outcode]
            location_id = new_id()
            service["service_at_locations"] = [
                {
                    "id": new_id(),
                    "location": {
                        "id": location_id,
                        "location_type": "physical",
                        "name": f"{place} Community Venue {rng.randint(1, 200)} (synthetic)",
                        # Spread venues around the district's centre rather than stacking them on one point.
                        "latitude": round(lat + rng.uniform(-0.02, 0.02), 5),
                        "longitude": round(lon + rng.uniform(-0.03, 0.03), 5),
                        "addresses": [
                            {
                                "id": new_id(),
                                "address_1": f"{rng.randint(1, 300)} Example Road",
                                "city": place,
                                "state_province": "Derbyshire"
                                if locality == "north-derbyshire"
                                else ("Nottinghamshire" if locality == "bassetlaw" else "South Yorkshire"),
                                "postal_code": outcode,
                                "country": "GB",
                                "address_type": "physical",
                            }
                        ],
                        "accessibility": [
                            {"id": new_id(), "accessibility": word}
                            for word in rng.sample(ACCESS, rng.randint(0, 3))
                        ],
                    },
                }
            ]
        yield service


def _schedule(rng: random.Random, new_id) -> dict:
    opens = rng.choice(["09:00:00", "09:30:00", "10:00:00", "13:00:00", "14:00:00", "18:00:00"])
    closes = {"09": "12:00:00", "10": "12:30:00", "13": "15:00:00", "14": "16:00:00", "18": "20:00:00"}[
        opens[:2]
    ]
    if rng.random() < 0.5:
        days = sorted(rng.sample(DAYS[:5], rng.randint(1, 3)), key=DAYS.index)
        return {
            "id": new_id(),
            "freq": "WEEKLY",
            "interval": 1,
            "byday": ",".join(days),
            "opens_at": opens,
            "closes_at": closes,
            "dtstart": "2026-01-01",
        }
    return {
        "id": new_id(),
        "freq": "MONTHLY",
        "interval": 1,
        "byday": f"{rng.randint(1, 4)}{rng.choice(DAYS[:5])}",
        "opens_at": opens,
        "closes_at": closes,
        "dtstart": "2026-01-01",
    }
