"""Beds and the people in them, counted from the stays themselves: figures, no names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from haven.core.errors import NotFound, PermissionDenied
from haven.reception.allocation import Room
from haven.reception.models import ShelterUnit, Stay
from haven.registry.models import Site
from haven.registry.selectors import site_by_slug, sites_for

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@dataclass(frozen=True)
class UnitOccupancy:
    unit: ShelterUnit
    present: int  # checked in
    expected: int  # placed, not yet checked in: their beds are kept
    accessible_taken: int

    @property
    def taken(self) -> int:
        return self.present + self.expected

    @property
    def free(self) -> int:
        return max(0, self.unit.beds - self.taken) if self.unit.is_active else 0

    @property
    def free_accessible(self) -> int:
        if not self.unit.is_active:
            return 0
        return max(0, min(self.unit.accessible_beds - self.accessible_taken, self.free))

    def room(self) -> Room:
        return Room(unit_id=self.unit.id, name=self.unit.name, beds=self.unit.beds,
                    accessible_beds=self.unit.accessible_beds, taken=self.taken,
                    accessible_taken=self.accessible_taken)


@dataclass(frozen=True)
class SiteOccupancy:
    site: Site
    units: list[UnitOccupancy]

    @property
    def active_units(self) -> list[UnitOccupancy]:
        return [u for u in self.units if u.unit.is_active]

    @property
    def capacity(self) -> int:
        return sum(u.unit.beds for u in self.active_units)

    @property
    def accessible_beds(self) -> int:
        return sum(u.unit.accessible_beds for u in self.active_units)

    @property
    def present(self) -> int:
        return sum(u.present for u in self.units)

    @property
    def expected(self) -> int:
        return sum(u.expected for u in self.units)

    @property
    def free(self) -> int:
        return sum(u.free for u in self.units)

    @property
    def free_accessible(self) -> int:
        return sum(u.free_accessible for u in self.units)

    def rooms(self) -> list[Room]:
        return [u.room() for u in self.active_units]


def units_occupancy(units: Iterable[ShelterUnit]) -> list[UnitOccupancy]:
    """Return each unit with the stays in it that have not ended, counted by the database."""
    units = list(units)
    counts: dict[int, tuple[int, int, int]] = {
        unit_id: (present, expected, accessible)
        for unit_id, present, expected, accessible in Stay.objects.filter(
            unit_id__in=[u.id for u in units], ended_at__isnull=True,
        ).values("unit_id").annotate(
            present=Count("id", filter=Q(checked_in_at__isnull=False)),
            expected=Count("id", filter=Q(checked_in_at__isnull=True)),
            accessible=Count("id", filter=Q(needs_accessible=True)),
        ).values_list("unit_id", "present", "expected", "accessible")
    }
    nothing = (0, 0, 0)
    return [UnitOccupancy(unit=u, present=counts.get(u.id, nothing)[0],
                          expected=counts.get(u.id, nothing)[1],
                          accessible_taken=counts.get(u.id, nothing)[2])
            for u in units]


def occupancy_of(site: Site, *, lock: bool = False) -> SiteOccupancy:
    """Return a site's units and their beds taken.

    With `lock`, the site's units are locked first (SELECT … FOR UPDATE on PostgreSQL; on
    SQLite the write transaction already holds the database): call it inside the
    transaction that then takes beds, so that no one else takes them in between.
    """
    units: QuerySet[ShelterUnit] = ShelterUnit.objects.filter(site=site).order_by("id")
    if lock:
        units = units.select_for_update()
    return SiteOccupancy(site=site, units=units_occupancy(list(units)))


def _require_figures(actor: Actor) -> None:
    if not actor.policy.read_aggregates:
        raise PermissionDenied(_("Your role does not allow reading figures."))


def site_occupancy(*, actor: Actor, site: str) -> SiteOccupancy:
    """Return a site's shelter figures, if it is within the actor's reach (else NotFound)."""
    _require_figures(actor)
    found = site_by_slug(site)
    if found is None or not actor.may_see_site(found.id):
        raise NotFound(_("No such site."))
    return occupancy_of(found)


def shelters_occupancy(*, actor: Actor) -> list[SiteOccupancy]:
    """Return the figures of every site within the actor's reach that has shelter units."""
    _require_figures(actor)
    sites = sites_for(actor).filter(
        id__in=ShelterUnit.objects.values("site_id")).order_by("slug")
    units_by_site: dict[int, list[ShelterUnit]] = {}
    for unit in ShelterUnit.objects.filter(site__in=sites).order_by("name", "id"):
        units_by_site.setdefault(unit.site_id, []).append(unit)
    all_units = [u for units in units_by_site.values() for u in units]
    by_unit = {u.unit.id: u for u in units_occupancy(all_units)}
    return [SiteOccupancy(site=s, units=[by_unit[u.id] for u in units_by_site.get(s.id, [])])
            for s in sites]


@dataclass(frozen=True)
class Beds:
    present: int
    capacity: int


def shelter_occupancy_at(*, site_ids: Iterable[int], at: dt.datetime) -> dict[int, Beds]:
    """Return, for the sites among `site_ids` that have shelter units, who was present at `at`.

    Present: checked in before `at` and not checked out or transferred by then. Capacity
    is the beds of the site's active units (units keep no history of their size). Sites
    without units are left out: the situation report counts those by arrivals.
    """
    ids = list(site_ids)
    capacity = {row["site_id"]: row["beds"] for row in ShelterUnit.objects.filter(
        site_id__in=ids).values("site_id").annotate(beds=Sum("beds", filter=Q(is_active=True)))}
    present = dict(Stay.objects.filter(
        site_id__in=list(capacity), checked_in_at__lt=at,
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=at)).values("site_id").annotate(
        n=Count("person_id", distinct=True)).values_list("site_id", "n"))
    return {site_id: Beds(present=present.get(site_id, 0), capacity=beds or 0)
            for site_id, beds in capacity.items()}
