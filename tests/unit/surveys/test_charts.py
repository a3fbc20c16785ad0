"""Report charts: an SVG image with a title, description and text labels, and a real data table beside it."""

from xml.etree import ElementTree

import html5lib

from alliance.surveys import charts
from alliance.surveys.suppression import suppress, suppress_column

SVG = "{http://www.w3.org/2000/svg}"


def parse_svg(markup):
    """The chart as XML, its namespace dropped from tag names."""
    root = ElementTree.fromstring(str(markup))
    for element in root.iter():
        element.tag = element.tag.removeprefix(SVG)
    return root


def parse(markup):
    return html5lib.HTMLParser(namespaceHTMLElements=False).parseFragment(str(markup))


def test_a_bar_chart_is_an_image_labelled_by_its_title_and_description():
    svg = parse_svg(charts.bar_chart("c1", "Who answered <us>", ["Patients", "Carers"], [20, None]))
    assert svg.tag == "svg" and svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find("title").text == "Who answered <us>"
    assert svg.find("desc").text.startswith("Patients: 20; Carers: *. * means a small number")


def test_every_bar_has_its_label_and_value_as_text_and_a_suppressed_value_has_no_bar():
    svg = parse_svg(charts.bar_chart("c2", "T", ["A", "B", "C"], [40, 10, None]))
    texts = [t.text for t in svg.iter("text")]
    assert texts == ["A", "40", "B", "10", "C", "*"]
    widths = [int(rect.get("width")) for rect in svg.iter("rect")]
    assert widths == [320, 80]


def test_long_labels_are_shortened_in_the_chart_but_not_in_the_table():
    label = "A very long answer label that goes on and on for ever"
    svg = parse_svg(charts.bar_chart("c3", "T", [label], [12]))
    assert next(svg.iter("text")).text.endswith("…")
    table = parse(charts.data_table("T", "Answer", [label], ["Respondents"], suppress_column([12])))[0]
    assert table.find("tbody/tr/th").text == label


def test_the_data_table_has_a_caption_header_scopes_stars_and_totals():
    result = suppress([[3, 4, 20], [5, 2, 30], [11, 12, 13]])
    table = parse(charts.data_table("By sex", "Answer", ["a", "b", "c"], ["F", "M", "X"], result))[0]
    assert table.find("caption").text == "By sex"
    assert [th.get("scope") for th in table.iter("th")][:5] == ["col", "col", "col", "col", "col"]
    rows = [[cell.text for cell in row] for row in table.find("tbody")]
    assert rows[0] == ["a", "*", "*", "20", "27"]
    assert rows[-1] == ["Total", "19", "18", "63", "100"]


def test_the_total_row_can_be_left_out_when_people_chose_several_answers():
    table = parse(
        charts.data_table("T", "Answer", ["a"], ["R"], suppress_column([12], 15), with_total=False)
    )[0]
    assert [row.find("th").text for row in table.find("tbody")] == ["a"]


def test_a_hidden_breakdown_shows_why_instead_of_a_chart():
    markup = str(charts.figure("c4", "T", "Answer", ["a", "b"], ["R"], suppress_column([4, 3])))
    assert "fewer than 10 respondents" in markup and "<svg" not in markup and "<table" not in markup


def test_a_shown_breakdown_puts_the_chart_beside_the_table():
    markup = str(charts.figure("c5", "T", "Answer", ["a", "b"], ["R"], suppress_column([14, 3])))
    assert markup.index("<svg") < markup.index("<table") and "nhsuk-grid-column-one-half" in markup
