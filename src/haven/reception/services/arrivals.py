"""Households arriving at a hub: one code from a card, every member present, one transaction.

A family of six reaching Goris shows one card. The clerk types or scans the household's
code or any member's; the page lists the members for confirmation, the clerk unticks
whoever is not there, and the arrivals of the rest are recorded together through the
registry's `arrivals_record`. Members whose latest arrival is already this site are
not recorded again, so a card scanned twice counts nobody twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from haven.core.errors import ValidationFailed
from haven.reception.common import (
    acting_site,
    all_members,
    living,
    member_codes,
    presented,
)
from haven.registry.models import Household, Person, Site
from haven.registry.services import arrivals_record

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@dataclass(frozen=True)
class HouseholdArrival:
    household: Household
    site: Site
    arrived: list[Person]  # recorded now
    already_here: list[Person]  # their latest arrival is this site: not recorded again
    absent: list[Person]  # unticked: not recorded


def household_arrival_record(
    *, actor: Actor, code: str, site: str, members: list[str] | None = None,
    arrived_at: dt.datetime | None = None,
) -> HouseholdArrival:
    """Record the arrival at `site` of a household's members, by any code on its card.

    `members` (codes) are those present; without it, every living member. The household
    may be registered anywhere: whoever holds its card may present it. Raise
    ValidationFailed naming `code` for a typing error or a code that names nobody, and
    `members[i]` for a code that is not one of the household's members.
    """
    actor.require("register")
    site_obj = acting_site(actor, site)
    household, _scanned = presented(code)
    candidates = living(all_members(household))
    chosen = candidates if members is None else member_codes(candidates, members)
    if members is not None and not chosen:
        raise ValidationFailed.single("members", _("tick at least one member who is here"))
    already = [p for p in chosen if p.last_site_id == site_obj.id]
    arriving = [p for p in chosen if p.last_site_id != site_obj.id]
    absent = [p for p in candidates if p not in chosen]
    if arriving:
        arrivals_record(actor=actor,
                        arrivals=[(p.id, site_obj.slug, arrived_at) for p in arriving])
    return HouseholdArrival(household=household, site=site_obj, arrived=arriving,
                            already_here=already, absent=absent)


def codes_arrival_record(*, actor: Actor, site: str, codes: list[str],
                         arrived_at: dt.datetime | None = None,
                         field: str = "codes") -> list[Person]:
    """Record arrivals at `site` for scanned codes, in one transaction, all or nothing.

    A household's code brings every living member, a member's code that member; members
    already here are not recorded again. Raise ValidationFailed naming `codes[i]` for
    each code that is mistyped or names nobody; nothing is stored then. (The ODK form
    for arrivals at a hub sends its scans here.)
    """
    actor.require("register")
    site_obj = acting_site(actor, site)
    errors: dict[str, list[str]] = {}
    arriving: dict[object, Person] = {}
    for index, text in enumerate(codes):
        try:
            household, person = presented(text, field=f"{field}[{index}]")
        except ValidationFailed as problem:
            errors.update(problem.errors)
            continue
        persons = living([person] if person is not None else all_members(household))
        for member in persons:
            if member.last_site_id != site_obj.id:
                arriving.setdefault(member.id, member)
    if errors:
        raise ValidationFailed(errors)
    if not codes:
        raise ValidationFailed.single(field, _("scan at least one card"))
    if arriving:
        arrivals_record(actor=actor, arrivals=[(p.id, site_obj.slug, arrived_at)
                                               for p in arriving.values()])
    return list(arriving.values())
