"""Turn what the pages capability knows into the strings and component parameters templates need."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, cast

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from alliance.hosts import external_url
from alliance.translation.state import translation_state

# The home page's doors into the site: (endpoint, url values, heading, description).
HOME_SECTIONS = [
    (
        "pages.page",
        {"slug": "screening"},
        _l("Cancer screening"),
        _l("Bowel, breast, cervical and lung screening: who is invited, when, and what happens."),
    ),
    (
        "pages.page",
        {"slug": "symptoms"},
        _l("Signs and symptoms of cancer"),
        _l("Know the signs to look out for, and when to see a GP."),
    ),
    (
        "directory.search",
        {},
        _l("Find support near you"),
        _l("Support groups, helplines, hospices, benefits advice and more, near your postcode."),
    ),
    (
        "pages.page",
        {"slug": "clinical-trials"},
        _l("Clinical trials"),
        _l("Find out which cancer trials are open in our area, including for teenagers and young adults."),
    ),
    (
        "pages.page",
        {"slug": "genetic-testing"},
        _l("Genetic testing and inherited cancer risk"),
        _l("Lynch syndrome, BRCA and other inherited risks, and how people are referred for testing."),
    ),
    (
        "pages.page",
        {"slug": "get-involved"},
        _l("Get involved"),
        _l("Share your views and experiences to help shape cancer care in your area."),
    ),
    (
        "surveys.index",
        {},
        _l("Have your say"),
        _l("Answer our surveys about cancer care. We publish what we heard and what we will do."),
    ),
]


def home_sections() -> list[dict]:
    """The sections that exist on this site, as card parameters."""
    present = current_app.view_functions
    return [
        {
            "href": url_for(endpoint, **cast(dict[str, Any], values)),
            "heading": str(heading),
            "description": str(description),
        }
        for endpoint, values, heading, description in HOME_SECTIONS
        if endpoint in present
    ]


SECTION_LABELS = {
    "screening": _l("Screening"),
    "symptoms": _l("Symptoms"),
    "about": _l("About us"),
    "get-involved": _l("Get involved"),
    "help": _l("Help and information"),
}
# The hub page each section's breadcrumb leads back to.
SECTION_HUBS = {"screening": "screening", "symptoms": "symptoms"}


def page_view(page) -> dict:
    """What the page template needs beyond the page itself: breadcrumbs, dates, notices, links."""
    from flask_babel import format_date

    from alliance import i18n
    from alliance.pages import markdown

    reader = i18n.current()
    text_language = i18n.REGISTRY[page.lang]
    breadcrumbs = [{"href": url_for("pages.home"), "text": str(_l("Home"))}]
    hub = SECTION_HUBS.get(page.section)
    if hub and hub != page.slug:
        breadcrumbs.append(
            {"href": url_for("pages.page", slug=hub), "text": str(SECTION_LABELS[page.section])}
        )
    body, contents = markdown.with_contents(markdown.render(page.body, reader.code))
    return {
        "body": body,
        "contents": contents,
        "breadcrumbs": breadcrumbs,
        "text_lang": text_language.html_lang,
        "text_dir": text_language.direction,
        "last_reviewed": format_date(page.last_reviewed, "long") if page.last_reviewed else None,
        "next_review_due": format_date(page.next_review_due, "long") if page.next_review_due else None,
        "easy_read_href": url_for("pages.page", slug=page.easy_read) if page.easy_read else None,
        # Said on the link when the reader's language has no Easy Read version of its own.
        "easy_read_in_english": page.easy_read_lang == "en" and reader.code != "en",
        "standard_href": url_for("pages.page", slug=page.standard) if page.standard else None,
        "english_href": url_for("pages.page", slug=page.slug, lang="en"),
        "translation_state": page_translation_state(page),
        # An Easy Read page: it points at its standard version, or its slug says so.
        "easy_read": bool(page.standard) or page.slug.endswith("-easy-read"),
    }


def page_translation_state(page) -> str | None:
    """ "unreviewed" or "outdated" when the reader is shown a translation they should be warned about,
    "reviewed" for a checked, current one; None for English (including English standing in)."""
    if page.lang == "en":
        return None
    # With no English page published there is nothing newer to be behind: judge the review alone.
    english = page.english_body_hash if page.english_body_hash is not None else page.translated_from
    return translation_state(page.review_status, page.translated_from, english)


def search_view(results) -> dict:
    """Hit sections as labels, and previous/next links that keep the query."""
    if results is None:
        return {"hits": [], "previous": None, "next": None}
    hits = [
        {
            "href": url_for("pages.page", slug=hit.slug),
            "title": hit.title,
            "section": str(SECTION_LABELS.get(hit.section, "")),
            "snippet": hit.snippet or hit.summary,
        }
        for hit in results.hits
    ]

    def link(number: int) -> str:
        return url_for("pages.search_pages", q=results.query, page=number)

    return {
        "hits": hits,
        "previous": link(results.page - 1) if results.page > 1 else None,
        "next": link(results.page + 1) if results.page < results.pages else None,
        "suggestion_href": url_for("pages.search_pages", q=results.suggestion)
        if results.suggestion
        else None,
        "results_lang": results.lang,
    }


# (endpoint, its URL values other than lang, the date the page last changed or None)
SitemapItem = tuple[str, dict, date | None]


def sitemap_entries(published: list[tuple[str, str]], others: Iterable[SitemapItem] = ()) -> list[dict]:
    """One entry per page language, each listing every language of that page as an alternate; then each
    of `others` (endpoint, URL values, date last changed) in every language the site serves."""
    from alliance import i18n

    by_slug: dict[str, list[str]] = {}
    for slug, lang in published:
        by_slug.setdefault(slug, []).append(lang)
    entries = []
    home_langs = [language.code for language in i18n.languages()]
    entries.extend(_every_language("pages.home", {}, None, home_langs))
    for slug, langs in by_slug.items():
        alternates = [
            (i18n.REGISTRY[lang].html_lang, external_url("pages.page", lang=lang, slug=slug))
            for lang in langs
            if lang in i18n.REGISTRY
        ]
        for lang in langs:
            entries.append(
                {"loc": external_url("pages.page", lang=lang, slug=slug), "alternates": alternates}
            )
    entries.extend(sitemap_items(others))
    return entries


def sitemap_items(items: Iterable[SitemapItem]) -> list[dict]:
    """Each (endpoint, URL values, date last changed) in every language the site serves."""
    from alliance import i18n

    langs = [language.code for language in i18n.languages()]
    return [
        entry
        for endpoint, values, lastmod in items
        for entry in _every_language(endpoint, values, lastmod, langs)
    ]


def _every_language(endpoint: str, values: dict, lastmod: date | None, langs: list[str]) -> list[dict]:
    from alliance import i18n

    urls = [(lang, external_url(endpoint, lang=lang, **values)) for lang in langs]
    alternates = [(i18n.REGISTRY[lang].html_lang, href) for lang, href in urls]
    return [
        {"loc": href, "alternates": alternates, "lastmod": lastmod.isoformat() if lastmod else None}
        for _lang, href in urls
    ]


TYA_WORDS = {"tya", "teenage", "teenager", "teenagers", "young", "youth"}


def _trials_finder_href() -> Callable[[str], str]:
    from alliance.search import text
    from alliance.trials import parsing

    def href(words: str) -> str:
        # The finder has no words box: a query naming one type of cancer carries over as that type,
        # and one about teenagers and young adults as that choice.
        types = [t for t in parsing.map_conditions([words]) if t != "other"]
        args: dict[str, Any] = {"cancer": types[0]} if len(types) == 1 else {}
        if TYA_WORDS & set(text.words(words)):
            args["tya"] = "yes"
        return url_for("trials.find", **args)

    return href


def _genetics_item(hit) -> dict:
    from alliance.directory.presenters import locality_label

    if hit.kind == "test":
        href = url_for("genetics.tests") + "#test-" + hit.code.replace(".", "-")
        return {"href": href, "title": f"{hit.code}: {hit.name}", "text": "", "lang": "en"}
    areas = [locality_label(code) for code in hit.localities]
    href = (
        url_for("genetics.services", area=hit.localities[0])
        if len(areas) == 1
        else url_for("genetics.services")
    )
    return {"href": href, "title": hit.name, "text": ", ".join(areas), "lang": "en"}


def site_view(results) -> dict | None:
    """The grouped header-search page: each group's items as strings and the link on to its finder."""
    if results is None:
        return None
    from alliance import i18n
    from alliance.directory.presenters import localised, locality_label

    lang = i18n.current().code
    words = results.query
    pages = search_view(results.pages)
    support = []
    for card in results.services.cards:
        name, _description, own = localised(card, lang)
        support.append(
            {
                "href": url_for("directory.service", service_id=card["id"]),
                "title": name,
                "text": locality_label(card["locality"]) if card["locality"] else "",
                "lang": None if own else "en",
                "example": card["example"],
            }
        )
    trials = [
        {"href": url_for("trials.trial", trial_id=hit.id), "title": hit.title, "text": "", "lang": "en"}
        for hit in results.trials.hits
    ]
    return {
        "pages": pages["hits"],
        "pages_lang": results.pages.lang,
        "pages_more": url_for("pages.search_pages", q=words),
        "support": support,
        "support_more": url_for("directory.search", q=words),
        "trials": trials,
        "trials_more": _trials_finder_href()(words),
        "genetics": [_genetics_item(hit) for hit in results.genetics.hits],
        "genetics_more": url_for("genetics.services"),
        "suggestion_href": url_for("pages.search", q=results.suggestion) if results.suggestion else None,
    }
