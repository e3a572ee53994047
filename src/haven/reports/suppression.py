"""Small-cell suppression for published tables, with complementary suppression.

A published table is a set of cells and a set of *lines*: groups of published cells
bound by one sum (the cells of a row and the row's total; a site's cumulative count
today, yesterday and today's new arrivals). A reader who knows every cell of a line but
one can work that one out, so:

1. every count from 1 to threshold - 1 is suppressed (zero says nothing about anyone);
2. while some line holds exactly one suppressed cell, the smallest other cell of that
   line is suppressed too (a non-zero one if there is one), until no line changes.

Each line then holds no suppressed cell or at least two, so no single line gives a
suppressed value away. (Combining several lines can in rare layouts still narrow a value
down; the published tables here are small and regular, and docs/reports.md says so.)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

MINIMUM_THRESHOLD = 3


@dataclass(frozen=True)
class Suppressed(Generic[K]):
    primary: frozenset[K]  # small counts, shown as "<threshold"
    complementary: frozenset[K]  # other cells hidden so that the small ones cannot be derived

    @property
    def cells(self) -> frozenset[K]:
        return self.primary | self.complementary


def suppress(values: Mapping[K, int], lines: Iterable[Sequence[K]], *,
             threshold: int) -> Suppressed[K]:
    """Return the cells of `values` to withhold, given the `lines` a reader can sum."""
    if threshold < MINIMUM_THRESHOLD:
        raise ValueError(f"threshold {threshold} is below {MINIMUM_THRESHOLD}")
    primary = frozenset(k for k, v in values.items() if 0 < v < threshold)
    hidden = set(primary)
    groups = [list(dict.fromkeys(line)) for line in lines]
    changed = True
    while changed:
        changed = False
        for line in groups:
            inside = [k for k in line if k in hidden]
            if len(inside) != 1:
                continue
            others = [k for k in line if k not in hidden]
            if not others:
                continue
            # The smallest non-zero cell gives away least; a zero only when nothing else is left.
            pick = min(others, key=lambda k: (values[k] == 0, values[k]))
            hidden.add(pick)
            changed = True
    return Suppressed(primary=primary, complementary=frozenset(hidden - primary))


def shown(value: int, key: K, suppressed: Suppressed[K], *, threshold: int) -> str:
    """Return a cell as published: the count, `<threshold` for a small one, `x` if withheld."""
    if key in suppressed.primary:
        return f"<{threshold}"
    if key in suppressed.complementary:
        return "x"
    return str(value)
