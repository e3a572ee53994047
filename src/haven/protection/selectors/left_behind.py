"""Read the register of people left behind, at the actor's sites; overdue welfare checks."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import NotFound, ValidationFailed
from haven.protection.models import LeftBehind, WelfareCheck
from haven.protection.selectors.common import PER_PAGE, paginate, parse_id
from haven.protection.vocabulary import LeftBehindStatus
from haven.registry.selectors import Page, person_outlines, site_by_slug

if TYPE_CHECKING:
    from haven.accounts.access import Actor


def left_behind_visible(actor: Actor) -> QuerySet[LeftBehind]:
    return LeftBehind.objects.filter(actor.site_filter("site"))


def left_behind_find(*, actor: Actor, entry_id: uuid.UUID | str,
                     action: AuditAction = AuditAction.LEFT_BEHIND_VIEW) -> LeftBehind:
    """Return an entry the actor may see; NotFound (audited as denied) otherwise."""
    actor.require("read_left_behind")
    key = parse_id(entry_id)
    found = (left_behind_visible(actor).select_related("site", "transferred_to")
             .filter(id=key).first() if key else None)
    if found is None:
        existing = key is not None and LeftBehind.objects.filter(id=key).exists()
        audit_record(actor=actor, action=action, target_type="left_behind",
                     target_ids=[key] if existing else [], outcome=Outcome.DENIED)
        raise NotFound(_("No such person left behind."))
    return found


def left_behind_get(*, actor: Actor, entry_id: uuid.UUID | str) -> LeftBehind:
    """Return one entry with its welfare checks and relatives' ids; audit the read."""
    entry = left_behind_find(actor=actor, entry_id=entry_id)
    with transaction.atomic():
        checks = list(WelfareCheck.objects.filter(left_behind=entry)
                      .select_related("recorded_by"))
        entry.welfare_checks = checks  # type: ignore[attr-defined]
        # The persons it shows in outline (the relatives, the person they became) are read too.
        shown = person_outlines(actor=actor, person_ids=[
            *entry.relatives.values_list("person_id", flat=True),
            *([entry.person_id] if entry.person_id else [])])
        audit_record(actor=actor, action=AuditAction.LEFT_BEHIND_VIEW,
                     target_type="left_behind", target_ids=[entry.id, *shown],
                     site=entry.site.slug)
    return entry


@dataclass(frozen=True)
class LeftBehindFilters:
    status: str = ""
    site: str = ""
    overdue: bool = False  # welfare check past due


def left_behind_list(*, actor: Actor, filters: LeftBehindFilters, today: dt.date,
                     page: int = 1, per_page: int = PER_PAGE) -> Page[LeftBehind]:
    """Return one page of the register (overdue checks first when asked); audit the ids."""
    actor.require("read_left_behind")
    entries = left_behind_visible(actor).select_related("site", "transferred_to")
    if filters.status:
        if filters.status not in LeftBehindStatus.values:
            raise ValidationFailed.single("status", _("unknown status"))
        entries = entries.filter(status=filters.status)
    if filters.site:
        site = site_by_slug(filters.site)
        if site is None or not actor.may_see_site(site.id):
            raise ValidationFailed.single("site", _("unknown site"))
        entries = entries.filter(site=site)
    if filters.overdue:
        entries = entries.filter(status=LeftBehindStatus.REMAINING, next_check_on__lt=today)
        entries = entries.order_by("next_check_on", "family_name", "id")
    else:
        entries = entries.order_by("family_name", "given_name", "id")
    entries = entries.prefetch_related(Prefetch("checks", queryset=WelfareCheck.objects.all()),
                                       "relatives")
    with transaction.atomic():
        found = paginate(entries, page, per_page)
        audit_record(actor=actor, action=AuditAction.LEFT_BEHIND_LIST,
                     target_type="left_behind", target_ids=[e.id for e in found.items],
                     site=filters.site)
    return found


def is_check_overdue(entry: LeftBehind, today: dt.date) -> bool:
    return (entry.status == LeftBehindStatus.REMAINING and entry.next_check_on is not None
            and entry.next_check_on < today)
