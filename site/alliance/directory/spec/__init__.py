"""The ORUK 3.0 schemas, resolved from these files so validation needs no network."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path

# jsonschema skips a format whose checker package is missing, without a word: import them here so a
# missing one stops the app at start-up instead of letting bad "uri" and "date-time" values through.
import rfc3339_validator  # noqa: F401
import rfc3986_validator  # noqa: F401
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HERE = Path(__file__).resolve().parent
BASE = "https://openreferraluk.org/specifications/3.0/schema/"
OPENAPI = HERE / "openapi.json"


@lru_cache(maxsize=1)
def registry() -> Registry:
    resources = []
    for path in sorted((HERE / "schema").glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append(
            (BASE + path.name, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for schema/<name>.json, with every $ref resolved locally, that checks formats too
    (email, uri, date-time, uuid: "uri" and "date-time" need rfc3986-validator and rfc3339-validator)."""
    return Draft202012Validator(
        {"$ref": BASE + f"{name}.json"},
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
