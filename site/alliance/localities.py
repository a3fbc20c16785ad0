"""Where a service is for: the Alliance's localities (from configuration), and three wider reaches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from alliance import i18n, places

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


# Place names the catalogues translate, so a reader can type them in their own script.
TRANSLATED_PLACES = (
    _l("Barnsley"),
    _l("Bassetlaw"),
    _l("Doncaster"),
    _l("Rotherham"),
    _l("Sheffield"),
    _l("North Derbyshire"),
    _l("Worksop"),
    _l("Retford"),
    _l("Chesterfield"),
)


def place_names() -> dict[str, tuple[str, str]]:
    """place_key -> (English name, postcode district) for every configured place, in English and in
    every offered language's catalogue. Built from configuration and the compiled catalogues, which
    are the same in every worker."""
    configured = tuple(sorted(current_app.config.get("PLACES", {}).items()))
    languages = tuple(i18n.languages())
    return _place_names(configured, tuple(lang.babel for lang in languages))


@lru_cache(maxsize=8)
def _place_names(configured: tuple, babel_codes: tuple) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for code in babel_codes:
        with force_locale(code):
            for name, district in configured:
                found.setdefault(places.place_key(gettext(name)), (name, district))
    for name, district in configured:
        found[places.place_key(name)] = (name, district)
    return found


def place_label(name: str) -> str:
    """A configured place's name in the reader's language."""
    return gettext(name)
