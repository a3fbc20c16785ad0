"""Markdown rendering: the NHS content patterns without raw HTML, and nothing unsafe gets through."""

import pytest

from alliance import create_app
from alliance.pages.markdown import plain_text, readable_text, render


@pytest.fixture(scope="module")
def app():
    return create_app("test", {"DATABASE_URL": "sqlite://"})


@pytest.fixture
def en(app):
    with app.test_request_context("/en/"):
        yield


def test_raw_html_and_scripts_are_shown_as_text_not_run(en):
    html = str(render("<script>alert(1)</script> <b onclick='x'>bold</b>", "en"))
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;" in html


def test_javascript_links_are_dropped(en):
    html = str(render("[click](javascript:alert(1))", "en"))
    assert "<a " not in html and 'href="javascript' not in html


def test_page_links_point_at_the_page_in_the_readers_language(app):
    with app.test_request_context("/ur/"):
        html = str(render("[bowel screening](page:bowel-screening)", "ur"))
    assert 'href="/ur/bowel-screening"' in html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("::: inset\nNote\n:::", 'class="nhsuk-inset-text"'),
        ("## Section\n\n::: warning Take care\nNote\n:::", "Take care</span></h3>"),
        ("::: care non-urgent See a GP if:\n- x\n:::", "nhsuk-card--care--non-urgent"),
        ("::: care urgent Ask for an urgent GP appointment if:\n- x\n:::", "nhsuk-card--care--urgent"),
        ("::: care emergency Call 999 if:\n- x\n:::", "nhsuk-card--care--emergency"),
        (
            "::: details What happens next\nText\n:::",
            '<span class="nhsuk-details__summary-text">What happens next</span>',
        ),
        ("::: do Do\n- drink water\n:::", "nhsuk-list--tick"),
        ("::: dont Don't\n- do not wait\n:::", "nhsuk-list--cross"),
    ],
)
def test_each_nhs_content_pattern_renders_its_component(en, source, expected):
    assert expected in str(render(source, "en"))


def test_care_cards_carry_their_hidden_urgency_prefix(en):
    html = str(render("::: care emergency Call 999 if:\n- x\n:::", "en"))
    assert '<span class="nhsuk-u-visually-hidden">Immediate action required: </span>' in html
    assert 'aria-hidden="true"' in html


def test_phone_numbers_and_postcodes_are_kept_left_to_right(en):
    html = str(render("Call 0800 707 60 60 or 111, or visit S70 2TA.", "en"))
    assert '<span dir="ltr" class="app-ltr">0800 707 60 60</span>' in html
    assert '<span dir="ltr" class="app-ltr">111</span>' in html
    assert '<span dir="ltr" class="app-ltr">S70 2TA</span>' in html


def test_plain_text_keeps_the_words_and_drops_the_markup():
    text = plain_text("## Heading\n\n::: care urgent Ask now if:\n- **blood** in your poo\n:::")
    assert text == "Heading Ask now if: blood in your poo"


def test_readable_text_makes_each_list_item_and_heading_a_sentence():
    text = readable_text("## When to get help\n\n- a cough\n- **blood** in your poo:\n\nSee a GP.")
    assert text == "When to get help. a cough. blood in your poo. See a GP."


def test_a_line_that_starts_with_a_picture_becomes_a_row_with_the_site_s_own_picture_first(en):
    html = str(render("![A doctor](icon:doctor) See a **GP** today.", "en"))
    assert html.startswith('<p class="app-picture-row"><img src="/static/icons/doctor.svg?v=')
    assert 'alt="A doctor" class="app-picture" width="64" height="64">' in html
    assert '<span class="app-picture-row__text">See a <strong>GP</strong> today.</span></p>' in html


def test_a_picture_marked_decorative_has_empty_alt_text(en):
    html = str(render('![](icon:people "decorative") People.', "en"))
    assert 'alt=""' in html and "decorative" not in html and "title=" not in html


def test_a_picture_in_a_right_to_left_page_is_the_same_row_whose_side_follows_the_text_direction(app):
    with app.test_request_context("/ur/"):
        html = str(render("![ایک ڈاکٹر](icon:doctor) جی پی سے ملیں۔", "ur"))
    # No side is written into the markup: the flex row starts on the reading side of the text's dir.
    assert '<p class="app-picture-row"><img src="/static/icons/doctor.svg' in html
    assert "left" not in html and "right" not in html


@pytest.mark.parametrize(
    "source",
    [
        "![A tracker](https://example.com/pixel.png) Hello",
        "![A tracker](/static/nhsuk/assets/logos/logo.svg) Hello",
        "![Unknown](icon:no-such-picture) Hello",
    ],
)
def test_pictures_from_anywhere_but_the_site_s_icons_are_reduced_to_their_words(en, source):
    html = str(render(source, "en"))
    assert "<img" not in html
    assert "Hello" in html


def test_the_sanitiser_keeps_an_img_src_only_under_the_site_s_own_pictures(en):
    from alliance.pages.markdown import sanitise

    assert 'src="/static/icons/doctor.svg?v=1"' in sanitise(
        '<img src="/static/icons/doctor.svg?v=1" alt="x">'
    )
    for hostile in ("https://example.com/x.png", "/static/css/app.css", "data:image/png;base64,AAAA"):
        assert "src=" not in sanitise(f'<img src="{hostile}" alt="x">')
    assert "onerror" not in sanitise('<img src="/static/icons/doctor.svg" onerror="alert(1)">')


def test_picture_alt_text_is_not_counted_in_readability_or_search_text():
    source = "![A drawing of the bowel and the large intestine](icon:bowel) Poo goes here."
    assert readable_text(source) == "Poo goes here."
    assert plain_text(source) == "Poo goes here."


def test_a_warning_callout_heading_never_skips_a_level(en):
    first = str(render("::: warning Take care\nNote\n:::", "en"))
    assert '<h2 class="nhsuk-warning-callout__label">' in first
    under_h3 = str(render("## A\n\n### B\n\n::: warning Take care\nNote\n:::", "en"))
    assert '<h4 class="nhsuk-warning-callout__label">' in under_h3


def test_content_headings_carry_no_role_text(en):
    html = str(render("::: warning Take care\nNote\n:::\n\n::: care urgent Call if:\n- x\n:::", "en"))
    assert 'role="text"' not in html
