"""Small-cell suppression: small counts hidden, and none recoverable from a line's sum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.reports.suppression import shown, suppress


def table_lines(rows: int, cols: int) -> tuple[list[list[tuple[int, int]]], list[tuple[int, int]]]:
    """Lines of a table with a total column (index cols) and a total row (index rows).

    Each line starts with its total, as `suppress` expects.
    """
    lines = [[(r, cols), *((r, c) for c in range(cols))] for r in range(rows + 1)]
    lines += [[(rows, c), *((r, c) for r in range(rows))] for c in range(cols + 1)]
    return lines, [(r, c) for r in range(rows + 1) for c in range(cols + 1)]


def recoverable(values, lines, hidden) -> list:
    """Return the hidden cells whose value the published cells and line sums fix.

    Solved independently of the implementation: a hidden cell is fixed when adding "this
    cell" as one more equation does not raise the rank of the lines' equations.
    """
    cells = sorted(hidden, key=repr)
    rows = []
    for line in lines:
        row = [0.0] * len(cells)
        for position, cell in enumerate(line):
            if cell in hidden:
                row[cells.index(cell)] += 1.0 if position == 0 else -1.0
        if any(row):
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    fixed = []
    for i, cell in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            fixed.append(cell)
    return fixed


def with_totals(grid: list[list[int]]) -> dict[tuple[int, int], int]:
    rows, cols = len(grid), len(grid[0])
    values = {(r, c): grid[r][c] for r in range(rows) for c in range(cols)}
    for r in range(rows):
        values[(r, cols)] = sum(grid[r])
    for c in range(cols + 1):
        values[(rows, c)] = sum(values[(r, c)] for r in range(rows))
    return values


def test_small_counts_are_hidden_and_a_partner_with_them():
    values = with_totals([[3, 40, 12], [25, 30, 50]])
    lines, _cells = table_lines(2, 3)
    hidden = suppress(values, lines, threshold=5)
    assert hidden.primary == {(0, 0)}
    # Row 0 needs a second hidden cell (12, its smallest), column 0 too (25), and so on.
    assert (0, 2) in hidden.complementary
    assert (1, 0) in hidden.complementary
    for line in lines:
        assert len([k for k in line if k in hidden.cells]) != 1
    assert shown(3, (0, 0), hidden, threshold=5) == "<5"
    assert shown(12, (0, 2), hidden, threshold=5) == "x"
    assert shown(40, (0, 1), hidden, threshold=5) == "40"


def test_zero_is_not_sensitive():
    values = with_totals([[0, 40], [25, 0]])
    lines, _cells = table_lines(2, 2)
    assert not suppress(values, lines, threshold=5).cells


def test_a_line_of_a_small_count_and_zeros_hides_a_zero_too():
    values = {"a": 2, "b": 0, "total": 2}
    hidden = suppress(values, [["total", "a", "b"]], threshold=5)
    assert hidden.primary == {"a", "total"}
    assert not hidden.complementary


def test_a_threshold_below_three_is_refused():
    with pytest.raises(ValueError, match="below 3"):
        suppress({"a": 1}, [], threshold=2)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5).flatmap(lambda rows: st.integers(1, 5).flatmap(
    lambda cols: st.lists(st.lists(st.integers(0, 30), min_size=cols, max_size=cols),
                          min_size=rows, max_size=rows))),
       st.integers(3, 10))
def test_no_published_line_gives_a_suppressed_cell_away(grid, threshold):
    """For every row and column with its total, 0 or at least 2 of its cells are hidden."""
    values = with_totals(grid)
    lines, cells = table_lines(len(grid), len(grid[0]))
    hidden = suppress(values, lines, threshold=threshold)
    for cell in cells:
        if 0 < values[cell] < threshold:
            assert cell in hidden.primary
        else:
            assert cell not in hidden.primary
    for line in lines:
        inside = [k for k in line if k in hidden.cells]
        # One hidden cell in a line would be its total minus the others; with two or
        # more, the reader learns only their sum.
        assert len(inside) != 1, (line, inside)
    # Nor do the lines taken together (two rows minus a column, ...) fix any hidden cell.
    assert recoverable(values, lines, hidden.cells) == []


def test_a_cell_fixed_only_by_combining_lines_is_protected():
    """A table where every line holds 0 or 2+ hidden cells after step 2, yet the lines
    together fixed cell (0, 1) (found by comparing with the line-by-line rule alone)."""
    grid = [[4, 3, 15, 6, 4], [30, 9, 0, 6, 6], [2, 15, 0, 3, 30], [15, 2, 9, 30, 15],
            [6, 3, 1, 9, 30]]
    values = with_totals(grid)
    lines, _cells = table_lines(5, 5)
    hidden = suppress(values, lines, threshold=5)
    assert recoverable(values, lines, hidden.cells) == []
    for line in lines:
        assert len([k for k in line if k in hidden.cells]) != 1
