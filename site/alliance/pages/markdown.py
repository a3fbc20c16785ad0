"""Markdown to safe HTML with the NHS content patterns, written without raw HTML.

Authors write `::: inset`, `::: warning Heading`, `::: care urgent|non-urgent|emergency Heading`,
`::: details Summary`, `::: do Heading`, `::: dont Heading` blocks, `page:slug` links, and Easy Read
pictures `![alt text](icon:name)`: a line that starts with a picture becomes a row with the picture on
the reading side. Raw HTML in content is shown as text, and the result passes through nh3 as well: an
<img> survives only when it points at the site's own pictures in static/icons.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from flask import current_app, url_for
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.container import container_plugin

from alliance import pictures
from alliance.assets import asset_url

CARE_VARIANTS = ("non-urgent", "urgent", "emergency")
ALLOWED_TAGS = {
    "a",
    "p",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "blockquote",
    "code",
    "pre",
    "hr",
    "br",
    "div",
    "span",
    "details",
    "summary",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "dir", "lang", "role", "aria-hidden"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope"},
    "ol": {"start"},
}
# UK phone numbers (0800 707 6060, 0114 271 1900), 111 and 999, and postcodes: kept left-to-right.
LTR_PATTERN = re.compile(
    r"(?<![\w/])(0\d{2,4}(?:[ ]\d{2,4}){1,3}|111|999|[A-Z]{1,2}\d[A-Z\d]?(?: \d[A-Z]{2})?)(?![\w/])"
)


def _container_heading(info: str, name: str) -> str:
    rest = info.strip()[len(name) :].strip()
    return rest


def _render_inset(self, tokens, idx, options, env):
    if tokens[idx].nesting == 1:
        hidden = escape(_("Information:"))
        return f'<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">{hidden} </span>\n'
    return "</div>\n"


def _heading_level_here(tokens, idx) -> int:
    """The level for a heading at tokens[idx]: one below the section it sits in (the page's h1 is the
    title, so 2 before any heading), so headings never skip a level (axe "heading-order")."""
    for token in reversed(tokens[:idx]):
        if token.type == "heading_open" and token.tag in ("h2", "h3", "h4", "h5"):
            return min(int(token.tag[1]) + 1, 6)
    return 2


def _render_warning(self, tokens, idx, options, env):
    if tokens[idx].nesting == 1:
        heading = escape(_container_heading(tokens[idx].info, "warning") or _("Important"))
        hidden = escape(_("Important:"))
        level = _heading_level_here(tokens, idx)
        return (
            f'<div class="nhsuk-warning-callout"><h{level} class="nhsuk-warning-callout__label">'
            f'<span><span class="nhsuk-u-visually-hidden">{hidden} </span>{heading}</span></h{level}>\n'
        )
    return "</div>\n"


def _render_care(self, tokens, idx, options, env):
    if tokens[idx].nesting == -1:
        return "</div></div>\n"
    rest = _container_heading(tokens[idx].info, "care")
    variant, _sep, heading = rest.partition(" ")
    if variant not in CARE_VARIANTS:
        variant, heading = "non-urgent", rest
    hidden = {
        "non-urgent": _("Non-urgent advice"),
        "urgent": _("Urgent advice"),
        "emergency": _("Immediate action required"),
    }[variant]
    return (
        f'<div class="nhsuk-card nhsuk-card--care nhsuk-card--care--{variant}">'
        '<div class="nhsuk-card__heading-container">'
        f'<h2 class="nhsuk-card__heading"><span><span class="nhsuk-u-visually-hidden">'
        f"{escape(hidden)}: </span>{escape(heading.strip())}</span></h2>"
        '<span class="nhsuk-card--care__arrow" aria-hidden="true"></span></div>'
        '<div class="nhsuk-card__content">\n'
    )


def _render_details(self, tokens, idx, options, env):
    if tokens[idx].nesting == 1:
        summary = escape(_container_heading(tokens[idx].info, "details"))
        return (
            '<details class="nhsuk-details"><summary class="nhsuk-details__summary">'
            f'<span class="nhsuk-details__summary-text">{summary}</span></summary>'
            '<div class="nhsuk-details__text">\n'
        )
    return "</div></details>\n"


def _do_dont_renderer(name: str, default_heading: str, kind: str):
    def render(self, tokens, idx, options, env):
        if tokens[idx].nesting == 1:
            heading = escape(_container_heading(tokens[idx].info, name) or _(default_heading))
            return (
                '<div class="nhsuk-card nhsuk-card--feature"><div class="nhsuk-card__content">'
                f'<h3 class="nhsuk-card__heading">{heading}</h3>\n'
            )
        return "</div></div>\n"

    return render


def _mark_lists(state) -> None:
    """Inside do and don't blocks, lists become the NHS tick and cross lists."""
    kind = None
    for token in state.tokens:
        if token.type in ("container_do_open", "container_dont_open"):
            kind = "tick" if token.type == "container_do_open" else "cross"
        elif token.type in ("container_do_close", "container_dont_close"):
            kind = None
        elif kind and token.type == "bullet_list_open":
            token.attrSet("class", f"nhsuk-list nhsuk-list--{kind}")
        elif kind and token.type == "list_item_open":
            token.attrSet("class", f"app-list-item--{kind}")


def _page_links(state) -> None:
    """`page:slug` links point at that page in the reader's language."""
    lang = state.env.get("lang", "en")
    for block in state.tokens:
        for token in block.children or []:
            if token.type == "link_open":
                href = token.attrGet("href") or ""
                if href.startswith("page:"):
                    slug, _hash, anchor = href[5:].partition("#")
                    target = url_for("pages.page", lang=lang, slug=slug) + (f"#{anchor}" if anchor else "")
                    token.attrSet("href", target)


PICTURE_SIZE = "64"


def _picture_row(state, index: int) -> None:
    """A paragraph (or tight list item) that starts with a picture: the picture, then its words."""
    opener = state.tokens[index - 1]
    if opener.hidden and index >= 2 and state.tokens[index - 2].type == "list_item_open":
        opener = state.tokens[index - 2]
    opener.attrJoin("class", "app-picture-row")
    children = state.tokens[index].children
    rest = children[1:]
    while (
        rest
        and rest[0].type in ("softbreak", "hardbreak")
        or (rest and rest[0].type == "text" and not rest[0].content.strip())
    ):
        rest = rest[1:]
    if rest and rest[0].type == "text":
        rest[0].content = rest[0].content.lstrip()
    start, end = Token("html_inline", "", 0), Token("html_inline", "", 0)
    start.content, end.content = '<span class="app-picture-row__text">', "</span>"
    state.tokens[index].children = [children[0], start, *rest, end]


def _pictures(state) -> None:
    """`icon:name` pictures point at the site's own copy; any other picture is reduced to its words."""
    for index, block in enumerate(state.tokens):
        if block.type != "inline" or not block.children:
            continue
        for position, token in enumerate(block.children):
            if token.type != "image":
                continue
            src = token.attrGet("src") or ""
            name = src[len(pictures.ICON_PREFIX) :] if src.startswith(pictures.ICON_PREFIX) else ""
            if not pictures.known(name):
                text = Token("text", "", 0)
                text.content = "".join(child.content for child in token.children or [])
                block.children[position] = text
                continue
            if str(token.attrGet("title") or "").strip().lower() == pictures.DECORATIVE:
                token.children = []
            token.attrs.pop("title", None)
            token.attrSet("src", asset_url(pictures.static_path(name)))
            token.attrSet("class", "app-picture")
            token.attrSet("width", PICTURE_SIZE)
            token.attrSet("height", PICTURE_SIZE)
        if (
            block.children[0].type == "image"
            and index >= 1
            and state.tokens[index - 1].type == "paragraph_open"
        ):
            _picture_row(state, index)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = lambda url: url.startswith(
        ("https://", "http://", "page:", "mailto:", "tel:", "#", "/", pictures.ICON_PREFIX)
    )
    for name, renderer in (
        ("inset", _render_inset),
        ("warning", _render_warning),
        ("care", _render_care),
        ("details", _render_details),
        ("do", _do_dont_renderer("do", "Do", "tick")),
        ("dont", _do_dont_renderer("dont", "Don't", "cross")),
    ):
        md.use(
            container_plugin,
            name,
            validate=lambda params, *args, name=name: params.strip().split(" ", 1)[0] == name,
            render=renderer,
        )
    md.core.ruler.push("app_do_dont_lists", _mark_lists)
    md.core.ruler.push("app_page_links", _page_links)
    md.core.ruler.push("app_pictures", _pictures)
    return md


def _wrap_ltr(fragment: str) -> str:
    parts = re.split(r"(<[^>]+>)", fragment)
    inside_tag_text = False
    for i, part in enumerate(parts):
        if part.startswith("<"):
            inside_tag_text = part.startswith("<a ") and 'href="tel:' in part
            continue
        if not inside_tag_text:
            parts[i] = LTR_PATTERN.sub(r'<span dir="ltr" class="app-ltr">\1</span>', part)
    return "".join(parts)


def _add_list_icons(fragment: str) -> str:
    icons = current_app.jinja_env.get_template("components/app_icons.html").module
    return fragment.replace('<li class="app-list-item--tick">', f"<li>{icons.tick()}").replace(
        '<li class="app-list-item--cross">', f"<li>{icons.cross()}"
    )


def render(text: str, lang: str) -> Markup:
    """Markdown to sanitised HTML for a page in `lang`."""
    rendered = sanitise(_parser().render(text, {"lang": lang}))
    return Markup(_add_list_icons(_wrap_ltr(rendered)))


def sanitise(fragment: str) -> str:
    """Only the tags and attributes content may use; an <img> keeps its src only when that is one of the
    site's own pictures in static/icons."""
    own_pictures = url_for("static", filename=pictures.STATIC_FOLDER + "/")

    def only_own_pictures(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src" and not value.startswith(own_pictures):
            return None
        return value

    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=None,
        attribute_filter=only_own_pictures,
    )


def plain_text(text: str) -> str:
    """The words of a Markdown page, for search indexing and readability scores."""
    text = re.sub(
        r"^:::[ ]*(?:inset|warning|details|do|dont|care(?:[ ]+(?:non-urgent|urgent|emergency))?)?[ ]*",
        "",
        text,
        flags=re.MULTILINE,
    )
    html_text = MarkdownIt("commonmark").render(text)
    return re.sub(r"\s+", " ", html.unescape(nh3.clean(html_text, tags=set()))).strip()


def readable_text(text: str) -> str:
    """The page's words as sentences, for readability scores: each heading, list item and paragraph is
    one sentence, as a reader takes it, rather than one run-on sentence per list."""
    text = re.sub(
        r"^:::[ ]*(?:inset|warning|details|do|dont|care(?:[ ]+(?:non-urgent|urgent|emergency))?)?[ ]*",
        "",
        text,
        flags=re.MULTILINE,
    )
    sentences = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type != "inline":
            continue
        words = "".join(
            child.content for child in token.children or [] if child.type in ("text", "code_inline")
        )
        words = re.sub(r"\s+", " ", words).strip()
        if words:
            sentences.append(words if words[-1] in ".!?" else words.rstrip(":;,") + ".")
    return " ".join(sentences)


# A page with at least this many sections gets a contents list at the top.
CONTENTS_FROM_SECTIONS = 4
_SECTION = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)


def with_contents(body: Markup) -> tuple[Markup, list[dict[str, str]]]:
    """The body with an id on each section heading (a plain <h2>), and the contents list's items when the
    page is long enough to need one (none otherwise)."""
    items: list[dict[str, str]] = []

    def number(match: re.Match) -> str:
        anchor = f"section-{len(items) + 1}"
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
        items.append({"href": f"#{anchor}", "text": text})
        return f'<h2 id="{anchor}">{match.group(1)}</h2>'

    numbered = _SECTION.sub(number, str(body))
    if len(items) < CONTENTS_FROM_SECTIONS:
        return body, []
    return Markup(numbered), items
