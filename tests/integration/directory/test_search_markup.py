"""The search form and results are plain HTML written for speed: they must keep the NHS.UK components'
accessible structure (labels, hints, fieldset and legend, error message and summary) and the reader's choices."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest

from alliance.directory.seed import seed_directory

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def directory(app, session):
    # Seeded, then the app context closed: requests then pick their own language for gettext.
    with app.app_context():
        seed_directory(session, ROOT / "content")
    return session


def parse(html: str):
    return html5lib.HTMLParser(namespaceHTMLElements=False).parse(html)


def search_form(document):
    return next(form for form in document.iter("form") if "app-directory-form" in form.get("class", ""))


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.mark.parametrize(
    "path", ["/en/support", "/ur/support?q=group", "/en/support/category/support-groups"]
)
def test_every_search_field_has_a_label_and_its_hint_is_announced(client, directory, path):
    form = search_form(parse(client.get(path).get_data(as_text=True)))
    labels = {label.get("for"): text_of(label) for label in form.iter("label")}
    controls = [*form.iter("input"), *form.iter("select")]
    assert len(controls) >= 8
    for control in controls:
        assert labels.get(control.get("id")), f"{control.get('name')} has no label"
    ids = {element.get("id") for element in form.iter() if element.get("id")}
    for control in controls:
        for described_by in (control.get("aria-describedby") or "").split():
            assert described_by in ids, f"{control.get('id')} points at a missing {described_by}"
    query = form.find(".//input[@id='directory-query']")
    assert query.get("aria-describedby") == "directory-query-hint"
    assert query.get("type") == "search"


def test_the_needs_checkboxes_sit_in_a_fieldset_with_a_legend(client, directory):
    form = search_form(parse(client.get("/en/support").get_data(as_text=True)))
    fieldset = form.find(".//fieldset")
    assert text_of(fieldset.find("legend")) == "Other needs"
    boxes = fieldset.findall(".//input[@type='checkbox']")
    assert [(box.get("id"), box.get("value")) for box in boxes] == [
        ("needs", "free"),
        ("needs-2", "wheelchair"),
        ("needs-3", "open"),
    ]


def test_a_search_shows_what_was_chosen_in_the_form(client, directory):
    html = client.get(
        "/en/support?q=group&postcode=S70&within=25&sort=distance&needs=free&category=support-groups"
    ).get_data(as_text=True)
    form = search_form(parse(html))
    selected = {
        select.get("name"): [
            option.get("value") for option in select.iter("option") if "selected" in option.attrib
        ]
        for select in form.iter("select")
    }
    assert selected["within"] == ["25"]
    assert selected["sort"] == [""]  # nearest first is the default with a place: its option has no value
    assert selected["category"] == ["support-groups"]
    assert selected["locality"] == [""]
    checked = [box.get("value") for box in form.iter("input") if "checked" in box.attrib]
    assert checked == ["free"]
    assert form.find(".//input[@id='directory-query']").get("value") == "group"
    assert form.find(".//input[@id='directory-postcode']").get("value") == "S70"


def test_a_postcode_error_is_linked_from_the_summary_and_read_out_in_the_readers_language(client, directory):
    document = parse(client.get("/ur/support?postcode=ZZ99").get_data(as_text=True))
    summary = next(div for div in document.iter("div") if div.get("class") == "nhsuk-error-summary")
    assert summary.find(".//div[@role='alert']") is not None
    link = summary.find(".//a")
    assert link.get("href") == "#directory-postcode"
    postcode = document.find(".//input[@id='directory-postcode']")
    assert "nhsuk-input--error" in postcode.get("class")
    assert postcode.get("aria-describedby") == "directory-postcode-hint directory-postcode-error"
    assert postcode.get("value") == "ZZ99" and postcode.get("dir") == "ltr"
    message = document.find(".//span[@id='directory-postcode-error']")
    assert text_of(message).endswith(text_of(link))
    hidden = message.find("span")
    assert hidden.get("class") == "nhsuk-u-visually-hidden"
    assert text_of(hidden) == "خرابی:"  # "Error:" in Urdu, not English
    assert document.find("head/title").text.startswith("خرابی:")


def test_without_an_error_there_is_no_error_markup(client, directory):
    html = client.get("/en/support?postcode=S70").get_data(as_text=True)
    assert "nhsuk-error" not in html and "nhsuk-form-group--error" not in html


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_every_link_the_results_page_builds_leads_to_a_page(client, directory, lang):
    document = parse(client.get(f"/{lang}/support?delivery=in-person").get_data(as_text=True))
    main = document.find(".//main")
    hrefs = {a.get("href") for a in main.iter("a") if a.get("href", "").startswith(f"/{lang}/support/")}
    services = [href for href in hrefs if "/services/" in href]
    categories = [href for href in hrefs if "/category/" in href]
    assert len(services) == 10 and categories
    for href in hrefs:
        assert client.get(href).status_code == 200, href
    pages = main.find(".//nav[@class='nhsuk-pagination']")
    assert pages.get("aria-label")
    assert pages.find(".//a[@rel='next']").get("href").startswith(f"/{lang}/support?")
