"""The survey pages' form fields are plain HTML written for speed (templates/surveys/_fields.html): they must keep the
NHS.UK components' accessible structure for every kind of question: labels, fieldsets with legends, hints and error
messages announced through aria-describedby, and error summary links that land on a field."""

from __future__ import annotations

import json

import html5lib
import pytest

from .conftest import CONTENT, SLUG, answer_all, csrf_from, post_page

CONTROLS = ("input", "select", "textarea")

# Each page of the example survey, a wrong answer for it, and the fields whose errors that answer must show.
WRONG = [
    (1, {}, ["q-connection"]),
    (2, {}, ["q-experience_rating"]),
    (
        3,
        {f"what_matters[{k}]": "1" for k in ("quick", "close", "explained", "support", "choices")},
        ["q-what_matters"],
    ),
    (4, {}, ["q-barriers"]),
    (4, {"barriers": "other"}, ["q-barriers-other"]),
    (5, {"tell_us_more": "x" * 501}, ["q-tell_us_more"]),
    (6, {"outcode": "ZZZZZ9", "travel_minutes": "many"}, ["q-outcode", "q-travel_minutes"]),
    (
        7,
        {"last_appointment[day]": "31", "last_appointment[month]": "2", "last_appointment[year]": "2026"},
        ["q-last_appointment"],
    ),
    (7, {"one_change": "y" * 151}, ["q-one_change"]),
]


def parse(html: str):
    return html5lib.HTMLParser(namespaceHTMLElements=False).parse(html)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def survey_form(document):
    return next(form for form in document.iter("form") if "app-survey-form" in form.get("class", ""))


def classes(element) -> list[str]:
    return (element.get("class") or "").split()


def check_structure(document) -> dict:
    """Assert the form's accessible structure; return its elements by id."""
    form = survey_form(document)
    ids = [element.get("id") for element in document.iter() if element.get("id")]
    assert len(ids) == len(set(ids)), "an id is used twice"
    by_id = {element.get("id"): element for element in document.iter() if element.get("id")}
    parents = {child: parent for parent in form.iter() for child in parent}
    labels = {label.get("for"): text_of(label) for label in form.iter("label")}
    controls = [c for tag in CONTROLS for c in form.iter(tag) if c.get("type") != "hidden"]
    assert controls
    for control in controls:
        assert labels.get(control.get("id")), f"{control.get('name')} has no label"
        if control.get("type") in ("radio", "checkbox") or control.tag == "select":
            ancestor = parents.get(control)
            while ancestor is not None and ancestor.tag != "fieldset":
                ancestor = parents.get(ancestor)
            assert ancestor is not None, f"{control.get('id')} is not in a fieldset"
            assert text_of(ancestor.find("legend")), f"the fieldset around {control.get('id')} has no legend"
    for element in form.iter():
        for target in (element.get("aria-describedby") or "").split():
            assert target in by_id, f"{element.get('id')} points at a missing {target}"
    return by_id


def described(form) -> set[str]:
    return {target for element in form.iter() for target in (element.get("aria-describedby") or "").split()}


def test_the_cases_cover_every_kind_of_question_in_the_example_survey():
    data = json.loads((CONTENT / "surveys" / f"{SLUG}.json").read_text())
    kinds = {q["kind"] for page in data["pages"] for q in page["questions"]}
    covered = {q["kind"] for n, _, _ in WRONG for q in data["pages"][n - 1]["questions"]}
    assert kinds == covered
    assert len(data["pages"]) == len({n for n, _, _ in WRONG})


@pytest.mark.parametrize("lang", ["en", "ur"])
@pytest.mark.parametrize(("number", "data", "fields"), WRONG)
def test_every_question_keeps_labels_hints_and_linked_errors(client, survey, lang, number, data, fields):
    base = f"/{lang}/surveys/{survey}"
    if number > 1:
        assert post_page(client, f"{base}/questions/1", {"connection": "patient"}).status_code == 303
    url = f"{base}/questions/{number}"
    page = client.get(url)
    assert page.status_code == 200
    document = parse(page.get_data(as_text=True))
    assert document.get("dir") == ("rtl" if lang == "ur" else "ltr")
    check_structure(document)
    assert not list(survey_form(document).iter("span"))  # no error messages before an answer is sent

    response = client.post(url, data={**data, "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 200
    document = parse(response.get_data(as_text=True))
    by_id = check_structure(document)
    form = survey_form(document)
    messages = [span for span in form.iter("span") if "nhsuk-error-message" in classes(span)]
    assert [span.get("id") for span in messages] == [f"{field}-error" for field in fields]
    for span in messages:
        assert span.get("id") in described(form), f"{span.get('id')} is not announced"
        hidden = span.find("span")
        assert "nhsuk-u-visually-hidden" in classes(hidden)
        assert text_of(hidden) == ("خرابی:" if lang == "ur" else "Error:")
        assert len(text_of(span)) > len(text_of(hidden))
    summary = [a for a in document.iter("a") if (a.get("href") or "").startswith("#q-")]
    assert len(summary) == len(fields)
    for link in summary:
        target = by_id.get(link.get("href")[1:])
        assert target is not None and target.tag in CONTROLS, f"{link.get('href')} does not land on a field"
        assert text_of(link) in [
            text_of(span)[len(text_of(span.find("span"))) :].strip() for span in messages
        ]
    # What was typed is shown again.
    for name, value in data.items():
        if name.startswith("what_matters"):
            select = form.find(f".//select[@name='{name}']")
            assert [o.get("value") for o in select.iter("option") if "selected" in o.attrib] == [value]
        elif name in ("barriers",):
            assert form.find(f".//input[@value='{value}']").get("checked") is not None
        elif name == "tell_us_more":
            assert form.find(".//textarea").text == value
        else:
            assert form.find(f".//input[@name='{name}']").get("value") == value


def test_a_page_with_one_question_has_it_as_the_heading_and_several_share_the_survey_title(client, survey):
    base = f"/en/surveys/{survey}/questions"
    single = parse(client.get(f"{base}/5").get_data(as_text=True))
    headings = list(single.iter("h1"))
    assert len(headings) == 1
    assert headings[0].find("label").get("for") == "q-tell_us_more"
    several = parse(client.get(f"{base}/6").get_data(as_text=True))
    assert [text_of(h) for h in several.iter("h1")] == ["Have your say on cancer care"]
    labels = list(survey_form(several).iter("label"))
    assert [label.get("for") for label in labels] == ["q-outcode", "q-travel_minutes"]
    assert all("nhsuk-label--m" in classes(label) for label in labels)


def test_about_you_questions_are_fieldsets_of_labelled_radios(client, survey):
    answer_all(client, "ur", survey)
    document = parse(client.get(f"/ur/surveys/{survey}/about-you").get_data(as_text=True))
    check_structure(document)
    fieldsets = list(survey_form(document).iter("fieldset"))
    assert len(fieldsets) >= 3
    for fieldset in fieldsets:
        radios = fieldset.findall(".//input[@type='radio']")
        assert radios and len({r.get("name") for r in radios}) == 1
        assert radios[0].get("id") == f"q-{radios[0].get('name')}"


def test_check_your_answers_lists_every_answer_with_a_change_link_naming_its_question(client, survey):
    document = parse(answer_all(client, "en", survey))
    rows = [div for div in document.iter("div") if "nhsuk-summary-list__row" in classes(div)]
    assert len(rows) >= 9
    for row in rows:
        question = text_of(row.find("dt"))
        link = row.find(".//a")
        assert text_of(link) == f"Change {question}"
        assert "nhsuk-u-visually-hidden" in classes(link.find("span"))
    button = next(b for b in survey_form(document).iter("button"))
    assert button.get("data-prevent-double-click") == "true"
