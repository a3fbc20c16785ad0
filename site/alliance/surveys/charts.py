"""Server-rendered charts for survey reports: a horizontal bar chart in SVG beside a real data table.

The SVG is an image with a title and description, every bar carries its label and value as text (no
meaning in colour alone), and suppressed values show as "*" with no bar. The table beside it holds the
same figures for screen readers and for copying. No JavaScript.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from alliance.surveys.suppression import SUPPRESSED_MARK, Suppressed, display

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 240
BAR_WIDTH = 320
VALUE_WIDTH = 60
MAX_LABEL = 38


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(chart_id: str, title: str, labels: list[str], values: list[int | None]) -> Markup:
    """An SVG bar chart of one column of counts; None draws no bar and shows "*"."""
    shown = [value for value in values if value is not None]
    largest = max(shown, default=0) or 1
    height = len(labels) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    suppressed = sum(value is None for value in values)
    description = "; ".join(f"{label}: {display(value)}" for label, value in zip(labels, values, strict=True))
    if suppressed:
        description += f". {SUPPRESSED_MARK} means a small number, not shown to protect privacy."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for row, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = GAP + row * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" dominant-baseline="middle" '
            f'class="app-chart__label">{escape(_short(label))}</text>'
        )
        bar = 0 if value is None else round(BAR_WIDTH * value / largest)
        if bar:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}" class="app-chart__bar" '
                f'fill="#005eb8"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{middle}" dominant-baseline="middle" '
            f'class="app-chart__value">{escape(display(value))}</text>'
        )
    parts.append("</svg>")
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
