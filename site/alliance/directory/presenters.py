"""Turn directory data into the strings and component parameters the templates need, in the reader's language."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from babel.lists import format_list
from flask import request, url_for
from flask_babel import format_date, format_decimal, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from alliance import i18n
from alliance.directory import localities, schedules
from alliance.directory.search import DISTANCES, Results

LONDON = ZoneInfo("Europe/London")
ORDINALS = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), 5: _l("fifth"), -1: _l("last")}
DELIVERY_LABELS = {"in-person": _l("In person"), "phone": _l("By phone"), "online": _l("Online")}
AUDIENCE_LABELS = {
    "people-with-cancer": _l("People with cancer"),
    "carers-family": _l("Carers, family and friends"),
    "young-people": _l("Children and young people"),
    "bereaved": _l("People who are bereaved"),
}
SORTS = {"relevance": _l("Best match"), "distance": _l("Nearest first")}


def now_local() -> datetime:
    return datetime.now(LONDON).replace(tzinfo=None)


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
    return _(
        "Next open: %(date)s, %(hours)s",
        date=format_date(opening.starts.date(), "full"),
        hours=(
            _(
                "%(opens)s to %(closes)s",
                opens=_clock(opening.starts.time()),
                closes=_clock(opening.ends.time()),
            )
            if opening.ends
            else _clock(opening.starts.time())
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


def language_name(code: str, fallback: str) -> str:
    """A language's name in the reader's language, from CLDR where it knows the code."""
    try:
        found = get_locale().languages.get(code.replace("-", "_").split("_")[0])
    except AttributeError:
        found = None
    return found or fallback or code


def card_view(hit, lang: str) -> dict:
    card = hit.card
    name, description, own = localised(card, lang)
    return {
        "href": url_for("directory.service", service_id=card["id"]),
        "name": name,
        "description": description if len(description) <= 240 else description[:237].rsplit(" ", 1)[0] + "…",
        "own_language": own,
        "organization": card["organization"],
        "miles": miles_text(hit.miles),
        "opening": opening_text(schedules.next_opening(card["schedules"], now_local())),
        "phones": card["phones"],
        "url": card["url"],
        "languages": _list([language_name(code, label) for code, label in card["languages"]]),
        "locality": locality_label(card["locality"]),
        "example": card["example"],
    }


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


def filter_view(
    results: Results | None, chosen: dict, categories: dict[str, str], languages: dict
) -> list[dict]:
    """One select per dimension: options with how many results choosing each would give."""
    facets = results.facets if results else {}

    def options(dimension: str, labels: dict[str, str]) -> list[dict]:
        counts = facets.get(dimension, {})
        items = [{"value": "", "text": str(_l("Any")), "selected": not chosen.get(dimension)}]
        for code, label in labels.items():
            count = counts.get(code, 0)
            if count == 0 and chosen.get(dimension) != code:
                continue
            items.append(
                {
                    "value": code,
                    "text": _("%(label)s (%(count)s)", label=label, count=format_decimal(count)),
                    "selected": chosen.get(dimension) == code,
                }
            )
        return items

    locality_labels = {loc.code: loc.label for loc in localities.all_localities()}
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
        {"name": "locality", "label": _("Area"), "items": options("locality", locality_labels)},
        {"name": "language", "label": _("Language spoken"), "items": options("language", languages)},
    ]


def checkbox_view(results: Results | None, chosen: dict) -> dict:
    facets = results.facets if results else {}
    return {
        "fieldset": {"legend": {"text": _("Other needs"), "size": "s"}},
        "idPrefix": "needs",
        "name": "needs",
        "classes": "nhsuk-checkboxes--small",
        "items": [
            {
                "value": "free",
                "text": _(
                    "%(label)s (%(count)s)",
                    label=_("Free of charge"),
                    count=format_decimal(facets.get("free", {}).get("yes", 0)),
                ),
                "checked": bool(chosen.get("free")),
            },
            {
                "value": "wheelchair",
                "text": _(
                    "%(label)s (%(count)s)",
                    label=_("Wheelchair access"),
                    count=format_decimal(facets.get("wheelchair", {}).get("yes", 0)),
                ),
                "checked": bool(chosen.get("wheelchair")),
            },
        ],
    }


def distance_items(within: int | None) -> list[dict]:
    items = [{"value": "", "text": _("Any distance"), "selected": not within}]
    for miles in DISTANCES:
        items.append(
            {
                "value": str(miles),
                "text": _("Within %(miles)s miles", miles=format_decimal(miles)),
                "selected": within == miles,
            }
        )
    return items


def sort_items(sort: str) -> list[dict]:
    return [{"value": k, "text": str(v), "selected": k == sort} for k, v in SORTS.items()]


def page_links(results: Results | None, args: dict) -> dict:
    """Previous and next links that keep every filter."""
    if not results or results.pages <= 1:
        return {}
    links = {}
    if results.page > 1:
        links["previous"] = url_for(
            request.endpoint, **{**(request.view_args or {}), **args, "page": results.page - 1}
        )
    if results.page < results.pages:
        links["next"] = url_for(
            request.endpoint, **{**(request.view_args or {}), **args, "page": results.page + 1}
        )
    return links


def current_lang() -> str:
    return i18n.current().code


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


def service_view(session, service, lang: str) -> dict:
    """Everything ORUK holds about a service, as strings in the reader's language where we have them."""
    from alliance.directory import services

    name, description, own = localised_service(session, service, lang)
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
        "organization": service.organization,
        "kinds": kinds,
        "delivery": _list(delivery) if delivery else "",
        "audience": _list(audience) if audience else "",
        "opening": opening_text(schedules.next_opening(schedules_seen, now_local())),
        "schedules": [
            {"text": schedule_text(s), "notes": s.get("description") if schedules.read(s) else ""}
            for s in schedules_seen
        ],
        "locations": locations,
        "phones": service.phones,
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
