"""Small-cell suppression for published tables, with complementary suppression.

A published table is a set of cells and a set of *lines*: groups of published cells
bound by one sum, the line's first cell being the sum of the others (a row's total and
its cells; a site's count today, yesterday's and today's new arrivals). A reader who
knows every cell of a line but one can work that one out, so:

1. every count from 1 to threshold - 1 is suppressed (zero says nothing about anyone);
2. while some line holds exactly one suppressed cell, the smallest other cell of that
   line is suppressed too (a non-zero one if there is one);
3. lines can also be combined (two rows minus a column...): while the equations of all
   lines together still fix the value of some suppressed cells (they have no freedom in
   their null space), one more cell of a line through each of them is suppressed, and
   step 2 runs again.

Step 2 follows the lines a withheld cell is on, not every line again; step 3 solves
each linked part of the withheld cells apart, and again only when it has changed. A
publication's long daily series then costs seconds, not hours.

No suppressed cell's exact value then follows from the published cells and sums. (A
reader can still bound one: counts are never negative.)
"""

from __future__ import annotations

from collections import defaultdict, deque
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
    """Return the cells of `values` to withhold, given the `lines` a reader can sum.

    Each line's first cell is the sum of its other cells.
    """
    if threshold < MINIMUM_THRESHOLD:
        raise ValueError(f"threshold {threshold} is below {MINIMUM_THRESHOLD}")
    primary = frozenset(k for k, v in values.items() if 0 < v < threshold)
    hidden = set(primary)
    groups = [list(dict.fromkeys(line)) for line in lines]
    through: dict[K, list[int]] = defaultdict(list)  # cell -> the lines through it
    for index, line in enumerate(groups):
        for k in line:
            through[k].append(index)
    queue = list(range(len(groups)))
    safe: set[frozenset[K]] = set()  # linked parts whose cells no combination fixes
    while True:
        _close_lines(values, groups, through, hidden, queue)
        exposed = _determined(groups, hidden, safe)
        if not exposed:
            break
        # One more cell on a line through a fixed cell of each part that has one.
        for cell in exposed:
            others = [k for i in through[cell] for k in groups[i] if k not in hidden]
            if others:  # pragma: no branch - a fixed cell lies on a line with a free cell
                added = _smallest(values, others)
                hidden.add(added)
                queue.extend(through[added])
    return Suppressed(primary=primary, complementary=frozenset(hidden - primary))


def _smallest(values: Mapping[K, int], cells: list[K]) -> K:
    # The smallest non-zero cell gives away least; a zero only when nothing else is left.
    return min(cells, key=lambda k: (values[k] == 0, values[k]))


def _close_lines(values: Mapping[K, int], groups: list[list[K]],
                 through: Mapping[K, list[int]], hidden: set[K], queue: list[int]) -> None:
    """Withhold a second cell in every line with exactly one withheld cell, until none.

    Lines are looked at in order, then again (after those waiting) whenever a cell on
    them is withheld: the passes of looking at every line again, without the lines that
    did not change.
    """
    waiting = deque(dict.fromkeys(queue))
    queued = set(waiting)
    queue.clear()
    while waiting:
        index = waiting.popleft()
        queued.discard(index)
        line = groups[index]
        inside = [k for k in line if k in hidden]
        if len(inside) != 1:
            continue
        others = [k for k in line if k not in hidden]
        if others:
            added = _smallest(values, others)
            hidden.add(added)
            for other in through[added]:
                if other not in queued:
                    queued.add(other)
                    waiting.append(other)


def _determined(groups: list[list[K]], hidden: set[K], safe: set[frozenset[K]]) -> list[K]:
    """Return a withheld cell whose value the lines' equations fix, per part that has one.

    `safe` remembers the linked parts found to fix nothing, so that a round solves only
    the parts that changed.
    """
    import numpy as np  # noqa: PLC0415 - only when publishing; keeps start-up light
    # Equations only link withheld cells that share lines: solve each linked part apart,
    # so that a long series (a site's days) costs a few small problems, not one big one.
    parent: dict[K, K] = {k: k for k in hidden}

    def root(k: K) -> K:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    equations = [[(k, 1.0 if position == 0 else -1.0) for position, k in enumerate(line)
                  if k in hidden] for line in groups]
    equations = [e for e in equations if e]
    for equation in equations:
        for k, _sign in equation[1:]:
            parent[root(k)] = root(equation[0][0])
    parts: dict[K, list[list[tuple[K, float]]]] = {}
    for equation in equations:
        parts.setdefault(root(equation[0][0]), []).append(equation)
    exposed: list[K] = []
    for part in parts.values():
        cells = sorted({k for equation in part for k, _sign in equation}, key=repr)
        members = frozenset(cells)
        if members in safe:
            continue
        index = {k: i for i, k in enumerate(cells)}
        matrix = np.zeros((len(part), len(cells)))
        for row, equation in enumerate(part):
            for k, sign in equation:
                matrix[row, index[k]] += sign
        # A cell is fixed when every solution of the homogeneous system leaves it at
        # zero: its coordinate vanishes across the null space.
        _u, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > 1e-9 * max(1.0, float(singular.max(initial=0.0)))).sum())
        null_space = vt[rank:]
        fixed = [k for k, i in index.items()
                 if null_space.shape[0] == 0 or np.all(np.abs(null_space[:, i]) < 1e-9)]
        if fixed:
            exposed.append(fixed[0])  # its partner may free the others too
        else:
            safe.add(members)
    return exposed


def shown(value: int, key: K, suppressed: Suppressed[K], *, threshold: int) -> str:
    """Return a cell as published: the count, `<threshold` for a small one, `x` if withheld."""
    if key in suppressed.primary:
        return f"<{threshold}"
    if key in suppressed.complementary:
        return "x"
    return str(value)
