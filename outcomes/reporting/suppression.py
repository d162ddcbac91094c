"""Small-number suppression for counts of people that leave the system (board pack, open data, exports).

Primary: a count from 1 to ``SMALL_NUMBER_THRESHOLD`` is shown as "<N+1>". Secondary: in every line of
cells that a shown total adds up (a row or a column with its total), a single hidden cell could be worked
out by subtraction, so a second cell is hidden too (the smallest shown, non-zero one) or, failing that, the
total. Zero is not a small number: "nobody" cannot identify anyone. Money is never passed through here.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings


def threshold() -> int:
    return settings.SMALL_NUMBER_THRESHOLD


def suppressed_label(limit: int | None = None) -> str:
    return f"<{(threshold() if limit is None else limit) + 1}"


def is_small(value, limit: int | None = None) -> bool:
    limit = threshold() if limit is None else limit
    return value is not None and 0 < value <= limit


def suppress_value(value, *, counts_people: bool, limit: int | None = None):
    """One figure on its own: the value, or the "<5" label when it is a small count of people."""
    if counts_people and is_small(value, limit):
        return suppressed_label(limit)
    return value


@dataclass
class SuppressedLine:
    cells: list
    total: object


def suppress_line(values, *, limit: int | None = None) -> SuppressedLine:
    """Cells that add up to a shown total: primary and secondary suppression for one line."""
    table = suppress_table([list(values)], limit=limit, row_totals=True, column_totals=False)
    return SuppressedLine(cells=table.cells[0], total=table.row_totals[0])


@dataclass
class SuppressedTable:
    cells: list[list]
    row_totals: list | None
    column_totals: list | None
    grand_total: object


def suppress_table(rows, *, limit: int | None = None, row_totals=True, column_totals=True) -> SuppressedTable:
    """A grid of counts of people with optional row, column and grand totals (totals are sums of the
    cells). Returns display values: numbers where safe, the "<5" label where hidden.

    Works on a grid extended with its totals and repeats until no line (a row or column, with its total)
    has exactly one hidden entry, because one hidden entry in a line is recoverable by subtraction."""
    limit = threshold() if limit is None else limit
    label = suppressed_label(limit)
    grid = [[Decimal(value or 0) for value in row] for row in rows]
    n_rows = len(grid)
    n_cols = len(grid[0]) if grid else 0
    # Extend the grid: an extra column of row totals and an extra row of column totals (with the grand total).
    full = [row + [sum(row, Decimal(0))] for row in grid]
    full.append([sum((full[r][c] for r in range(n_rows)), Decimal(0)) for c in range(n_cols + 1)])
    width, height = n_cols + (1 if row_totals else 0), n_rows + (1 if column_totals else 0)
    hidden = [[is_small(full[r][c], limit) for c in range(n_cols + 1)] for r in range(n_rows + 1)]

    def lines():
        if row_totals:
            for r in range(height):
                yield [(r, c) for c in range(n_cols)], (r, n_cols)
        if column_totals:
            for c in range(width):
                yield [(r, c) for r in range(n_rows)], (n_rows, c)

    changed = True
    while changed:
        changed = False
        for parts, total in lines():
            members = parts + [total]
            if sum(hidden[r][c] for r, c in members) != 1:
                continue
            candidates = [(full[r][c], r, c) for r, c in parts if not hidden[r][c] and full[r][c] > 0]
            if candidates:
                _, r, c = min(candidates)
            else:
                r, c = total
            hidden[r][c] = True
            changed = True

    def show(r, c):
        if hidden[r][c]:
            return label
        value = full[r][c]
        return int(value) if value == value.to_integral_value() else value

    return SuppressedTable(
        cells=[[show(r, c) for c in range(n_cols)] for r in range(n_rows)],
        row_totals=[show(r, n_cols) for r in range(n_rows)] if row_totals else None,
        column_totals=[show(n_rows, c) for c in range(n_cols)] if column_totals else None,
        grand_total=show(n_rows, n_cols) if (row_totals or column_totals) else None,
    )
