"""The waiting list: households without a bed yet, served by priority, then in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import Conflict, NotFound
from haven.reception.common import household_visible, living, needs_of, shelter_site
from haven.reception.models import Stay, WaitingEntry
from haven.reception.vocabulary import WaitingStatus

if TYPE_CHECKING:
    from haven.accounts.access import Actor


def waiting_add(*, actor: Actor, household: str, site: str) -> tuple[WaitingEntry, bool]:
    """Put a household on a site's waiting list; vulnerable households are served first.

    Return the entry and whether it is new: a household already waiting at this site
    keeps its place in the queue (a resend changes nothing).
    """
    actor.require("place_households")
    site_obj = shelter_site(actor, site)
    target = household_visible(actor, household)
    existing = WaitingEntry.objects.filter(household=target,
                                           status=WaitingStatus.WAITING).first()
    if existing is not None:
        if existing.site_id != site_obj.id:
            raise Conflict(_("This household is already waiting at another site."),
                           reason="already_waiting")
        return existing, False
    members = living(list(target.members.all()))
    placed = set(Stay.objects.filter(person_id__in=[p.id for p in members],
                                     ended_at__isnull=True).values_list("person_id", flat=True))
    waiting = [p for p in members if p.id not in placed]
    if not waiting:
        raise Conflict(_("Every member of this household already has a bed."),
                       reason="already_placed")
    now = clock.now()
    needs = needs_of(waiting, year=now.year)
    try:
        with transaction.atomic():
            entry = WaitingEntry.objects.create(
                household=target, site=site_obj, size=len(waiting),
                accessible_beds=len(needs.accessible), priority=needs.priority,
                requested_at=now, requested_by=actor.user)
            audit_record(actor=actor, action=AuditAction.WAITING_ADD, target_type="household",
                         target_ids=[target.id], site=site_obj.slug)
    except IntegrityError:
        raise Conflict(_("This household is already on a waiting list."),
                       reason="already_waiting") from None
    return entry, True


def waiting_cancel(*, actor: Actor, entry: int) -> WaitingEntry:
    """Take a household off the waiting list (it found a place elsewhere, or left)."""
    actor.require("place_households")
    with transaction.atomic():
        found = WaitingEntry.objects.select_for_update().select_related("site").filter(
            actor.site_filter("site_id"), id=entry, status=WaitingStatus.WAITING).first()
        if found is None:
            raise NotFound(_("No such household on the waiting list."))
        found.status = WaitingStatus.CANCELLED
        found.closed_at = clock.now()
        found.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action=AuditAction.WAITING_CANCEL, target_type="household",
                     target_ids=[found.household_id], site=found.site.slug)
    return found
