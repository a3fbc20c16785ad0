"""The language registry and the language prefix every public URL carries.

Each language is named in itself in the switcher. `code` is the URL prefix and the `hreflang`,
`html_lang` the value for `<html lang>`, `babel` the catalogue folder under translations/.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, abort, current_app, g, request
from flask_babel import Babel
from werkzeug.datastructures import LanguageAccept


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself
    english_name: str
    direction: str  # "ltr" or "rtl"
    html_lang: str
    babel: str
    stemmer: str | None  # Whoosh stemming language, None where Whoosh has none

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


REGISTRY: dict[str, Language] = {
    lang.code: lang
    for lang in [
        Language("en", "English", "English", "ltr", "en", "en_GB", "en"),
        Language("ar", "العربية", "Arabic", "rtl", "ar", "ar", "ar"),
        Language("bn", "বাংলা", "Bengali", "ltr", "bn", "bn", None),
        Language("ckb", "کوردی", "Kurdish (Sorani)", "rtl", "ckb", "ckb", None),
        Language("pl", "Polski", "Polish", "ltr", "pl", "pl", None),
        Language("pa", "ਪੰਜਾਬੀ", "Punjabi", "ltr", "pa", "pa", None),
        Language("ro", "Română", "Romanian", "ltr", "ro", "ro", "ro"),
        Language("sk", "Slovenčina", "Slovak", "ltr", "sk", "sk", None),
        Language("so", "Soomaali", "Somali", "ltr", "so", "so", None),
        Language("zh", "简体中文", "Chinese (Simplified)", "ltr", "zh-Hans", "zh_Hans", None),
        Language("ur", "اردو", "Urdu", "rtl", "ur", "ur", None),
    ]
}
DEFAULT = "en"


def languages() -> list[Language]:
    """The languages this site offers, in the configured order."""
    return [REGISTRY[code] for code in current_app.config["LANGUAGES"]]


def get(code: str) -> Language | None:
    if code in current_app.config["LANGUAGES"]:
        return REGISTRY.get(code)
    return None


def name_in_words(code: str) -> str:
    """A language code as staff read it: "Polish (Polski)", "English"; an unknown code as itself."""
    language = REGISTRY.get(code)
    if language is None:
        return code
    if language.name == language.english_name:
        return language.english_name
    return f"{language.english_name} ({language.name})"


def current() -> Language:
    return g.get("language") or REGISTRY[DEFAULT]


def negotiate(accept: LanguageAccept, offered: list[str]) -> str:
    """Pick the reader's language from Accept-Language; English when nothing offered matches."""
    # Match on the primary subtag so "ur-PK" finds "ur" and "zh-CN" finds "zh".
    best, best_quality = DEFAULT, 0.0
    for value, quality in accept:
        primary = value.lower().split("-")[0].split("_")[0]
        if primary in offered and quality > best_quality:
            best, best_quality = primary, quality
    return best


def _pull_language(endpoint: str | None, values: dict | None) -> None:
    # Only the public prefix /<lang>/... is the reader's language; elsewhere (the back-office)
    # a `lang` in the URL names the language being edited and stays a view argument.
    if values is None or "lang" not in values or not request.url_rule.rule.startswith("/<lang>"):
        return
    code = values.pop("lang")
    language = get(code)
    if language is None:
        abort(404)
    g.language = language


def _add_language(endpoint: str, values: dict) -> None:
    if (
        "lang" in values
        or endpoint.startswith("backoffice.")
        or not current_app.url_map.is_endpoint_expecting(endpoint, "lang")
    ):
        return
    values["lang"] = current().code


def select_babel_locale() -> str:
    return current().babel


def init_app(app: Flask, babel: Babel) -> None:
    unknown = [code for code in app.config["LANGUAGES"] if code not in REGISTRY]
    if unknown:
        raise ValueError(f"Languages not in the registry: {', '.join(unknown)}")
    app.url_value_preprocessor(_pull_language)
    app.url_defaults(_add_language)
    babel.init_app(
        app, locale_selector=select_babel_locale, default_translation_directories="../../translations"
    )

    @app.before_request
    def language_for_unprefixed_paths() -> None:
        # Error pages and the like on paths without a prefix still speak the reader's language.
        if "language" not in g:
            code = request.path.strip("/").split("/", 1)[0]
            g.language = get(code) or REGISTRY[negotiate(request.accept_languages, app.config["LANGUAGES"])]
