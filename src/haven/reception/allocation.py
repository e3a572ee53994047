"""Fit a household into a site's units: pure arithmetic, no database, no Django.

Two rules are hard: a unit never holds more people than beds, nor more people who need
a bed a wheelchair reaches than it has such beds. Everything else is preference: the
whole household in one unit, the unit it fills best (big halls stay free for big
families), beds for wheelchair users kept for those who need them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Room:
    """One unit as it stands: its beds and how many are taken."""

    unit_id: int
    name: str
    beds: int
    accessible_beds: int
    taken: int  # stays that have not ended
    accessible_taken: int  # of those, people who need an accessible bed

    @property
    def free(self) -> int:
        return max(0, self.beds - self.taken)

    @property
    def free_accessible(self) -> int:
        return max(0, min(self.accessible_beds - self.accessible_taken, self.free))


@dataclass(frozen=True)
class Share:
    """How many of the household go to one unit, and how many of them need accessible beds."""

    unit_id: int
    name: str
    people: int
    accessible: int


def assign(rooms: list[Room], *, people: int, accessible: int,
           unit_id: int | None = None) -> list[Share] | None:
    """Return where `people` (of whom `accessible` need an accessible bed) sleep, or None.

    With `unit_id`, all of them in that unit or nowhere. Otherwise one unit if any fits
    them all, else the fewest units, wheelchair users first into accessible beds.
    """
    if people <= 0:
        return []
    if unit_id is not None:
        room = next((r for r in rooms if r.unit_id == unit_id), None)
        if room is None or room.free < people or room.free_accessible < accessible:
            return None
        return [Share(room.unit_id, room.name, people, accessible)]
    whole = [r for r in rooms if r.free >= people and r.free_accessible >= accessible]
    if whole:
        # The tightest fit; among equals, a unit whose accessible beds are not spent on
        # people who do not need them.
        best = min(whole, key=lambda r: (r.free - people,
                                         r.free_accessible - accessible, r.name, r.unit_id))
        return [Share(best.unit_id, best.name, people, accessible)]
    return _spread(rooms, people=people, accessible=accessible)


def _spread(rooms: list[Room], *, people: int, accessible: int) -> list[Share] | None:
    if sum(r.free for r in rooms) < people or sum(r.free_accessible for r in rooms) < accessible:
        return None
    free = {r.unit_id: r.free for r in rooms}
    placed: dict[int, list[int]] = {}  # unit id -> [people, accessible]
    remaining = accessible
    for room in sorted(rooms, key=lambda r: (-r.free_accessible, r.name, r.unit_id)):
        if remaining == 0:
            break
        take = min(remaining, room.free_accessible)
        if take:
            placed[room.unit_id] = [take, take]
            free[room.unit_id] -= take
            remaining -= take
    others = people - accessible
    # Fill the units already used first (the family stays as close as it can), then the
    # roomiest ones, so that it is split over as few units as possible.
    order = sorted(rooms, key=lambda r: (r.unit_id not in placed, -free[r.unit_id], r.name))
    for room in order:
        if others == 0:
            break
        take = min(others, free[room.unit_id])
        if take:
            share = placed.setdefault(room.unit_id, [0, 0])
            share[0] += take
            free[room.unit_id] -= take
            others -= take
    if others or remaining:
        return None
    names = {r.unit_id: r.name for r in rooms}
    return [Share(unit, names[unit], n, a) for unit, (n, a) in
            sorted(placed.items(), key=lambda item: (-item[1][0], names[item[0]]))]


def free_beds(rooms: list[Room]) -> tuple[int, int]:
    """Return the free beds and free accessible beds over `rooms`."""
    return sum(r.free for r in rooms), sum(r.free_accessible for r in rooms)
