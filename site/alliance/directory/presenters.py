"""Turn directory data into the strings and component parameters the templates need, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from functools import lru_cache
from urllib.parse import quote

from babel.lists import format_list
from flask import request, url_for
from flask_babel import format_date, format_decimal, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from alliance import localities
from alliance.directory import schedules
from alliance.directory.search import DISTANCES, Results
from alliance.inputs import web_address

LONDON = schedules.LONDON
ORDINALS = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), 5: _l("fifth"), -1: _l("last")}
DELIVERY_LABELS = {"in-person": _l("In person"), "phone": _l("By phone"), "online": _l("Online")}
AUDIENCE_LABELS = {
    "people-with-cancer": _l("People with cancer"),
    "carers-family": _l("Carers, family and friends"),
    "young-people": _l("Children and young people"),
    "bereaved": _l("People who are bereaved"),
}
SORTS = {"relevance": _l("Best match"), "distance": _l("Nearest first")}
# What werkzeug leaves unquoted in a path segment, so a link built here matches url_for's.
PATH_SAFE = "!$&'()*+,/:;=@"


def now_local() -> datetime:
    return schedules.now_local()


def _day_name(weekday: int) -> str:
    return get_locale().days["format"]["wide"][weekday]


def _clock(value: time) -> str:
    return format_time(value, "short")


def _list(items: list[str]) -> str:
    try:
        return format_list(items, locale=get_locale())
    except (ValueError, KeyError):
        return ", ".join(items)


def hours_text(schedule: dict) -> str:
    opens, closes = schedules._time(schedule.get("opens_at")), schedules._time(schedule.get("closes_at"))
    if opens and closes:
        return _("%(opens)s to %(closes)s", opens=_clock(opens), closes=_clock(closes))
    if opens:
        return _("from %(opens)s", opens=_clock(opens))
    return ""


def schedule_text(schedule: dict) -> str:
    """An ORUK schedule as a sentence in the reader's language; its own description when it has no rule."""
    rule = schedules.read(schedule)
    if rule is None:
        return schedule.get("description") or ""
    hours = hours_text(schedule)
    if rule.freq == "DAILY" or (rule.freq == "WEEKLY" and len({d for _n, d in rule.days}) == 7):
        when = _("Every day")
    elif rule.freq == "WEEKLY":
        days = _list([_day_name(d) for _n, d in sorted(rule.days, key=lambda item: item[1])])
        when = _("Every %(days)s", days=days)
    else:
        parts = []
        for nth, weekday in rule.days:
            if nth in ORDINALS:
                parts.append(_("the %(ordinal)s %(day)s", ordinal=ORDINALS[nth], day=_day_name(weekday)))
            else:
                parts.append(_day_name(weekday))
        parts += [format_decimal(day) for day in rule.monthdays]
        when = _("%(days)s of every month", days=_list(parts))
    text = _("%(when)s, %(hours)s", when=when, hours=hours) if hours else when
    return text[:1].upper() + text[1:]  # "the second Tuesday" starts the sentence


def opening_text(opening: schedules.Opening | None) -> str:
    if opening is None:
        return ""
    return _opening_words(str(get_locale()), opening.starts, opening.ends)


@lru_cache(maxsize=2048)
def _opening_words(_locale: str, starts: datetime, ends: datetime | None) -> str:
    # Keyed by the locale as well: a page of results shares a handful of dates, and Babel's
    # date formatting is the dearest part of a result card.
    return _(
        "Next open: %(date)s, %(hours)s",
        date=format_date(starts.date(), "full"),
        hours=(
            _("%(opens)s to %(closes)s", opens=_clock(starts.time()), closes=_clock(ends.time()))
            if ends
            else _clock(starts.time())
        ),
    )


def localised(card: dict, lang: str) -> tuple[str, str, bool]:
    """Name, description, and whether they are in the reader's language (False: English shown)."""
    found = card.get("translations", {}).get(lang)
    if lang != "en" and found:
        return found["name"], found.get("description") or card["description"], True
    return card["name"], card["description"], lang == "en"


def miles_text(miles: float | None) -> str:
    if miles is None:
        return ""
    return _("%(miles)s miles away", miles=format_decimal(round(miles, 1), format="#,##0.0"))


# Languages the directory lists that CLDR has no names for.
NOT_IN_CLDR = {"bfi": _l("British Sign Language")}
# Phone descriptions most services use, translated; any other description is shown as written (English).
PHONE_DESCRIPTIONS = {"main number": _l("Main number")}


def language_name(code: str, fallback: str) -> str:
    """A language's name in the reader's language, from CLDR where it knows the code."""
    if code in NOT_IN_CLDR:
        return str(NOT_IN_CLDR[code])
    return _language_name(str(get_locale()), code, fallback)


def phone_description(text: str) -> tuple[str, bool]:
    """A phone number's description and whether it is in the reader's language (False: English shown)."""
    known = PHONE_DESCRIPTIONS.get(text.strip().lower())
    return (str(known), True) if known is not None else (text, False)


@lru_cache(maxsize=4096)
def _language_name(_locale: str, code: str, fallback: str) -> str:
    try:
        found = get_locale().languages.get(code.replace("-", "_").split("_")[0])
    except AttributeError:
        found = None
    return found or fallback or code


def link_maker(endpoint: str, argument: str, **values) -> Callable[[str], str]:
    """url_for once, then a function that fills in one path argument: a results page links to
    dozens of services, and url_for costs more than the rest of a link put together."""
    marker = "__link_maker__"
    head, tail = url_for(endpoint, **{**values, argument: marker}).split(marker, 1)
    return lambda value: f"{head}{quote(str(value), safe=PATH_SAFE)}{tail}"


def locality_labels() -> dict[str, str]:
    return {loc.code: loc.label for loc in localities.all_localities()}


def card_view(
    hit,
    lang: str,
    service_href: Callable[[str], str] | None = None,
    areas: dict[str, str] | None = None,
    now: datetime | None = None,
) -> dict:
    """One result as strings. `card_views` passes what every card on the page shares."""
    card = hit.card
    name, description, own = localised(card, lang)
    areas = locality_labels() if areas is None else areas
    return {
        "href": service_href(card["id"])
        if service_href
        else url_for("directory.service", service_id=card["id"]),
        "name": name,
        "description": description if len(description) <= 240 else description[:237].rsplit(" ", 1)[0] + "…",
        "own_language": own,
        "in_english": not own and lang != "en",
        "organization": card["organization"],
        "miles": miles_text(hit.miles),
        "opening": opening_text(schedules.next_opening(card["schedules"], now or now_local())),
        "phones": [(phone, phone.replace(" ", "")) for phone in card["phones"]],
        "url": web_address(card["url"]),
        "url_text": link_text(card["url"]),
        "languages": _list([language_name(code, label) for code, label in card["languages"]]),
        "locality": areas.get(card["locality"], card["locality"]),
        "example": card["example"],
    }


def card_views(hits: list, lang: str) -> list[dict]:
    """The page's result cards, sharing one link pattern, one list of areas and one clock."""
    href = link_maker("directory.service", "service_id")
    areas, now = locality_labels(), now_local()
    return [card_view(hit, lang, href, areas, now) for hit in hits]


def category_links(categories: dict[str, str]) -> list[tuple[str, str]]:
    """(href, label) for browsing each type of support."""
    href = link_maker("directory.category", "term")
    return [(href(code), label) for code, label in categories.items()]


def locality_label(code: str) -> str:
    found = localities.get(code)
    return found.label if found else code


def term_labels(terms: list, lang: str, translations: dict) -> dict[str, str]:
    """Term code -> name in the reader's language where a translation exists."""
    labels = {}
    for term in terms:
        translated = translations.get(term.id, {}).get(lang)
        labels[term.term] = translated or term.name
    return labels


@lru_cache(maxsize=4096)
def _count(_locale: str, number: int) -> str:
    return format_decimal(number)


def count_text(number: int) -> str:
    """A count in the reader's digits and grouping (remembered: a page shows dozens of counts)."""
    return _count(str(get_locale()), number)


def language_labels(languages: dict[str, str]) -> dict[str, str]:
    """The catalogue's languages (code -> the data's name), named in the reader's language, in name order."""
    return dict(_language_labels(str(get_locale()), tuple(sorted(languages.items()))))


@lru_cache(maxsize=64)
def _language_labels(_locale: str, languages: tuple) -> tuple:
    ordered = sorted(languages, key=lambda item: item[1])  # by the name the data gives (English)
    return tuple((code, language_name(code, name)) for code, name in ordered)


def filter_view(
    results: Results | None, chosen: dict, categories: dict[str, str], languages: dict
) -> list[dict]:
    """One select per dimension: options with how many results choosing each would give."""
    facets = results.facets if results else {}
    labelled = _("%(label)s (%(count)s)")  # the pattern and the locale once: dozens of options share them
    locale = str(get_locale())

    def options(dimension: str, labels: dict[str, str]) -> list[dict]:
        counts = facets.get(dimension, {})
        picked = chosen.get(dimension)
        items = [{"value": "", "text": str(_l("Any")), "selected": not picked}]
        for code, label in labels.items():
            count = counts.get(code, 0)
            if count == 0 and picked != code:
                continue
            items.append(
                {
                    "value": code,
                    "text": labelled % {"label": label, "count": _count(locale, count)},
                    "selected": picked == code,
                }
            )
        return items

    return [
        {"name": "category", "label": _("Type of support"), "items": options("category", categories)},
        {
            "name": "audience",
            "label": _("Who it is for"),
            "items": options("audience", {k: str(v) for k, v in AUDIENCE_LABELS.items()}),
        },
        {
            "name": "delivery",
            "label": _("How it is given"),
            "items": options("delivery", {k: str(v) for k, v in DELIVERY_LABELS.items()}),
        },
        {"name": "locality", "label": _("Area"), "items": options("locality", locality_labels())},
        {"name": "language", "label": _("Language spoken"), "items": options("language", languages)},
    ]


def checkbox_view(results: Results | None, chosen: dict) -> dict:
    """The yes/no needs, as checkboxes with the ids the NHS.UK checkboxes component gives them."""
    facets = results.facets if results else {}
    labelled = _("%(label)s (%(count)s)")
    needs = (
        ("free", _("Free of charge")),
        ("wheelchair", _("Wheelchair access")),
        ("open", _("Open now")),
    )
    return {
        "legend": _("Other needs"),
        "name": "needs",
        "items": [
            {
                "id": "needs" if number == 1 else f"needs-{number}",
                "value": value,
                "text": labelled % {"label": label, "count": count_text(facets.get(value, {}).get("yes", 0))},
                "checked": bool(chosen.get(value)),
            }
            for number, (value, label) in enumerate(needs, start=1)
        ],
    }


def distance_items(within: int | None) -> list[dict]:
    items = [{"value": "", "text": _("Any distance"), "selected": not within}]
    pattern = _("Within %(miles)s miles")
    for miles in DISTANCES:
        items.append(
            {
                "value": str(miles),
                "text": pattern % {"miles": count_text(miles)},
                "selected": within == miles,
            }
        )
    return items


def sort_items(chosen: str, has_place: bool) -> list[dict]:
    """The orders on offer. The default (nearest first with a place, best match without) has the value
    "", so a search that adds a postcode from a page without one still comes back nearest first."""
    default, other = ("distance", "relevance") if has_place else ("relevance", "distance")
    return [
        {"value": "", "text": str(SORTS[default]), "selected": chosen in ("", default)},
        {"value": other, "text": str(SORTS[other]), "selected": chosen == other},
    ]


def page_links(results: Results | None, args: dict) -> dict:
    """Previous and next links that keep every filter."""
    if not results or results.pages <= 1:
        return {}
    links = {}
    endpoint = request.endpoint or ""  # always set while a matched page renders
    if results.page > 1:
        links["previous"] = url_for(
            endpoint, **{**(request.view_args or {}), **args, "page": results.page - 1}
        )
    if results.page < results.pages:
        links["next"] = url_for(endpoint, **{**(request.view_args or {}), **args, "page": results.page + 1})
    return links


def localised_service(session, service, lang: str) -> tuple[str, str, bool]:
    from alliance.directory import services

    found = (
        services.translations(session, "service", lang, [service.id]).get(service.id)
        if lang != "en"
        else None
    )
    if found:
        return found.name, found.description or service.description or "", True
    return service.name, service.description or "", lang == "en"


def _age(value: float | None) -> str:
    return (
        format_decimal(int(value))
        if value is not None and float(value).is_integer()
        else format_decimal(value)
    )


def ages_text(minimum: float | None, maximum: float | None) -> str:
    if minimum and maximum is not None:
        return _("Ages %(min)s to %(max)s", min=_age(minimum), max=_age(maximum))
    if minimum:
        return _("Ages %(min)s and over", min=_age(minimum))
    if maximum is not None:
        return _("Ages up to %(max)s", max=_age(maximum))
    return ""


def cost_text(option) -> str:
    if option.amount == 0:
        return _("Free")
    label = option.option or ""
    if option.amount:
        amount = format_decimal(option.amount, format="#,##0.00")
        return _("%(label)s: £%(amount)s", label=label, amount=amount) if label else f"£{amount}"
    return label


def link_text(value: str | None) -> str:
    """A stored link as shown, without "https://"; empty when it is not http(s) (`web_address` gives
    the href: a link stored before imports checked them is never rendered)."""
    href = web_address(value)
    return href.replace("https://", "", 1) if href else ""


def service_view(session, service, lang: str) -> dict:
    """Everything ORUK holds about a service, as strings in the reader's language where we have them."""
    from alliance.directory import services

    name, description, own = localised_service(session, service, lang)
    translated = (
        services.translations(session, "service", lang, [service.id]).get(service.id) if own else None
    )
    terms = services.service_terms(session, service.id)
    term_names = services.term_translations(session, lang)
    delivery, audience, kinds = [], [], []
    for term in terms:
        if term.term in DELIVERY_LABELS:
            delivery.append(str(DELIVERY_LABELS[term.term]))
        elif term.term in AUDIENCE_LABELS:
            audience.append(str(AUDIENCE_LABELS[term.term]))
        else:
            kinds.append(
                {
                    "text": term_names.get(term.id, {}).get(lang, term.name),
                    "href": url_for("directory.category", term=term.term) if term.term else None,
                }
            )
    schedules_seen = [schedules.schedule_fields(s) for s in service.schedules]
    locations = []
    for link in service.service_at_locations:
        location = link.location
        locations.append(
            {
                "name": location.name,
                "description": location.description,
                "addresses": [
                    [part for part in (a.attention, a.address_1, a.city, a.region, a.state_province) if part]
                    + [a.postal_code]
                    for a in location.addresses
                ],
                "accessibility": [
                    a.description or a.details or a.accessibility for a in location.accessibility
                ],
            }
        )
    local = service.local
    return {
        "name": name,
        "description": description,
        "own_language": own,
        "unreviewed": bool(translated and translated.review_status != "reviewed"),
        "organization": service.organization,
        "website": web_address(service.url),
        "website_text": link_text(service.url),
        "organization_website": web_address(service.organization.website if service.organization else None),
        "organization_website_text": link_text(
            service.organization.website if service.organization else None
        ),
        "kinds": kinds,
        "delivery": _list(delivery) if delivery else "",
        "audience": _list(audience) if audience else "",
        "opening": opening_text(schedules.next_opening(schedules_seen, now_local())),
        "schedules": [
            {"text": schedule_text(s), "notes": s.get("description") if schedules.read(s) else ""}
            for s in schedules_seen
        ],
        "locations": locations,
        "phones": [
            {"number": p.number, "description": phone_description(p.description or "")}
            for p in service.phones
        ],
        "contacts": [c for c in service.contacts if c.name or c.title],
        "languages": _list(
            [language_name(lang_.code or "", lang_.name or "") for lang_ in service.languages]
        ),
        "costs": [cost_text(c) for c in service.cost_options if cost_text(c)],
        "fees": service.fees,
        "areas": [a.name or a.extent for a in service.service_areas if a.name or a.extent],
        "ages": ages_text(service.minimum_age, service.maximum_age),
        "locality": locality_label(local.locality) if local else "",
        "locality_href": url_for("directory.area", locality=local.locality)
        if local and localities.get(local.locality)
        else None,
        "verified": format_date(local.verified_on, "long") if local and local.verified_on else "",
        "example": bool(local and local.example_data),
    }
