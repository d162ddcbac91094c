from decimal import Decimal

import pytest

from outcomes.reporting.suppression import is_small, suppress_line, suppress_table, suppress_value, suppressed_label


def test_label_follows_the_threshold(settings):
    settings.SMALL_NUMBER_THRESHOLD = 4
    assert suppressed_label() == "<5"
    settings.SMALL_NUMBER_THRESHOLD = 9
    assert suppressed_label() == "<10"
    assert suppress_value(7, counts_people=True) == "<10"


@pytest.mark.parametrize(
    "value,hidden", [(0, False), (1, True), (4, True), (5, False), (None, False), (Decimal("3"), True)]
)
def test_primary_suppression_of_people_counts(value, hidden, settings):
    settings.SMALL_NUMBER_THRESHOLD = 4
    assert is_small(value) is hidden
    assert (suppress_value(value, counts_people=True) == "<5") is hidden


def test_counts_that_are_not_people_and_money_are_never_suppressed(settings):
    settings.SMALL_NUMBER_THRESHOLD = 4
    assert suppress_value(3, counts_people=False) == 3
    assert suppress_value(Decimal("2.50"), counts_people=False) == Decimal("2.50")


def test_secondary_suppression_hides_the_next_smallest_cell(settings):
    settings.SMALL_NUMBER_THRESHOLD = 4
    line = suppress_line([3, 20, 8, 40])
    # 3 is hidden; 8 (the next smallest) is hidden too so that 3 cannot be found as total - the rest.
    assert line.cells == ["<5", 20, "<5", 40]
    assert line.total == 71


def test_secondary_suppression_hides_the_total_when_no_other_cell_can_be(settings):
    settings.SMALL_NUMBER_THRESHOLD = 4
    line = suppress_line([2, 0, 0])
    assert line.cells == ["<5", 0, 0]
    assert line.total == "<5"
    line = suppress_line([3, 0, 50])
    assert line.cells == ["<5", 0, "<5"]
    assert line.total == 53


def test_two_hidden_cells_need_no_more(settings):
    settings.SMALL_NUMBER_THRESHOLD = 4
    line = suppress_line([1, 2, 30])
    assert line.cells == ["<5", "<5", 30]
    assert line.total == 33


def test_nothing_small_nothing_hidden(settings):
    settings.SMALL_NUMBER_THRESHOLD = 4
    line = suppress_line([0, 5, 30])
    assert line.cells == [0, 5, 30] and line.total == 35


def test_table_secondary_suppression_protects_rows_and_columns(settings):
    settings.SMALL_NUMBER_THRESHOLD = 4
    table = suppress_table([[2, 10, 20], [15, 12, 30], [25, 40, 50]])
    hidden = {(r, c) for r, row in enumerate(table.cells) for c, v in enumerate(row) if v == "<5"}
    assert (0, 0) in hidden
    # No row or column (with its total) may have exactly one hidden entry.
    for r, row in enumerate(table.cells):
        entries = row + [table.row_totals[r]]
        assert sum(v == "<5" for v in entries) != 1
    for c in range(3):
        entries = [table.cells[r][c] for r in range(3)] + [table.column_totals[c]]
        assert sum(v == "<5" for v in entries) != 1
    # The shown figures are the true figures.
    assert table.grand_total == 204
    assert table.cells[2] == [25, 40, 50]


def test_no_hidden_value_can_be_recovered_from_totals(settings):
    """Brute force: for each hidden cell, subtracting the shown cells from a shown total leaves more than
    one unknown, so no single hidden value is determined by one line."""
    settings.SMALL_NUMBER_THRESHOLD = 4
    grid = [[1, 9, 7], [6, 3, 11], [8, 14, 2]]
    table = suppress_table(grid)
    for r in range(3):
        line = table.cells[r] + [table.row_totals[r]]
        assert sum(v == "<5" for v in line) in (0, 2, 3, 4)
    for c in range(3):
        line = [table.cells[r][c] for r in range(3)] + [table.column_totals[c]]
        assert sum(v == "<5" for v in line) in (0, 2, 3, 4)
