"""The people left behind: the register, welfare checks, and the transfer out.

A transfer is an arrival at the receiving site in one step, through the registry's own
services: an arrival of the person's record if they are registered, otherwise the
registration of a household of one at that site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import Conflict
from haven.protection.models import LeftBehind, LeftBehindRelative, WelfareCheck
from haven.protection.selectors.left_behind import left_behind_find
from haven.protection.services.common import (
    Errors,
    choice,
    clean_text,
    local_today,
    site_for,
)
from haven.protection.vocabulary import Condition, LeftBehindStatus, NeedsMet
from haven.registry.models import NAME_LENGTH, Person
from haven.registry.selectors import person_presented
from haven.registry.services import (
    HouseholdInput,
    MemberInput,
    arrivals_record,
    household_register,
)
from haven.registry.vocabulary import Sex, Vulnerability
from haven.tracing.news import person_transferred

if TYPE_CHECKING:
    import uuid

    from haven.accounts.access import Actor


@dataclass
class LeftBehindInput:
    site: str  # the site that keeps the entry
    given_name: str
    family_name: str
    reported_on: dt.date
    patronymic: str = ""
    sex: str = Sex.UNKNOWN
    birth_year: int | None = None
    vulnerabilities: Sequence[str] = ()
    location: str = ""
    needs: str = ""
    reported_by: str = ""
    last_contact_on: dt.date | None = None
    check_every_days: int = 14
    relatives: Sequence[str] = field(default_factory=list)  # codes of registered relatives


def _next_check(entry: LeftBehind) -> dt.date | None:
    if entry.status != LeftBehindStatus.REMAINING:
        return None
    since = entry.last_contact_on or entry.reported_on
    return since + dt.timedelta(days=entry.check_every_days)


def left_behind_register(*, actor: Actor, entry: LeftBehindInput) -> LeftBehind:
    """Register a person known or reported to remain in the area of origin."""
    actor.require("care_left_behind")
    errors = Errors()
    site = site_for(errors, "site", entry.site, actor=actor)
    names = {name: clean_text(errors, name, getattr(entry, name), max_length=NAME_LENGTH,
                              required=name != "patronymic")
             for name in ("given_name", "family_name", "patronymic")}
    choice(errors, "sex", entry.sex or Sex.UNKNOWN, Sex.values)
    today = local_today()
    if entry.birth_year is not None and not today.year - 120 <= entry.birth_year <= today.year:
        errors.add("birth_year", _("is not a plausible year of birth"))
    for code in entry.vulnerabilities:
        choice(errors, "vulnerabilities", code, Vulnerability.values)
    texts = {name: clean_text(errors, name, getattr(entry, name))
             for name in ("location", "needs", "reported_by")}
    for name in ("reported_on", "last_contact_on"):
        value = getattr(entry, name)
        if value is not None and value > today:
            errors.add(name, _("is in the future"))
    if not 1 <= entry.check_every_days <= 365:
        errors.add("check_every_days", _("must be from 1 to 365 days"))
    relatives: list[Person] = []
    for index, ref in enumerate(entry.relatives):
        # A relative shows the code on their paper, as for an arrival: any site's code.
        relative = person_presented(actor=actor, ref=ref)
        if relative is None:
            errors.add(f"relatives[{index}]", _("no person has this id or code"))
        elif relative not in relatives:
            relatives.append(relative)
    errors.raise_if_any()
    assert site is not None  # noqa: S101
    now = clock.now()
    with transaction.atomic():
        created = LeftBehind(
            site=site, sex=entry.sex or Sex.UNKNOWN, birth_year=entry.birth_year,
            vulnerabilities=sorted(set(entry.vulnerabilities)), reported_on=entry.reported_on,
            last_contact_on=entry.last_contact_on, check_every_days=entry.check_every_days,
            created_by=actor.user, created_at=now, updated_at=now, **names, **texts)
        created.next_check_on = _next_check(created)
        created.save()
        LeftBehindRelative.objects.bulk_create(
            [LeftBehindRelative(left_behind=created, person=r) for r in relatives])
        audit_record(actor=actor, action=AuditAction.LEFT_BEHIND_CREATE,
                     target_type="left_behind",
                     target_ids=[created.id, *(r.id for r in relatives)], site=site.slug)
    return created


@dataclass
class WelfareCheckInput:
    checked_on: dt.date
    condition: str
    needs_met: str
    visited_by: str = ""
    notes: str = ""


def welfare_check_record(*, actor: Actor, entry_id: uuid.UUID | str,
                         check: WelfareCheckInput) -> WelfareCheck:
    """Record a welfare check; the next one falls due a check interval after it."""
    actor.require("care_left_behind")
    target = left_behind_find(actor=actor, entry_id=entry_id,
                              action=AuditAction.LEFT_BEHIND_UPDATE)
    errors = Errors()
    choice(errors, "condition", check.condition, Condition.values)
    choice(errors, "needs_met", check.needs_met, NeedsMet.values)
    visited_by = clean_text(errors, "visited_by", check.visited_by, max_length=200)
    notes = clean_text(errors, "notes", check.notes)
    if check.checked_on > local_today():
        errors.add("checked_on", _("is in the future"))
    errors.raise_if_any()
    with transaction.atomic():
        entry = LeftBehind.objects.select_for_update().get(id=target.id)
        if entry.status != LeftBehindStatus.REMAINING:
            raise Conflict(_("This person is no longer in the area."))
        recorded = WelfareCheck.objects.create(
            left_behind=entry, checked_on=check.checked_on, visited_by=visited_by,
            condition=check.condition, needs_met=check.needs_met, notes=notes,
            recorded_by=actor.user, recorded_at=clock.now())
        if check.condition != Condition.NOT_FOUND and (
                entry.last_contact_on is None or check.checked_on > entry.last_contact_on):
            entry.last_contact_on = check.checked_on
        if check.condition == Condition.DECEASED:
            entry.status = LeftBehindStatus.DECEASED
        entry.next_check_on = _next_check(entry)
        entry.updated_at = clock.now()
        entry.save()
        audit_record(actor=actor, action=AuditAction.LEFT_BEHIND_UPDATE,
                     target_type="left_behind", target_ids=[entry.id], site=target.site.slug)
    return recorded


def left_behind_transfer(*, actor: Actor, entry_id: uuid.UUID | str, to_site: str,
                         arrived_at: dt.datetime | None = None) -> LeftBehind:
    """Move a person left behind to a site: their arrival there, in one step.

    A registered person gets an arrival at `to_site` (haven.registry.services.
    arrivals_record); anyone else is registered there as a household of one
    (household_register), with the vulnerabilities known. Either way the actor must act
    for `to_site`, as for any arrival. All or nothing.
    """
    actor.require("care_left_behind")
    actor.require("register")
    target = left_behind_find(actor=actor, entry_id=entry_id,
                              action=AuditAction.LEFT_BEHIND_UPDATE)
    errors = Errors()
    site = site_for(errors, "to_site", to_site, actor=actor)
    errors.raise_if_any()
    assert site is not None  # noqa: S101
    with transaction.atomic():
        entry = LeftBehind.objects.select_for_update().get(id=target.id)
        if entry.status != LeftBehindStatus.REMAINING:
            raise Conflict(_("This person is no longer in the area."))
        when = arrived_at or clock.now()
        if entry.person is not None:
            # The register found the person; the registry need not find them again (its
            # arrival_record finds by id only persons the actor already sees).
            arrivals_record(actor=actor, arrivals=[(entry.person.id, site.slug, when)])
        else:
            household = household_register(actor=actor, household=HouseholdInput(
                site=site.slug, arrived_at=when, members=[MemberInput(
                    given_name=entry.given_name, family_name=entry.family_name,
                    patronymic=entry.patronymic, sex=entry.sex,
                    birth_date=str(entry.birth_year or ""), relationship="head",
                    vulnerabilities=entry.vulnerabilities)]))
            entry.person = household.members.get()
        entry.status = LeftBehindStatus.TRANSFERRED
        entry.transferred_to, entry.transferred_at = site, when
        entry.next_check_on = None
        entry.updated_at = clock.now()
        entry.save()
        audit_record(actor=actor, action=AuditAction.LEFT_BEHIND_UPDATE,
                     target_type="left_behind", target_ids=[entry.id, entry.person_id],
                     site=site.slug)
        # The officers of every request that may concern this person, and of every
        # household with a registered relative, are told on commit, each to acknowledge
        # (unacknowledged, it escalates to a coordinator): what failed in January 2026.
        assert entry.person_id is not None  # noqa: S101 - set just above, either way
        person_transferred(person_id=entry.person_id, site_id=site.id,
                           relatives=entry.relatives.values_list("person_id", flat=True))
    return entry
