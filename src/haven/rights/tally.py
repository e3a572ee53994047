"""The erased persons' share of the situation report, kept as anonymous sums.

At erasure the cluster's contribution to each of the report's counts is computed the
way haven.reports counts everyone else (first arrival anywhere and at each site, its
representative's sex, age band and status, its vulnerabilities, the households that go
with it) and added to `ErasedTally` cells; the report adds the cells up to its date.
A report limited to some sites counts an erased person once per chosen site they
reached (the per-site cells cannot tell that two of them were the same person);
reports of one site and of every site are exact.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F

from haven.registry.birth_dates import BirthDate, age_on
from haven.registry.models import Arrival, Household, Person
from haven.rights.models import ErasedTally, TallyKind

Cell = tuple[str, int | None, dt.date | None, str, str, str, str]


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _band(person: Person, on: dt.date) -> str:
    age = age_on(BirthDate(person.birth_year, person.birth_month, person.birth_day), on)
    if age is None:
        return "unknown"
    return "0-4" if age < 5 else "5-17" if age < 18 else "18-59" if age < 60 else "60+"


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(_zone()).date()


def contribution(persons: Sequence[Person], households: Sequence[Household],
                 today: dt.date) -> Counter[Cell]:
    """Return the cells the cluster `persons` (and the erased `households`) count in."""
    cells: Counter[Cell] = Counter()
    representative = next((p for p in persons if p.merged_into_id is None), persons[0])
    sex, band, status = representative.sex, _band(representative, today), representative.status
    arrivals = list(Arrival.objects.filter(person__in=persons).order_by("arrived_at", "site_id"))
    if arrivals:
        cells[(TallyKind.PERSON, None, _day(arrivals[0].arrived_at), sex, band, status, "")] += 1
        first_at_site: dict[int, dt.datetime] = {}
        for arrival in arrivals:
            first_at_site.setdefault(arrival.site_id, arrival.arrived_at)
        for site_id, at in first_at_site.items():
            cells[(TallyKind.SITE_PERSON, site_id, _day(at), sex, band, status, "")] += 1
        latest = max(arrivals, key=lambda a: (a.arrived_at, -a.site_id))
        if status == "present":
            cells[(TallyKind.PRESENT, latest.site_id, _day(latest.arrived_at), "", "", "",
                   "")] += 1
    for person in persons:
        own = [a for a in arrivals if a.person_id == person.pk]
        if own:
            cells[(TallyKind.REGISTRATION, person.registered_at_id, _day(own[0].arrived_at),
                   "", "", "", "")] += 1
    codes = {("disability" if c.startswith("disability") else c)
             for p in persons for c in p.vulnerabilities.values_list("code", flat=True)}
    for code in codes:
        cells[(TallyKind.VULNERABILITY, None, None, "", "", "", code)] += 1
    if codes & {"injured", "burns"}:
        cells[(TallyKind.VULNERABILITY, None, None, "", "", "", "injured_or_burns")] += 1
    cells.update(_household_cells(persons, households, arrivals))
    return cells


def _household_cells(persons: Sequence[Person], households: Sequence[Household],
                     arrivals: list[Arrival]) -> Counter[Cell]:
    cells: Counter[Cell] = Counter()
    for household in households:
        members = {p.pk for p in persons if p.household_id == household.pk}
        first: dict[int, dt.datetime] = {}
        for arrival in arrivals:
            if arrival.person_id in members:
                first.setdefault(arrival.site_id, arrival.arrived_at)
        for site_id, at in first.items():
            cells[(TallyKind.HOUSEHOLD, site_id, _day(at), "", "", "", "")] += 1
        if first:
            cells[(TallyKind.HOUSEHOLD_TOTAL, None, _day(min(first.values())), "", "", "",
                   "")] += 1
    return cells


def tally_add(cells: Counter[Cell]) -> None:
    """Add the cells to the tally; call inside the erasure's transaction (it holds the lock)."""
    for (kind, site_id, day, sex, band, status, code), n in cells.items():
        updated = ErasedTally.objects.filter(kind=kind, site=site_id, day=day, sex=sex,
                                             band=band, status=status, code=code
                                             ).update(n=F("n") + n)
        if not updated:
            ErasedTally.objects.create(kind=kind, site_id=site_id, day=day, sex=sex,
                                       band=band, status=status, code=code, n=n)


@dataclass
class ErasedFigures:
    """The tally in the shapes haven.reports.queries returns."""

    persons: list[tuple[dt.date, str, str, str, int]] = field(default_factory=list)
    site_persons: list[tuple[int, dt.date, str, str, str, int]] = field(default_factory=list)
    registrations: list[tuple[int, dt.date, int]] = field(default_factory=list)
    site_households: list[tuple[int, dt.date, int]] = field(default_factory=list)
    households: int = 0
    vulnerable: Counter[str] = field(default_factory=Counter)
    present_at: Counter[int] = field(default_factory=Counter)


def erased_figures(*, date: dt.date, site_ids: Sequence[int] | None) -> ErasedFigures:
    """Return what erased persons count for in a report of local day `date` and sites."""
    out = ErasedFigures()
    cells = ErasedTally.objects.filter(n__gt=0)
    in_scope = (lambda site: True) if site_ids is None else (lambda site: site in site_ids)
    for cell in cells:
        if cell.day is not None and cell.day > date:
            continue
        if cell.kind == TallyKind.PERSON and site_ids is None:
            out.persons.append((cell.day, cell.sex, cell.band, cell.status, cell.n))  # type: ignore[arg-type]
        elif cell.kind == TallyKind.SITE_PERSON and in_scope(cell.site_id):
            out.site_persons.append((cell.site_id, cell.day, cell.sex, cell.band,  # type: ignore[arg-type]
                                     cell.status, cell.n))
            if site_ids is not None:  # see the module's docstring
                out.persons.append((cell.day, cell.sex, cell.band, cell.status, cell.n))  # type: ignore[arg-type]
        elif cell.kind == TallyKind.REGISTRATION and in_scope(cell.site_id):
            out.registrations.append((cell.site_id, cell.day, cell.n))  # type: ignore[arg-type]
        elif cell.kind == TallyKind.HOUSEHOLD and in_scope(cell.site_id):
            out.site_households.append((cell.site_id, cell.day, cell.n))  # type: ignore[arg-type]
            if site_ids is not None:
                out.households += cell.n
        elif cell.kind == TallyKind.HOUSEHOLD_TOTAL and site_ids is None:
            out.households += cell.n
        elif cell.kind == TallyKind.VULNERABILITY and site_ids is None:
            out.vulnerable[cell.code] += cell.n
        elif cell.kind == TallyKind.PRESENT and in_scope(cell.site_id):
            out.present_at[cell.site_id] += cell.n  # type: ignore[index]
    return out
