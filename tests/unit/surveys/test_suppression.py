"""Small-number suppression: hidden small tables, "*" for 1 to 7, secondary suppression, safe totals."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.surveys.suppression import (
    HIDDEN_REASON,
    Suppressed,
    display,
    recoverable,
    suppress,
    suppress_column,
)


def test_a_table_from_fewer_than_ten_respondents_is_hidden_entirely_and_says_why():
    result = suppress([[4, 5]])
    assert result.hidden and result.reason == HIDDEN_REASON
    assert result.cells == [[None, None]] and result.row_totals == [None]
    assert result.column_totals == [None, None] and result.total is None and result.base == 9


def test_a_table_of_ten_respondents_is_shown():
    result = suppress_column([10, 0])
    assert not result.hidden and result.cells == [[10], [0]] and result.total == 10


def test_the_base_can_be_given_when_people_may_choose_several_answers():
    assert suppress_column([9, 9], base=9).hidden
    assert not suppress_column([3, 2], base=12).hidden


def test_counts_from_one_to_seven_are_suppressed_and_zero_eight_and_nine_are_shown():
    result = suppress([[0, 1, 7, 8, 9, 20]], base=45)
    assert result.cells == [[0, None, None, 8, 9, 20]]


def test_a_lone_suppressed_cell_takes_the_next_smallest_non_zero_cell_in_its_line_with_it():
    result = suppress_column([3, 0, 12, 9, 40])
    assert [row[0] for row in result.cells] == [None, 0, 12, None, 40]
    assert result.total == 64


def test_when_nothing_else_in_a_line_can_be_suppressed_its_total_is_hidden():
    # The single suppressed cell sits in a row whose other cell is 0: the row total would reveal it.
    counts = [[5, 0], [20, 30], [10, 12]]
    result = suppress(counts)
    assert result.cells[0] == [None, 0]
    assert result.row_totals[0] is None
    # Column 0 then has one suppressed cell: the next smallest cell there (10) goes too; and so on.
    assert result.cells[2][0] is None
    assert recoverable(result, counts) == set()


def test_totals_are_shown_when_they_cannot_reveal_a_cell():
    counts = [[20, 30], [15, 12]]
    result = suppress(counts)
    assert result.cells == counts
    assert result.row_totals == [50, 27] and result.column_totals == [35, 42] and result.total == 77


def test_two_suppressed_cells_in_a_row_and_column_keep_the_totals():
    counts = [[3, 4, 20], [5, 2, 30], [11, 12, 13]]
    result = suppress(counts)
    assert result.cells == [[None, None, 20], [None, None, 30], [11, 12, 13]]
    assert result.row_totals == [27, 37, 36] and result.total == 100
    assert recoverable(result, counts) == set()


def test_secondary_suppression_repeats_until_stable():
    # Suppressing 9 in row 0 leaves column 1 with one suppressed cell, which takes 10 with it, and so on.
    counts = [[2, 9, 50], [30, 10, 40], [25, 60, 11]]
    result = suppress(counts)
    assert result.cells[0] == [None, None, 50]
    assert result.cells[1][1] is None and result.cells[1][0] is None
    assert recoverable(result, counts) == set()


def test_display_shows_suppressed_values_as_a_star():
    assert [display(v) for v in (None, 0, 12)] == ["*", "0", "12"]


def test_bad_tables_are_refused():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress([[-1, 20]])


def test_an_empty_table_is_hidden():
    assert suppress([]).hidden


def test_recoverable_finds_a_cell_that_a_naive_table_gives_away():
    # Hand-made, wrongly suppressed: only the 3 is hidden, so the row total minus 40 reveals it.
    counts = [[3, 40]]
    leaky = Suppressed(cells=[[None, 40]], row_totals=[43], column_totals=[3, 40], total=43, base=43)
    assert recoverable(leaky, counts) == {(0, 0)}


tables = st.integers(1, 5).flatmap(
    lambda columns: st.lists(
        st.lists(st.one_of(st.integers(0, 9), st.integers(0, 60)), min_size=columns, max_size=columns),
        min_size=1,
        max_size=5,
    )
)


@settings(max_examples=400, deadline=None)
@given(tables)
def test_no_suppressed_cell_can_be_worked_out_from_the_shown_cells_and_totals(counts):
    result = suppress(counts)
    if result.hidden:
        assert all(value is None for row in result.cells for value in row)
        return
    assert recoverable(result, counts) == set()
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            shown = result.cells[i][j]
            if 1 <= value <= 7:
                assert shown is None
            assert shown is None or shown == value
    assert all(t is None or t == sum(row) for t, row in zip(result.row_totals, counts, strict=True))
