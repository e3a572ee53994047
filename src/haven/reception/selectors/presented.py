"""The household of a card presented at a hub: its members' names, for the clerk to confirm.

A card is what a family carries from the border to a hub. Its code must work for the
clerk at the hub even though the household is not yet one of the hub's records (its
arrival there is what makes it one), so this is the one read that does not go through
the registry's visibility rule. It shows what the card itself shows, names and codes,
for the members to be ticked; nothing else (no birth dates, no vulnerabilities, no
history), and the look-up is written to the audit log with every id it showed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import ValidationFailed
from haven.reception.common import acting_site, all_members, living, presented
from haven.reception.selectors.people import Name, name_of
from haven.registry.models import Site

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@dataclass(frozen=True)
class PresentedMember:
    name: Name
    already_here: bool  # their latest arrival is this site


@dataclass(frozen=True)
class PresentedHousehold:
    code: str
    scanned: str  # the code that was typed or scanned, canonical
    site: Site
    members: list[PresentedMember]

    @property
    def arriving(self) -> list[PresentedMember]:
        return [m for m in self.members if not m.already_here]


def household_presented(*, actor: Actor, code: str, site: str) -> PresentedHousehold:
    """Return the household of a code on a card, with its living members' names; audit it.

    Raise ValidationFailed naming `code` for a typing error, for what is not a code and
    for a code that names nobody; `site` for a site the actor does not act for.
    """
    actor.require("register")
    site_obj = acting_site(actor, site)
    try:
        household, person = presented(code)
    except ValidationFailed:
        with transaction.atomic():
            audit_record(actor=actor, action=AuditAction.CARD_PRESENTED,
                         target_type="household", site=site_obj.slug, outcome=Outcome.DENIED)
        raise
    members = living(all_members(household))
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.CARD_PRESENTED, target_type="household",
                     target_ids=[household.id, *(m.id for m in members)], site=site_obj.slug)
    return PresentedHousehold(
        code=household.code, scanned=person.code if person is not None else household.code,
        site=site_obj,
        members=[PresentedMember(name=name_of(m), already_here=m.last_site_id == site_obj.id)
                 for m in members])
