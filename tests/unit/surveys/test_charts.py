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


def label_lines(text_element):
    return [span.text for span in text_element.iter("tspan")]


def test_every_bar_has_its_label_and_value_as_text_and_a_suppressed_value_has_no_bar():
    svg = parse_svg(charts.bar_chart("c2", "T", ["A", "B", "C"], [40, 10, None]))
    texts = ["".join(t.itertext()) for t in svg.iter("text")]
    assert texts == ["A", "40", "B", "10", "C", "*"]
    widths = [rect.get("width") for rect in svg.iter("rect")]
    assert widths == [f"{charts.BAR_SHARE}.0%", f"{charts.BAR_SHARE / 4}%"]


def test_chart_text_is_at_least_14_pixels_and_never_scaled_down():
    svg = parse_svg(charts.bar_chart("c6", "T", ["Yes", "No"], [12, 30]))
    assert svg.get("viewBox") is None and svg.get("width") == "100%"
    sizes = [float(text.get("font-size")) for text in svg.iter("text")]
    assert sizes and min(sizes) >= 14


def test_a_long_label_is_wrapped_onto_lines_with_every_word_kept():
    label = "A very long answer label that goes on and on for ever"
    svg = parse_svg(charts.bar_chart("c3", "T", [label], [12]))
    lines = label_lines(next(svg.iter("text")))
    assert len(lines) > 1 and " ".join(lines) == label
    assert all(len(line) <= charts.WRAP_WIDTH for line in lines)
    table = parse(charts.data_table("T", "Answer", [label], ["Respondents"], suppress_column([12])))[0]
    assert table.find("tbody/tr/th").text == label


def test_wrapped_rows_do_not_overlap_and_the_chart_is_tall_enough_for_them():
    labels = ["Short", "An answer that needs two lines to be read", "Also short"]
    svg = parse_svg(charts.bar_chart("c7", "T", labels, [20, 15, 9]))
    texts = list(svg.iter("text"))
    label_tops = [float(text.get("y")) for text in texts[0::2]]
    bar_tops = [float(rect.get("y")) for rect in svg.iter("rect")]
    assert label_tops[0] < bar_tops[0] < label_tops[1] < bar_tops[1] < label_tops[2] < bar_tops[2]
    assert bar_tops[1] - label_tops[1] >= 2 * charts.LINE_HEIGHT - charts.FONT_SIZE
    assert float(svg.get("height")) >= bar_tops[-1] + charts.BAR_HEIGHT


def test_a_word_longer_than_a_line_is_broken_and_wide_characters_count_double():
    lines, shortened = charts.wrap_label("x" * 70)
    assert lines == ["x" * 30, "x" * 30, "x" * 10] and not shortened
    lines, _ = charts.wrap_label("非常" * 20)
    assert all(sum(2 for _ in line) <= charts.WRAP_WIDTH for line in lines) and "".join(lines) == "非常" * 20


def test_a_label_too_long_for_three_lines_is_shortened_with_its_full_text_in_a_title():
    label = " ".join(["word"] * 40)
    svg = parse_svg(charts.bar_chart("c8", "T", [label], [12]))
    text = next(svg.iter("text"))
    lines = label_lines(text)
    assert len(lines) == charts.MAX_LINES and lines[-1].endswith("…")
    assert text.find("title").text == label


def test_an_empty_label_still_gets_a_row():
    assert charts.wrap_label("") == ([""], False)


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
