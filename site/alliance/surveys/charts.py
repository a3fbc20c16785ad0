"""Server-rendered charts for survey reports: a horizontal bar chart in SVG beside a real data table.

The SVG is an image with a title and description, every bar carries its label and value as text (no
meaning in colour alone), and suppressed values show as "*" with no bar. Labels wrap onto lines above
their bars instead of being cut, and the text is 16 px at every screen width (the SVG is never scaled). The table beside it holds the
same figures for screen readers and for copying. No JavaScript.
"""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

from alliance.surveys.suppression import SUPPRESSED_MARK, Suppressed, display

FONT_SIZE = 16  # px; never scaled: the SVG has no viewBox, so text stays this size on any screen
LINE_HEIGHT = 20
BAR_HEIGHT = 22
GAP = 14
BAR_SHARE = 78  # per cent of the chart's width the longest bar takes, leaving room for its value
WRAP_WIDTH = 30  # columns per label line: fits a 320 px wide chart at 16 px (wide characters count 2)
MAX_LINES = 3


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap_label(label: str, width: int = WRAP_WIDTH, max_lines: int = MAX_LINES) -> tuple[list[str], bool]:
    """The label as lines of at most `width` columns, and whether it had to be shortened to fit
    `max_lines` (the last line then ends with "…"; the full text is in the table and the SVG title)."""
    lines: list[str] = []
    line = ""
    for word in label.split():
        while _columns(word) > width:  # a word longer than a line is broken where it reaches the edge
            room = width - _columns(line) - (1 if line else 0)
            if room < 2:
                lines.append(line)
                line, room = "", width
            cut = 0
            while cut < len(word) and _columns(word[: cut + 1]) <= room:
                cut += 1
            line = f"{line} {word[:cut]}" if line else word[:cut]
            word = word[cut:]
            lines.append(line)
            line = ""
        if not word:
            continue
        joined = f"{line} {word}" if line else word
        if _columns(joined) <= width:
            line = joined
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    if len(lines) <= max_lines:
        return lines, False
    kept = lines[:max_lines]
    last = kept[-1]
    while last and _columns(last) + 1 > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept, True


def bar_chart(chart_id: str, title: str, labels: list[str], values: list[int | None]) -> Markup:
    """An SVG bar chart of one column of counts; None draws no bar and shows "*".

    Each label sits on its own lines above its bar, wrapped rather than cut, so nothing is clipped at
    any width. Bars and values are placed in percentages of the chart's width and text is in pixels:
    the chart fills its column and its text stays FONT_SIZE on a phone and on a desktop."""
    shown = [value for value in values if value is not None]
    largest = max(shown, default=0) or 1
    suppressed = sum(value is None for value in values)
    description = "; ".join(f"{label}: {display(value)}" for label, value in zip(labels, values, strict=True))
    if suppressed:
        description += f". {SUPPRESSED_MARK} means a small number, not shown to protect privacy."
    rows = []
    y = 0
    for label, value in zip(labels, values, strict=True):
        lines, shortened = wrap_label(label)
        full = f"<title>{escape(label)}</title>" if shortened else ""
        spans = "".join(
            f'<tspan x="0" dy="{0 if number == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
            for number, line in enumerate(lines)
        )
        rows.append(
            f'<text x="0" y="{y + FONT_SIZE}" font-size="{FONT_SIZE}" class="app-chart__label">{full}{spans}</text>'
        )
        top = y + len(lines) * LINE_HEIGHT + 4
        share = 0.0 if value is None else round(BAR_SHARE * value / largest, 2)
        if share:
            rows.append(
                f'<rect x="0" y="{top}" width="{share}%" height="{BAR_HEIGHT}" class="app-chart__bar" '
                f'fill="#005eb8"/>'
            )
        rows.append(
            f'<text x="{share}%" dx="6" y="{top + BAR_HEIGHT / 2}" dominant-baseline="middle" '
            f'font-size="{FONT_SIZE}" class="app-chart__value">{escape(display(value))}</text>'
        )
        y = top + BAR_HEIGHT + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" width="100%" height="{y}" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        *rows,
        "</svg>",
    ]
    return Markup("".join(parts))


def data_table(
    caption: str,
    row_heading: str,
    rows: list[str],
    columns: list[str],
    table: Suppressed,
    with_total: bool = True,
) -> Markup:
    """The figures as a table with a caption and header scopes; totals only where suppression allows.
    `with_total` False leaves out the totals row (when people could choose several answers its sum
    counts choices, not people)."""
    show_row_totals = len(columns) > 1
    head = [f'<th scope="col" class="nhsuk-table__header">{escape(row_heading)}</th>']
    head += [f'<th scope="col" class="nhsuk-table__header">{escape(column)}</th>' for column in columns]
    if show_row_totals:
        head.append('<th scope="col" class="nhsuk-table__header">Total</th>')
    body = []
    for label, cells, total in zip(rows, table.cells, table.row_totals, strict=True):
        values = [*cells, total] if show_row_totals else cells
        body.append(
            '<tr class="nhsuk-table__row">'
            f'<th scope="row" class="nhsuk-table__header">{escape(label)}</th>'
            + "".join(f'<td class="nhsuk-table__cell">{display(value)}</td>' for value in values)
            + "</tr>"
        )
    totals = [*table.column_totals, table.total] if show_row_totals else [table.total]
    if with_total:
        body.append(
            '<tr class="nhsuk-table__row app-table__total">'
            '<th scope="row" class="nhsuk-table__header">Total</th>'
            + "".join(f'<td class="nhsuk-table__cell">{display(value)}</td>' for value in totals)
            + "</tr>"
        )
    return Markup(
        '<table class="nhsuk-table app-report-table">'
        f'<caption class="nhsuk-table__caption">{escape(caption)}</caption>'
        f'<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">{"".join(head)}</tr></thead>'
        f'<tbody class="nhsuk-table__body">{"".join(body)}</tbody></table>'
    )


def figure(
    chart_id: str,
    title: str,
    row_heading: str,
    rows: list[str],
    columns: list[str],
    table: Suppressed,
    with_total: bool = True,
) -> Markup:
    """A one-column breakdown as chart and table side by side; a hidden breakdown as a sentence saying why."""
    if table.hidden:
        return Markup(f'<p class="app-report-hidden">{escape(table.reason)}</p>')
    values = [row[0] for row in table.cells]
    return Markup(
        '<div class="nhsuk-grid-row app-report-figure">'
        f'<div class="nhsuk-grid-column-one-half">{bar_chart(chart_id, title, rows, values)}</div>'
        '<div class="nhsuk-grid-column-one-half">'
        f"{data_table(title, row_heading, rows, columns, table, with_total)}</div>"
        "</div>"
    )
