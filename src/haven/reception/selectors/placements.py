"""Placements, the waiting list and the allocator's proposals, within what the actor may see.

A placement is a record of its site: it is read by those who may see the site's records.
Its members' names are shown only for the persons the registry lets the actor see
(`persons_visible`); the others are counted, never named.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.reception.allocation import Share, assign, free_beds
from haven.reception.common import living, needs_of
from haven.reception.models import Placement, PlacementEvent, ShelterUnit, Stay, WaitingEntry
from haven.reception.selectors.occupancy import shelters_occupancy
from haven.reception.selectors.people import Name, name_of
from haven.reception.vocabulary import WaitingStatus
from haven.registry.models import Household, Site
from haven.registry.selectors import (
    Page,
    household_get,
    households_visible,
    persons_visible,
    site_by_slug,
)
from haven.registry.vocabulary import SiteKind

if TYPE_CHECKING:
    from haven.accounts.access import Actor

PER_PAGE = 50


@dataclass(frozen=True)
class StayView:
    stay: Stay
    name: Name | None  # None: a person the actor may not see

    @property
    def state(self) -> str:
        if self.stay.ended_at is not None:
            return self.stay.end
        return "present" if self.stay.checked_in_at is not None else "expected"


@dataclass(frozen=True)
class PlacementView:
    placement: Placement
    household_code: str | None  # None: a household the actor may not see
    stays: list[StayView]  # the persons the actor may see
    hidden: int  # stays of persons the actor may not see
    events: list[PlacementEvent]

    @property
    def open_stays(self) -> list[StayView]:
        return [s for s in self.stays if s.stay.ended_at is None]

    @property
    def present(self) -> int:
        return sum(1 for s in self.stays if s.state == "present")

    @property
    def expected(self) -> int:
        return sum(1 for s in self.stays if s.state == "expected")


def _require_records(actor: Actor, action: AuditAction) -> None:
    if not actor.policy.read_records:
        with transaction.atomic():
            audit_record(actor=actor, action=action, target_type="placement",
                         outcome=Outcome.DENIED)
        raise PermissionDenied(_("Your role does not allow reading personal records."))


def _views(actor: Actor, placements: list[Placement], *, with_events: bool) -> list[PlacementView]:
    stays = list(Stay.objects.select_related("person", "unit").filter(
        placement__in=placements).order_by("placement_id", "id"))
    person_ids = {s.person_id for s in stays}
    visible = set(persons_visible(actor).filter(id__in=person_ids).values_list("id", flat=True))
    households = set(households_visible(actor).filter(
        id__in={p.household_id for p in placements}).values_list("id", flat=True))
    events: dict[object, list[PlacementEvent]] = {}
    if with_events:
        for event in PlacementEvent.objects.select_related("by").filter(
                placement__in=placements):
            events.setdefault(event.placement_id, []).append(event)
    by_placement: dict[object, list[Stay]] = {}
    for stay in stays:
        by_placement.setdefault(stay.placement_id, []).append(stay)
    views = []
    for placement in placements:
        own = by_placement.get(placement.id, [])
        shown = [StayView(s, name_of(s.person)) for s in own if s.person_id in visible]
        views.append(PlacementView(
            placement=placement,
            household_code=placement.household.code if placement.household_id in households
            else None,
            stays=shown, hidden=len(own) - len(shown),
            events=events.get(placement.id, [])))
    return views


def _audit_read(actor: Actor, action: AuditAction, views: list[PlacementView], site: str) -> None:
    ids: list[object] = []
    for view in views:
        ids.append(view.placement.id)
        ids.extend(s.stay.person_id for s in view.stays)
    audit_record(actor=actor, action=action, target_type="placement", target_ids=ids, site=site)


def placement_get(*, actor: Actor, ref: str) -> PlacementView:
    """Return one placement at a site the actor may see, with its history; audit the read."""
    _require_records(actor, AuditAction.PLACEMENT_VIEW)
    try:
        found = Placement.objects.select_related("site", "household", "placed_by").filter(
            actor.site_filter("site_id"), id=uuid.UUID(str(ref))).first()
    except (ValueError, ValidationError):
        found = None
    with transaction.atomic():
        if found is None:
            audit_record(actor=actor, action=AuditAction.PLACEMENT_VIEW, target_type="placement",
                         target_ids=[ref[:64]], outcome=Outcome.DENIED)
        else:
            view = _views(actor, [found], with_events=True)[0]
            _audit_read(actor, AuditAction.PLACEMENT_VIEW, [view], found.site.slug)
    if found is None:
        raise NotFound(_("No such placement."))
    return view


def placement_list(*, actor: Actor, site: str = "", open_only: bool = True, page: int = 1,
                   per_page: int = PER_PAGE) -> Page[PlacementView]:
    """Return a page of placements at the sites the actor may see, newest first; audit them."""
    _require_records(actor, AuditAction.PLACEMENT_LIST)
    placements = Placement.objects.select_related("site", "household", "placed_by").filter(
        actor.site_filter("site_id"))
    if site:
        found = site_by_slug(site)
        if found is None or not actor.may_see_site(found.id):
            raise ValidationFailed.single("site", _("unknown site"))
        placements = placements.filter(site=found)
    if open_only:
        placements = placements.filter(stays__ended_at__isnull=True).distinct()
    placements = placements.order_by("-placed_at", "-id")
    per_page = max(1, min(per_page, 200))
    total = placements.count()
    number = max(1, min(page, max(1, -(-total // per_page))))
    chosen = list(placements[(number - 1) * per_page : number * per_page])
    with transaction.atomic():
        views = _views(actor, chosen, with_events=False)
        _audit_read(actor, AuditAction.PLACEMENT_LIST, views, site)
    return Page(items=views, number=number, per_page=per_page, total=total)


def household_placements(*, actor: Actor, household: Household) -> list[PlacementView]:
    """Return a household's placements at sites the actor may see (its stays, newest first)."""
    if not actor.policy.read_records:
        return []
    chosen = list(Placement.objects.select_related("site", "household", "placed_by").filter(
        actor.site_filter("site_id"), household=household).order_by("-placed_at"))
    with transaction.atomic():
        views = _views(actor, chosen, with_events=False)
        if views:
            _audit_read(actor, AuditAction.PLACEMENT_LIST, views, "")
    return views


@dataclass(frozen=True)
class WaitingView:
    entry: WaitingEntry
    household_code: str | None
    position: int
    fits_now: bool  # the site has room for the whole household now


def waiting_list(*, actor: Actor, site: str = "") -> list[WaitingView]:
    """Return the households waiting at a site (or every site within reach), in the order
    they are served; audit the read. An unknown site, or one out of reach, is NotFound."""
    _require_records(actor, AuditAction.WAITING_LIST)
    entries_all = WaitingEntry.objects.select_related("household", "site").filter(
        actor.site_filter("site_id"), status=WaitingStatus.WAITING)
    found = None
    if site:
        found = site_by_slug(site)
        if found is None or not actor.may_see_site(found.id):
            raise NotFound(_("No such site."))
        entries_all = entries_all.filter(site=found)
    entries = list(entries_all.order_by("site_id", "-priority", "requested_at", "id"))
    visible = set(households_visible(actor).filter(
        id__in=[e.household_id for e in entries]).values_list("id", flat=True))
    rooms = {s.site.id: s.rooms() for s in shelters_occupancy(actor=actor)} \
        if actor.policy.read_aggregates else {}
    views: list[WaitingView] = []
    positions: dict[int, int] = {}
    for entry in entries:
        positions[entry.site_id] = positions.get(entry.site_id, 0) + 1
        views.append(WaitingView(
            entry=entry, position=positions[entry.site_id],
            household_code=entry.household.code if entry.household_id in visible else None,
            fits_now=assign(rooms.get(entry.site_id, []), people=entry.size,
                            accessible=entry.accessible_beds) is not None))
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.WAITING_LIST, target_type="household",
                     target_ids=[e.household_id for e in entries],
                     site=found.slug if found else "")
    return views


@dataclass(frozen=True)
class Proposal:
    site: Site
    shares: list[Share] | None  # where they would sleep; None: the site has too few beds
    free: int
    free_accessible: int
    near_hospital: str  # "settlement", "province" or "" (only weighed when it matters)


@dataclass(frozen=True)
class Proposals:
    household: Household
    people: int  # living members without a bed, whom the actor may see
    accessible: int  # of them, who need a bed a wheelchair reaches
    needs_hospital: bool  # a member is injured or burned
    fitting: list[Proposal]  # best first
    too_small: list[Proposal]


def _hospitals() -> tuple[set[str], set[str]]:
    hospitals = Site.objects.filter(kind=SiteKind.HOSPITAL, is_active=True)
    return ({h.settlement.casefold() for h in hospitals},
            {h.province.casefold() for h in hospitals})


def placement_proposals(*, actor: Actor, household: str) -> Proposals:
    """Return the shelters that fit the household, best first, and those that do not.

    Proposed: every site with shelter units that the actor acts for. The whole household
    in one unit comes first, then spread over a site's units; with an injured or burned
    member, sites with a hospital in the same settlement (then province) first; then the
    tightest fit, so that big halls stay free for big families.
    """
    actor.require("place_households")
    target = household_get(actor=actor, ref=(household or "").strip())  # NotFound if not seen
    members = living(list(target.members.all()))
    placed = set(Stay.objects.filter(person_id__in=[m.id for m in members],
                                     ended_at__isnull=True).values_list("person_id", flat=True))
    waiting = [m for m in members if m.id not in placed]
    needs = needs_of(waiting, year=clock.now().year)
    settlements, provinces = _hospitals()
    fitting: list[Proposal] = []
    too_small: list[Proposal] = []
    for occupancy in shelters_occupancy(actor=actor):
        site = occupancy.site
        if not site.is_active or not actor.may_act_for_site(site.id):
            continue
        rooms = occupancy.rooms()
        free, free_accessible = free_beds(rooms)
        near = ("settlement" if site.settlement.casefold() in settlements else
                "province" if site.province.casefold() in provinces else "")
        shares = assign(rooms, people=len(waiting), accessible=len(needs.accessible))
        proposal = Proposal(site=site, shares=shares, free=free, free_accessible=free_accessible,
                            near_hospital=near)
        (fitting if shares is not None and waiting else too_small).append(proposal)
    hospital_rank = {"settlement": 0, "province": 1, "": 2}
    fitting.sort(key=lambda p: (hospital_rank[p.near_hospital] if needs.hospital else 0,
                                len(p.shares or []) > 1, p.free - len(waiting), p.site.slug))
    too_small.sort(key=lambda p: (-p.free, p.site.slug))
    return Proposals(household=target, people=len(waiting), accessible=len(needs.accessible),
                     needs_hospital=needs.hospital, fitting=fitting, too_small=too_small)


def units_of(site: Site) -> list[ShelterUnit]:
    return list(ShelterUnit.objects.filter(site=site).order_by("name", "id"))
