"""Place households in shelters, check them in, transfer them and check them out.

    placement_create     a household (or, with an officer's reason, some of it) takes beds
    placement_check_in   people placed but not yet there arrive: present
    placement_transfer   people leave one shelter for beds kept at another
    placement_check_out  people leave, with where they went

Beds are never overfilled, also when clerks place at the same moment: the beds are
counted and taken in one transaction that first locks the site's units (SELECT … FOR
UPDATE on PostgreSQL; on SQLite every write transaction begins IMMEDIATE and so holds
the database), and a person has at most one stay that has not ended (a constraint).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.core.http import parse_id
from haven.reception.allocation import Share, assign, free_beds
from haven.reception.common import (
    Needs,
    household_visible,
    living,
    member_codes,
    needs_of,
    shelter_site,
)
from haven.reception.models import Placement, PlacementEvent, ShelterUnit, Stay, WaitingEntry
from haven.reception.models.shelters import REASON_LENGTH
from haven.reception.selectors.occupancy import SiteOccupancy, occupancy_of
from haven.reception.vocabulary import (
    Destination,
    PlacementAction,
    StayEnd,
    WaitingStatus,
)
from haven.registry.models import Household, Person, Site
from haven.registry.selectors import site_by_slug
from haven.registry.services import arrivals_record

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@dataclass(frozen=True)
class Placed:
    placement: Placement
    created: bool  # False: the household was already placed here, nothing changed


def _unit_at(site: Site, unit: str | int | None) -> ShelterUnit | None:
    """Return the unit named (by id or name) at `site`, or None when none is asked for."""
    if unit is None or str(unit).strip() == "":
        return None
    text = str(unit).strip()
    units = ShelterUnit.objects.filter(site=site, is_active=True)
    number = parse_id(text)
    found = units.filter(id=number).first() if number is not None else None
    found = found or units.filter(name__iexact=text).first()
    if found is None:
        raise ValidationFailed.single("unit", _("no open unit of this name at %(site)s")
                                      % {"site": site.name})
    return found


def _reason(text: str) -> str:
    reason = " ".join((text or "").split())
    if len(reason) > REASON_LENGTH:
        raise ValidationFailed.single("split_reason", _("is longer than %(n)d characters")
                                      % {"n": REASON_LENGTH})
    return reason


def _open_stays(persons: list[Person]) -> dict[object, Stay]:
    return {s.person_id: s for s in Stay.objects.select_related("site").filter(
        person_id__in=[p.id for p in persons], ended_at__isnull=True)}


def _no_room(site: Site, occupancy: SiteOccupancy, *, people: int, accessible: int,
             unit: ShelterUnit | None) -> Conflict:
    free, free_accessible = free_beds(occupancy.rooms())
    details: dict[str, object] = {"site": site.slug, "needed": people, "free": free,
                                  "accessible_needed": accessible,
                                  "accessible_free": free_accessible}
    if not occupancy.active_units:
        return Conflict(_("%(site)s has no shelter units: add rooms, halls or tents first.")
                        % {"site": site.name}, reason="no_units", details=details)
    if unit is not None:
        room = next(u for u in occupancy.units if u.unit.id == unit.id)
        details.update(unit=unit.name, unit_free=room.free,
                       unit_accessible_free=room.free_accessible)
        return Conflict(
            ngettext("%(unit)s at %(site)s has %(free)d free bed; the household needs "
                     "%(needed)d.",
                     "%(unit)s at %(site)s has %(free)d free beds; the household needs "
                     "%(needed)d.", room.free)
            % {"unit": unit.name, "site": site.name, "free": room.free, "needed": people}
            + (" " + _("Beds a wheelchair reaches: %(free)d free, %(needed)d needed.")
               % {"free": room.free_accessible, "needed": accessible} if accessible else ""),
            reason="no_room", details=details)
    if free >= people:
        return Conflict(_("%(site)s has %(free)d free beds but only %(accessible)d that a "
                          "wheelchair reaches; the household needs %(needed)d of those.")
                        % {"site": site.name, "free": free, "accessible": free_accessible,
                           "needed": accessible}, reason="no_accessible_room", details=details)
    return Conflict(
        ngettext("%(site)s has %(free)d free bed; the household needs %(needed)d. It was not "
                 "placed: propose another shelter or put it on the waiting list.",
                 "%(site)s has %(free)d free beds; the household needs %(needed)d. It was not "
                 "placed: propose another shelter or put it on the waiting list.", free)
        % {"site": site.name, "free": free, "needed": people}, reason="no_room",
        details=details)


def _take_beds(actor: Actor, *, site: Site, unit: ShelterUnit | None, persons: list[Person],
               needs: Needs) -> tuple[list[tuple[Person, Share]] | None, Conflict | None]:
    """Lock the site's units, count the beds and choose them: call inside the transaction."""
    occupancy = occupancy_of(site, lock=True)
    accessible = [p for p in persons if p.id in needs.accessible]
    others = [p for p in persons if p.id not in needs.accessible]
    shares = assign(occupancy.rooms(), people=len(persons), accessible=len(accessible),
                    unit_id=unit.id if unit is not None else None)
    if shares is None:
        return None, _no_room(site, occupancy, people=len(persons),
                              accessible=len(accessible), unit=unit)
    beds: list[tuple[Person, Share]] = []
    for share in shares:
        for _n in range(share.accessible):
            beds.append((accessible.pop(0), share))
        for _n in range(share.people - share.accessible):
            beds.append((others.pop(0), share))
    return beds, None


def _refused(actor: Actor, household: Household, site: Site, conflict: Conflict) -> Conflict:
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.PLACEMENT_REFUSE, target_type="household",
                     target_ids=[household.id], site=site.slug)
    return conflict


def _arrive(actor: Actor, site: Site, persons: list[Person], at: dt.datetime) -> None:
    """Record an arrival at `site` for the persons whose latest arrival was elsewhere.

    A shelter is a site: who checks in there arrives there, and its staff may see them.
    """
    coming = [p for p in persons if p.last_site_id != site.id]
    if coming:
        arrivals_record(actor=actor, arrivals=[(p.id, site.slug, at) for p in coming])


def _stays(placement: Placement, beds: list[tuple[Person, Share]], *, needs: Needs,
           now: dt.datetime, checked_in: bool) -> list[Stay]:
    return Stay.objects.bulk_create([
        Stay(placement=placement, person=person, unit_id=share.unit_id, site=placement.site,
             needs_accessible=person.id in needs.accessible, placed_at=now,
             checked_in_at=now if checked_in else None)
        for person, share in beds])


def _units_detail(beds: list[tuple[Person, Share]]) -> dict[str, int]:
    units: dict[str, int] = {}
    for _person, share in beds:
        units[share.name] = units.get(share.name, 0) + 1
    return units


def _choose_members(actor: Actor, household: Household, *, site: Site,
                    members: list[str] | None, split_reason: str,
                    ) -> tuple[list[Person], Placement | None]:
    """Return who is to be placed, or the placement that already holds them all here."""
    candidates = living(list(household.members.all()))
    stays = _open_stays(candidates)
    unplaced = [p for p in candidates if p.id not in stays]
    if members is None:
        chosen = unplaced
        if not chosen:
            here = [s for s in stays.values() if s.site_id == site.id]
            if here and len(here) == len(stays):
                return [], here[0].placement
            if stays:
                elsewhere = next(s for s in stays.values() if s.site_id != site.id)
                raise Conflict(_("This household is already placed at %(site)s: transfer it "
                                 "instead.") % {"site": elsewhere.site.name},
                               reason="already_placed", details={"site": elsewhere.site.slug})
            raise ValidationFailed.single("household", _("has no member who can be placed"))
    else:
        chosen = member_codes(candidates, members)
        if not chosen:
            raise ValidationFailed.single("members", _("name at least one member"))
        placed = [p for p in chosen if p.id in stays]
        if placed:
            raise Conflict(
                _("%(code)s is already placed at %(site)s: transfer instead.")
                % {"code": placed[0].code, "site": stays[placed[0].id].site.name},
                reason="already_placed", details={"site": stays[placed[0].id].site.slug})
    if len(chosen) < len(unplaced):
        if not actor.policy.split_households:
            raise PermissionDenied(_("Only a coordinator or a protection officer may split a "
                                     "household; place all its members together."))
        if not split_reason:
            raise ValidationFailed.single("split_reason",
                                          _("say why the household is split"))
    return chosen, None


def placement_create(
    *, actor: Actor, household: str, site: str, unit: str | int | None = None,
    members: list[str] | None = None, split_reason: str = "", check_in: bool = True,
) -> Placed:
    """Place a household at a shelter site, all its members together unless an officer splits it.

    `household` is its code or id; `members` (codes) places only those, which needs
    `split_reason` and a role that may split households. Members already placed
    elsewhere are left where they are. With `check_in` (the default) the household is
    present at once and its arrival at the site recorded; without, its beds are kept
    until it checks in. Raise Conflict (reason `no_room`, `no_accessible_room`,
    `no_units`, `already_placed`) when it does not fit; nothing is stored then.
    """
    actor.require("place_households")
    site_obj = shelter_site(actor, site)
    reason = _reason(split_reason)
    target = household_visible(actor, household)
    chosen_unit = _unit_at(site_obj, unit)
    chosen, existing = _choose_members(actor, target, site=site_obj, members=members,
                                       split_reason=reason)
    if existing is not None:
        return Placed(existing, created=False)
    now = clock.now()
    needs = needs_of(chosen, year=now.year)
    try:
        with transaction.atomic():
            beds, refusal = _take_beds(actor, site=site_obj, unit=chosen_unit, persons=chosen,
                                       needs=needs)
            if beds is not None:
                placement = Placement.objects.create(
                    household=target, site=site_obj, placed_at=now, placed_by=actor.user,
                    split_reason=reason if len(chosen) < len(living(list(
                        target.members.all()))) else "")
                _stays(placement, beds, needs=needs, now=now, checked_in=check_in)
                ids = [p.id for p in chosen]
                PlacementEvent.objects.create(
                    placement=placement, at=now, by=actor.user, action=PlacementAction.PLACED,
                    persons=[str(i) for i in ids],
                    details={"units": _units_detail(beds), "split_reason": placement.split_reason})
                if check_in:
                    PlacementEvent.objects.create(
                        placement=placement, at=now, by=actor.user,
                        action=PlacementAction.CHECKED_IN, persons=[str(i) for i in ids])
                    _arrive(actor, site_obj, chosen, now)
                WaitingEntry.objects.filter(household=target, status=WaitingStatus.WAITING) \
                    .update(status=WaitingStatus.PLACED, placement=placement, closed_at=now)
                audit_record(actor=actor, action=AuditAction.PLACEMENT_CREATE,
                             target_type="household", target_ids=[target.id, *ids],
                             site=site_obj.slug)
    except IntegrityError:
        # Someone placed one of these people at this very moment (a stay that has not
        # ended is unique per person): theirs stands, this one stored nothing.
        raise Conflict(_("Someone else placed this household at the same moment; look at "
                         "its placements."), reason="already_placed") from None
    if refusal is not None:
        raise _refused(actor, target, site_obj, refusal)
    return Placed(placement, created=True)


def _placement_for_update(actor: Actor, ref: str) -> Placement:
    """Return a placement at a site the actor acts for, locked for this transaction."""
    found = None
    try:
        found = Placement.objects.select_for_update(of=("self",)).select_related(
            "site", "household").filter(actor.site_filter("site_id"), id=ref).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise NotFound(_("No such placement."))
    return found


def _open_members(placement: Placement, members: list[str] | None,
                  *, checked_in: bool | None = None) -> list[Stay]:
    """Return the placement's stays that have not ended (of the members named, if any)."""
    stays = list(Stay.objects.select_related("person").filter(
        placement=placement, ended_at__isnull=True).order_by("id"))
    if checked_in is not None:
        stays = [s for s in stays if (s.checked_in_at is not None) == checked_in]
    if members is None:
        return stays
    chosen = {p.id for p in member_codes([s.person for s in stays], members)}
    return [s for s in stays if s.person_id in chosen]


def placement_check_in(*, actor: Actor, placement: str, members: list[str] | None = None,
                       ) -> list[Stay]:
    """Check in the people placed but not yet present (those named, or all); record arrivals."""
    actor.require("place_households")
    now = clock.now()
    with transaction.atomic():
        found = _placement_for_update(actor, placement)
        stays = _open_members(found, members, checked_in=False)
        if not stays:
            raise Conflict(_("Nobody in this placement is waiting to check in."),
                           reason="nobody_expected")
        Stay.objects.filter(id__in=[s.id for s in stays]).update(checked_in_at=now)
        persons = [s.person for s in stays]
        PlacementEvent.objects.create(placement=found, at=now, by=actor.user,
                                      action=PlacementAction.CHECKED_IN,
                                      persons=[str(p.id) for p in persons])
        _arrive(actor, found.site, persons, now)
        audit_record(actor=actor, action=AuditAction.PLACEMENT_CHECK_IN, target_type="person",
                     target_ids=[p.id for p in persons], site=found.site.slug)
    return stays


def _end(stays: list[Stay], *, now: dt.datetime, end: str, destination: str,
         destination_site: Site | None) -> None:
    Stay.objects.filter(id__in=[s.id for s in stays]).update(
        ended_at=now, end=end, destination=destination, destination_site=destination_site)


def placement_check_out(*, actor: Actor, placement: str, destination: str,
                        destination_site: str = "", members: list[str] | None = None,
                        ) -> list[Stay]:
    """Check people out (those named, or everyone still there), saying where they went."""
    actor.require("place_households")
    if destination not in Destination.values:
        raise ValidationFailed.single("destination", _("must be one of: %(choices)s")
                                      % {"choices": ", ".join(Destination.values)})
    where = None
    if destination_site:
        where = site_by_slug(destination_site)
        if where is None or not where.is_active:
            raise ValidationFailed.single("destination_site", _("unknown site %(site)r")
                                          % {"site": destination_site[:40]})
    now = clock.now()
    with transaction.atomic():
        found = _placement_for_update(actor, placement)
        stays = _open_members(found, members)
        if not stays:
            raise Conflict(_("Nobody in this placement is still in the shelter."),
                           reason="nobody_present")
        _end(stays, now=now, end=StayEnd.CHECKED_OUT, destination=destination,
             destination_site=where)
        PlacementEvent.objects.create(
            placement=found, at=now, by=actor.user, action=PlacementAction.CHECKED_OUT,
            persons=[str(s.person_id) for s in stays],
            details={"destination": destination, "site": where.slug if where else ""})
        audit_record(actor=actor, action=AuditAction.PLACEMENT_CHECK_OUT, target_type="person",
                     target_ids=[s.person_id for s in stays], site=found.site.slug)
    return stays


def placement_transfer(*, actor: Actor, placement: str, site: str, unit: str | int | None = None,
                       members: list[str] | None = None, split_reason: str = "",
                       check_in: bool = False) -> Placement:
    """Move people (those named, or everyone still there) to beds at another shelter,
    or to another unit of the same one.

    Their beds here are freed and beds there kept for them, in one transaction; they are
    expected there until they check in (or present at once with `check_in`). Raise
    Conflict when they do not fit there; nothing changes then.
    """
    actor.require("place_households")
    destination = shelter_site(actor, site)
    reason = _reason(split_reason)
    chosen_unit = _unit_at(destination, unit)
    now = clock.now()
    with transaction.atomic():
        found = _placement_for_update(actor, placement)
        everyone = _open_members(found, None)
        stays = _open_members(found, members)
        if found.site_id == destination.id and (
                chosen_unit is None or all(s.unit_id == chosen_unit.id for s in stays)):
            raise ValidationFailed.single(
                "unit" if chosen_unit else "site",
                _("is where they are: name another shelter, or another unit here"))
        if not stays:
            raise Conflict(_("Nobody in this placement is still in the shelter."),
                           reason="nobody_present")
        if len(stays) < len(everyone):
            if not actor.policy.split_households:
                raise PermissionDenied(_("Only a coordinator or a protection officer may "
                                         "split a household; transfer all its members."))
            if not reason:
                raise ValidationFailed.single("split_reason", _("say why the household is split"))
        persons = [s.person for s in stays]
        needs = needs_of(persons, year=now.year)
        beds, refusal = _take_beds(actor, site=destination, unit=chosen_unit, persons=persons,
                                   needs=needs)
        if beds is not None:
            _end(stays, now=now, end=StayEnd.TRANSFERRED, destination=Destination.OTHER_SHELTER,
                 destination_site=destination)
            moved = Placement.objects.create(
                household=found.household, site=destination, placed_at=now,
                placed_by=actor.user, transferred_from=found,
                split_reason=reason if len(stays) < len(everyone) else "")
            _stays(moved, beds, needs=needs, now=now, checked_in=check_in)
            ids = [str(p.id) for p in persons]
            PlacementEvent.objects.create(placement=found, at=now, by=actor.user,
                                          action=PlacementAction.TRANSFERRED_OUT, persons=ids,
                                          details={"site": destination.slug})
            PlacementEvent.objects.create(placement=moved, at=now, by=actor.user,
                                          action=PlacementAction.TRANSFERRED_IN, persons=ids,
                                          details={"site": found.site.slug,
                                                   "units": _units_detail(beds),
                                                   "split_reason": moved.split_reason})
            if check_in:
                PlacementEvent.objects.create(placement=moved, at=now, by=actor.user,
                                              action=PlacementAction.CHECKED_IN, persons=ids)
                _arrive(actor, destination, persons, now)
            audit_record(actor=actor, action=AuditAction.PLACEMENT_TRANSFER,
                         target_type="person", target_ids=[p.id for p in persons],
                         site=destination.slug)
    if refusal is not None:
        raise _refused(actor, found.household, destination, refusal)
    return moved
