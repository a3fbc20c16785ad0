"""Where a service is for: the Alliance's localities (from configuration), and three wider reaches."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

WIDER = {
    "whole-alliance": _l("Across the whole Alliance area"),
    "online-phone": _l("Online or by phone"),
    "national": _l("National"),
}


@dataclass(frozen=True)
class Locality:
    code: str
    label: str
    place: bool  # one of the Alliance's own localities


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def all_localities() -> list[Locality]:
    places = [Locality(slug(name), name, True) for name in current_app.config["LOCALITIES"]]
    return places + [Locality(code, str(label), False) for code, label in WIDER.items()]


def codes() -> list[str]:
    return [locality.code for locality in all_localities()]


def get(code: str) -> Locality | None:
    return next((locality for locality in all_localities() if locality.code == code), None)
