"""Small-number suppression for survey breakdowns, so that no one can be picked out of a table.

A breakdown is a table of counts with row and column totals. The rules:

- a table whose base is fewer than 10 respondents is not shown at all;
- in a shown table, counts from 1 to 7 are suppressed (shown as "*");
- secondary suppression: a row or column with exactly one suppressed entry would give it away by
  subtraction from its total, so the next smallest non-zero count in it is suppressed too; where
  there is none, its total is suppressed instead. Totals count as entries of the lines they sit in
  (row totals form a column whose total is the grand total), and this repeats until no line has
  exactly one suppressed entry. Then no suppressed value can be worked out by subtraction.

Pure functions: counts in, a `Suppressed` table out. None marks a suppressed value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_BASE = 10
MAX_SUPPRESSED = 7
SUPPRESSED_MARK = "*"


@dataclass(frozen=True)
class Suppressed:
    """A table after suppression. `cells[i][j]`, `row_totals[i]`, `column_totals[j]` and `total` are
    counts, or None where suppressed. A hidden table has every value None and says why in `reason`."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    base: int
    hidden: bool = False
    reason: str = ""

    @property
    def suppressed_any(self) -> bool:
        return any(value is None for row in self.cells for value in row)


def display(value: int | None) -> str:
    """A count as shown to people: the number, or "*" when suppressed."""
    return SUPPRESSED_MARK if value is None else str(value)


HIDDEN_REASON = f"Not shown: fewer than {MIN_BASE} respondents."


def is_primary(count: int) -> bool:
    """Counts from 1 to 7 are never shown."""
    return 1 <= count <= MAX_SUPPRESSED


def _lines(rows: int, columns: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Every line of the table extended by its totals: (entries, the line's total). Row `rows` holds the
    column totals and column `columns` the row totals; (rows, columns) is the grand total."""
    lines = []
    for i in range(rows + 1):
        lines.append(([(i, j) for j in range(columns)], (i, columns)))
    for j in range(columns + 1):
        lines.append(([(i, j) for i in range(rows)], (rows, j)))
    return lines


def _extended(counts: list[list[int]]) -> list[list[int]]:
    grid = [[*row, sum(row)] for row in counts]
    columns = len(counts[0]) if counts else 0
    column_totals = [sum(row[j] for row in counts) for j in range(columns)]
    grid.append([*column_totals, sum(column_totals)])
    return grid


def secondary(grid: list[list[int]], suppressed: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Grow `suppressed` (positions in the extended grid) until no line has exactly one suppressed entry."""
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    lines = _lines(rows, columns)
    hidden = set(suppressed)
    changed = True
    while changed:
        changed = False
        for entries, total in lines:
            unknown = [p for p in (*entries, total) if p in hidden]
            if len(unknown) != 1:
                continue
            candidates = sorted(
                (grid[i][j], i, j) for i, j in entries if (i, j) not in hidden and grid[i][j] > 0
            )
            if candidates:
                hidden.add(candidates[0][1:])
            elif total not in hidden:
                hidden.add(total)
            else:  # pragma: no cover - a suppressed total always has a non-zero entry beside it
                continue
            changed = True
    return hidden


def suppress(counts: Sequence[Sequence[int]], base: int | None = None) -> Suppressed:
    """Apply the rules to a table of counts (rows of equal length). `base` is the number of respondents
    behind the table; it defaults to the sum of the counts (it differs when people may pick several)."""
    table = [list(row) for row in counts]
    rows = len(table)
    columns = len(table[0]) if table else 0
    if any(len(row) != columns for row in table):
        raise ValueError("every row needs the same number of counts")
    if any(value < 0 for row in table for value in row):
        raise ValueError("counts cannot be negative")
    grid = _extended(table)
    if base is None:
        base = grid[rows][columns]
    if base < MIN_BASE:
        return Suppressed(
            cells=[[None] * columns for _ in range(rows)],
            row_totals=[None] * rows,
            column_totals=[None] * columns,
            total=None,
            base=base,
            hidden=True,
            reason=HIDDEN_REASON,
        )
    primary = {(i, j) for i in range(rows) for j in range(columns) if is_primary(table[i][j])}
    hidden = secondary(grid, primary)

    def shown(i: int, j: int) -> int | None:
        return None if (i, j) in hidden else grid[i][j]

    return Suppressed(
        cells=[[shown(i, j) for j in range(columns)] for i in range(rows)],
        row_totals=[shown(i, columns) for i in range(rows)],
        column_totals=[shown(rows, j) for j in range(columns)],
        total=shown(rows, columns),
        base=base,
    )


def suppress_column(counts: Sequence[int], base: int | None = None) -> Suppressed:
    """A one-way breakdown (counts per option): a table with one column."""
    return suppress([[count] for count in counts], base)


def recoverable(result: Suppressed, counts: Sequence[Sequence[int]]) -> set[tuple[int, int]]:
    """Suppressed cells someone could work out from what is shown, by repeated subtraction from totals.
    Used by the tests; an empty set means the table is safe against subtraction."""
    table = [list(row) for row in counts]
    rows = len(table)
    columns = len(table[0]) if table else 0
    shown = [[*result.cells[i], result.row_totals[i]] for i in range(rows)] + [
        [*result.column_totals, result.total]
    ]
    known = {(i, j) for i in range(rows + 1) for j in range(columns + 1) if shown[i][j] is not None}
    worked_out: set[tuple[int, int]] = set()
    changed = True
    while changed:
        changed = False
        for entries, total in _lines(rows, columns):
            unknown = [p for p in (*entries, total) if p not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                worked_out.add(unknown[0])
                changed = True
    return {(i, j) for i, j in worked_out if i < rows and j < columns}
