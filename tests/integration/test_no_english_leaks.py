"""Every public page type, read in Urdu (right to left) and Polish, says nothing of the interface in English.

The text a reader meets is gathered from each page: what is shown, and what a screen reader says
(aria-label, title, alt, placeholder and visually hidden text). Text inside an element marked
lang="en" is content that is itself in English (a service's name, a trial's title) and is left out.
What is left must hold none of the English interface words below, unless the language's own
translation of that word is the same word (Polish says "Menu" too).
"""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
import pytest
from flask_babel import force_locale, get_translations

from alliance.cli import SEEDERS
from alliance.directory import models as m
from alliance.extensions import db, limiter
from alliance.search import index
from alliance.surveys import models as survey_models
from alliance.trials import models as trial_models
from tests.conftest import _empty_tables

CONTENT = Path(__file__).resolve().parents[2] / "content"
LANGUAGES = ["ur", "pl"]
# English interface words that nhsuk-frontend's components and our own templates could let through.
INTERFACE_WORDS = [
    "Next",
    "Previous",
    "Information",
    "Important",
    "Search",
    "Menu",
    "Close",
    "Home",
    "Back",
    "Back to",
    "Breadcrumb",
    "Pagination",
    "Page",
    "page",
    "More",
    "Browse",
    "Error",
    "Contents",
    "Skip to main content",
    "Support links",
    "Urgent advice",
    "Non-urgent advice",
    "miles",
    "Main number",
    "British Sign Language",
]
SILENT = {"script", "style", "template", "svg", "head"}
SPOKEN = ("aria-label", "title", "alt", "placeholder")


def reader_text(html: str) -> list[str]:
    """Every piece of text a reader sees or hears on the page, outside content marked as English."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    found: list[str] = []

    def walk(element, english: bool) -> None:
        if not isinstance(element.tag, str) or element.tag in SILENT:
            return
        if element.get("lang") is not None:
            english = element.get("lang").lower().startswith("en")
        if not english:
            found.extend(element.get(name) for name in SPOKEN if element.get(name))
            if element.text and element.text.strip():
                found.append(element.text.strip())
        for child in element:
            walk(child, english)
            if not english and child.tail and child.tail.strip():
                found.append(child.tail.strip())

    walk(document.find("body"), document.get("lang", "").startswith("en"))
    return found


def leaks(texts: list[str], lang: str) -> list[str]:
    with force_locale(lang):
        # A word is let through only where the catalogue translates it as the same word.
        catalogue = getattr(get_translations(), "_catalog", {})
        words = [word for word in INTERFACE_WORDS if catalogue.get(word) != word]
    patterns = [re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])") for word in words]
    return [text for text in texts if any(pattern.search(text) for pattern in patterns)]


@pytest.fixture(scope="module")
def site(engine_app):
    """The whole of content/ loaded once for the module."""
    _empty_tables(engine_app)
    limiter.enabled = False
    with engine_app.app_context():
        for _name, seeder in SEEDERS:
            seeder(db.session, CONTENT)
        db.session.commit()
        index.rebuild(db.session, engine_app.config["SEARCH_INDEX_DIR"])
        service = db.session.query(m.Service).filter_by(status="active").order_by(m.Service.name).first()
        trial = db.session.query(trial_models.Trial).order_by(trial_models.Trial.id).first()
        survey = db.session.query(survey_models.Survey).first()
        ids = {"service": service.id, "trial": trial.id, "survey": survey.slug}
    yield engine_app, ids
    limiter.enabled = True
    _empty_tables(engine_app)


PAGES = [
    ("home", "/{lang}/"),
    ("content page", "/{lang}/bowel-screening"),
    ("hub", "/{lang}/screening"),
    ("directory search with results and pagination", "/{lang}/support?postcode=S1"),
    ("directory search, second page", "/{lang}/support?postcode=S1&page=2"),
    ("service page", "/{lang}/support/services/{service}"),
    ("report a problem", "/{lang}/support/services/{service}/report-a-problem"),
    ("trials finder", "/{lang}/clinical-trials/find"),
    ("trials for young people", "/{lang}/clinical-trials/young-people"),
    ("a trial", "/{lang}/clinical-trials/trial/{trial}"),
    ("genetics services", "/{lang}/genetic-testing/services?area=sheffield"),
    ("genetic tests", "/{lang}/genetic-testing/tests"),
    ("genetics guide start", "/{lang}/genetic-testing/should-i-ask"),
    ("genetics guide question", "/{lang}/genetic-testing/should-i-ask/your-history"),
    ("genetics guide result", "/{lang}/genetic-testing/should-i-ask/result"),
    ("survey list", "/{lang}/surveys/"),
    ("survey start", "/{lang}/surveys/{survey}/"),
    ("survey start after answers expired", "/{lang}/surveys/{survey}/?expired=1"),
    ("survey question", "/{lang}/surveys/{survey}/questions/1"),
    ("site search with results", "/{lang}/search?q=screening"),
    ("site search with no results", "/{lang}/search?q=zzqqxxkk"),
    ("not found", "/{lang}/no-such-page"),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("kind", "path"), PAGES, ids=[kind for kind, _ in PAGES])
def test_a_page_in_urdu_or_polish_has_no_english_interface_words(site, lang, kind, path):
    app, ids = site
    url = path.format(lang=lang, **ids)
    response = app.test_client().get(url, follow_redirects=True)
    assert response.status_code in (200, 404), url
    html = response.get_data(as_text=True)
    # role="text" is not an ARIA role (the HTML checker refuses it); markup must never show as text.
    assert 'role="text"' not in html and "&lt;span" not in html, url
    with app.app_context():
        found = leaks(reader_text(response.get_data(as_text=True)), lang)
    assert not found, f"{kind} ({url}) has English interface words: {found}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_survey_page_with_errors_in_urdu_or_polish_has_no_english_interface_words(site, lang):
    app, ids = site
    client = app.test_client()
    url = f"/{lang}/surveys/{ids['survey']}/questions/1"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(url, data={"csrf_token": token})
    assert response.status_code == 200
    with app.app_context():
        found = leaks(reader_text(response.get_data(as_text=True)), lang)
    assert not found, f"survey errors ({url}) have English interface words: {found}"


def test_the_check_finds_an_english_word_left_in_a_urdu_page():
    from alliance import create_app

    app = create_app("test")
    html = '<html lang="ur"><body><p>اگلا</p><span class="nhsuk-u-visually-hidden">Information: </span>'
    html += '<p lang="en">Next steps with Search</p><nav aria-label="Pagination"></nav></body></html>'
    with app.app_context():
        assert leaks(reader_text(html), "ur") == ["Information:", "Pagination"]
