"""Jinja set-up: our templates first, then the NHS.UK frontend macros; context every page needs."""

from __future__ import annotations

from babel.lists import format_list
from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader
from markupsafe import Markup, escape

from alliance import i18n
from alliance.cache import request_query
from alliance.licence import OGL_URL

# The header menu: (endpoint, label, url values). Items whose endpoint is not registered are
# left out, so the menu only ever offers sections that exist.
NAVIGATION = [
    ("pages.page", _l("Screening"), {"slug": "screening"}),
    ("pages.page", _l("Symptoms"), {"slug": "symptoms"}),
    ("directory.search", _l("Find support"), {}),
    ("pages.page", _l("Clinical trials"), {"slug": "clinical-trials"}),
    ("pages.page", _l("Genetic testing"), {"slug": "genetic-testing"}),
    ("pages.page", _l("Get involved"), {"slug": "get-involved"}),
    ("pages.page", _l("About us"), {"slug": "about"}),
]

FOOTER = [
    ("pages.page", _l("Accessibility statement"), {"slug": "accessibility"}),
    ("pages.page", _l("Privacy notice"), {"slug": "privacy"}),
    ("pages.page", _l("Contact us"), {"slug": "contact"}),
]


def init_app(app: Flask) -> None:
    # Must run before anything touches app.jinja_env (flask-babel does, in init_app).
    app.jinja_options = {
        **app.jinja_options,
        "loader": ChoiceLoader([app.create_global_jinja_loader(), PackageLoader("nhsuk_frontend_jinja")]),
        # Flask autoescapes only .html/.xml/.svg; the NHS macros are .jinja files.
        "autoescape": True,
        "undefined": ChainableUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    app.context_processor(_page_context)
    app.add_template_filter(ltr)
    app.add_template_global(menu_items)
    app.add_template_global(current_href)
    app.add_template_global(has_endpoint)
    app.add_template_global(form_error_list)
    app.add_template_global(cached_fragment)
    app.extensions["template_fragments"] = {}


# Fragments differ only by language and which menu item is current: a few dozen in all.
MAX_FRAGMENTS = 500


def cached_fragment(*key: object, caller) -> Markup:
    """Render a `{% call cached_fragment(...) %}` block once per key and reuse the HTML after that.

    Only for markup that depends on nothing but the key and things fixed while the app runs
    (configuration, compiled translations, registered routes): the header and footer.
    """
    fragments: dict = current_app.extensions["template_fragments"]
    key = (request.script_root, *key)
    html = fragments.get(key)
    if html is None:
        html = Markup(caller())
        if len(fragments) < MAX_FRAGMENTS:
            fragments[key] = html
    return html


def current_href(items: list[dict]) -> str | None:
    return next((item["href"] for item in items if item["current"]), None)


def form_error_list(form) -> list[dict]:
    """The error summary's list: the first error of each field, linked to the field."""
    items = []
    for field in form:
        if not field.errors:
            continue
        if field.type == "CSRFTokenField":
            # An expired form: what was typed is still on the page, so it only needs sending again.
            items.append({"text": str(_l("This form timed out. Check your answers and send them again."))})
        else:
            anchor = f"{field.id}-day" if field.type == "DateField" else field.id
            items.append({"text": str(field.errors[0]), "href": f"#{anchor}"})
    return items + [{"text": str(error)} for error in getattr(form, "form_errors", [])]


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def ltr(value: object) -> Markup:
    """Keep a phone number, postcode or English name left-to-right inside right-to-left text."""
    return Markup('<span dir="ltr" class="app-ltr">{}</span>').format(escape(value))


def menu_items(items: list[tuple], current_endpoint: str | None = None) -> list[dict]:
    present = current_app.view_functions
    result = []
    for endpoint, label, values in items:
        if endpoint not in present:
            continue
        href = url_for(endpoint, **values)
        result.append({"href": href, "text": str(label), "current": href == request.path})
    return result


def switcher_links() -> list[dict]:
    """For each language, the same page in that language (the home page when there is none)."""
    if "switcher_links" not in g:
        g.switcher_links = _switcher_links()
    return g.switcher_links


def _switcher_links() -> list[dict]:
    endpoint = request.endpoint
    values = dict(request.view_args or {})
    usable = (
        endpoint is not None
        and request.routing_exception is None
        and current_app.url_map.is_endpoint_expecting(endpoint, "lang")
    )
    links = []
    # A cached page is shared by everyone who asks for its key: repeat only the parameters it reads.
    query = request_query() if usable else ""
    for language in i18n.languages():
        if usable:
            href = url_for(endpoint, **{**values, "lang": language.code})
            if query:
                href += "?" + query
        else:
            href = url_for("pages.home", lang=language.code)
        links.append({"language": language, "href": href, "current": language == i18n.current()})
    return links


def _page_context() -> dict:
    language = i18n.current()
    return {
        "language": language,
        "languages": i18n.languages(),
        "switcher_links": switcher_links,
        "alliance_name": current_app.config["ALLIANCE_NAME"],
        "alliance_short_name": current_app.config["ALLIANCE_SHORT_NAME"],
        "localities_text": format_list(current_app.config["LOCALITIES"], locale=get_locale()),
        "navigation": NAVIGATION,
        "footer_links": FOOTER,
        "ogl_url": OGL_URL,
    }
