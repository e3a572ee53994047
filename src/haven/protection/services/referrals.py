"""Refer a person to a service or site; the receiving site accepts or declines; follow up.

A referral needs the person's consent, except a recorded life-saving exception in an
emergency. While it is open (requested or accepted) the receiving site sees the person's
outline and the referral (haven.protection.grants), not the person's record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import Conflict, PermissionDenied
from haven.protection.models import Referral, ReferralUpdate
from haven.protection.selectors.referrals import referral_find
from haven.protection.services.common import (
    Errors,
    choice,
    clean_text,
    local_today,
    site_for,
    visible_person,
)
from haven.protection.vocabulary import OPEN_REFERRAL, ReferralStatus, Service, Urgency
from haven.registry.models import Person, Site

if TYPE_CHECKING:
    import uuid

    from haven.accounts.access import Actor

# The first follow-up, unless the officer sets one: the more urgent, the sooner.
FOLLOW_UP_AFTER = {Urgency.EMERGENCY: 1, Urgency.URGENT: 3, Urgency.ROUTINE: 14}


@dataclass
class ReferralInput:
    person: str  # id or code
    service: str
    to_site: str  # slug of the receiving site (the referring site itself for its own service)
    urgency: str
    consent: bool
    notes: str = ""
    reason: str = ""
    life_saving_exception: bool = False
    exception_reason: str = ""
    follow_up_on: dt.date | None = None
    from_site: str = ""  # slug; by default the officer's one site, or the person's last


def _from_site(errors: Errors, actor: Actor, slug: str, person: Person | None) -> Site | None:
    if slug:
        return site_for(errors, "from_site", slug, actor=actor)
    own = actor.own_site_ids
    site_id = next(iter(own)) if len(own) == 1 else None
    if site_id is None and person is not None and person.last_site_id is not None \
            and actor.may_act_for_site(person.last_site_id):
        site_id = person.last_site_id
    if site_id is None:
        errors.add("from_site", _("say which of your sites makes the referral"))
        return None
    return Site.objects.get(id=site_id)


def referral_create(*, actor: Actor, referral: ReferralInput) -> Referral:
    """Refer a person; refused without consent unless a life-saving exception is recorded.

    Raise ValidationFailed naming each wrong field: `consent` when there is neither
    consent nor an exception, `exception_reason` for an exception without a reason or
    outside an emergency.
    """
    actor.require("refer")
    errors = Errors()
    person = visible_person(errors, "person", referral.person, actor=actor,
                            action=AuditAction.REFERRAL_CREATE, target_type="referral")
    choice(errors, "service", referral.service, Service.values)
    choice(errors, "urgency", referral.urgency, Urgency.values)
    to_site = site_for(errors, "to_site", referral.to_site)
    from_site = _from_site(errors, actor, referral.from_site, person)
    notes = clean_text(errors, "notes", referral.notes)
    reason = clean_text(errors, "reason", referral.reason)
    exception_reason = clean_text(errors, "exception_reason", referral.exception_reason)
    if not referral.consent:
        if not referral.life_saving_exception:
            errors.add("consent", _("the person's consent is required; without it only a "
                                    "life-saving exception may be recorded"))
        else:
            if referral.urgency != Urgency.EMERGENCY:
                errors.add("life_saving_exception",
                           _("a referral without consent must be an emergency"))
            if not exception_reason:
                errors.add("exception_reason",
                           _("say why the referral cannot wait for consent"))
    today = local_today()
    if referral.follow_up_on is not None and referral.follow_up_on < today:
        errors.add("follow_up_on", _("is in the past"))
    errors.raise_if_any()
    if person is None or to_site is None or from_site is None:  # raise_if_any raised then
        raise AssertionError("unreachable: checked above")
    follow_up_on = referral.follow_up_on or today + dt.timedelta(
        days=FOLLOW_UP_AFTER[Urgency(referral.urgency)])
    now = clock.now()
    with transaction.atomic():
        created = Referral.objects.create(
            person=person, from_site=from_site, to_site=to_site, service=referral.service,
            urgency=referral.urgency, consent=referral.consent,
            life_saving_exception=not referral.consent and referral.life_saving_exception,
            exception_reason=exception_reason if not referral.consent else "",
            reason=reason, notes=notes, follow_up_on=follow_up_on, officer=actor.user,
            created_by=actor.user, created_at=now, updated_at=now)
        ReferralUpdate.objects.create(referral=created, at=now, by=actor.user,
                                      action=ReferralStatus.REQUESTED,
                                      follow_up_on=follow_up_on)
        audit_record(actor=actor, action=AuditAction.REFERRAL_CREATE, target_type="referral",
                     target_ids=[created.id, person.id], site=from_site.slug)
    return created


def _target(actor: Actor, referral_id: uuid.UUID | str) -> uuid.UUID:
    """Return the id of a referral the actor may answer; NotFound (audited) otherwise.

    Called before the transaction, so that a refused attempt's audit row is kept.
    """
    actor.require("refer")
    return referral_find(actor=actor, referral_id=referral_id,
                         action=AuditAction.REFERRAL_UPDATE).id


def _locked(referral_id: uuid.UUID) -> Referral:
    return Referral.objects.select_for_update().select_related("from_site", "to_site").get(
        id=referral_id)


def _record(actor: Actor, referral: Referral, action: str, *, note: str,
            follow_up_on: dt.date | None, site: Site) -> None:
    now = clock.now()
    referral.updated_at = now
    referral.save()
    ReferralUpdate.objects.create(referral=referral, at=now, by=actor.user, action=action,
                                  note=note, follow_up_on=follow_up_on)
    audit_record(actor=actor, action=AuditAction.REFERRAL_UPDATE, target_type="referral",
                 target_ids=[referral.id, referral.person_id], site=site.slug)


def _require_receiving(actor: Actor, referral: Referral) -> None:
    if not actor.may_act_for_site(referral.to_site_id):
        raise PermissionDenied(_("Only the receiving site accepts or declines a referral."))


def _require_status(referral: Referral, *allowed: str) -> None:
    if referral.status not in allowed:
        raise Conflict(_("The referral is %(status)s.")
                       % {"status": ReferralStatus(referral.status).label.lower()})


def referral_accept(*, actor: Actor, referral_id: uuid.UUID | str, note: str = "",
                    follow_up_on: dt.date | None = None) -> Referral:
    """Accept a requested referral, as the receiving site."""
    target = _target(actor, referral_id)
    with transaction.atomic():
        referral = _locked(target)
        _require_receiving(actor, referral)
        _require_status(referral, ReferralStatus.REQUESTED)
        errors = Errors()
        text = clean_text(errors, "note", note)
        errors.raise_if_any()
        referral.status = ReferralStatus.ACCEPTED
        referral.answered_by, referral.answered_at = actor.user, clock.now()
        if follow_up_on is not None:
            referral.follow_up_on = follow_up_on
        _record(actor, referral, ReferralStatus.ACCEPTED, note=text, follow_up_on=follow_up_on,
                site=referral.to_site)
    return referral


def referral_decline(*, actor: Actor, referral_id: uuid.UUID | str, reason: str) -> Referral:
    """Decline a requested referral, as the receiving site, saying why."""
    target = _target(actor, referral_id)
    with transaction.atomic():
        referral = _locked(target)
        _require_receiving(actor, referral)
        _require_status(referral, ReferralStatus.REQUESTED)
        errors = Errors()
        text = clean_text(errors, "reason", reason, required=True)
        errors.raise_if_any()
        referral.status = ReferralStatus.DECLINED
        referral.status_reason = text
        referral.answered_by, referral.answered_at = actor.user, clock.now()
        referral.follow_up_on = None
        _record(actor, referral, ReferralStatus.DECLINED, note=text, follow_up_on=None,
                site=referral.to_site)
    return referral


def referral_complete(*, actor: Actor, referral_id: uuid.UUID | str, note: str = "") -> Referral:
    """Close an accepted referral as done (either site); it stops granting the outline."""
    target = _target(actor, referral_id)
    with transaction.atomic():
        referral = _locked(target)
        _require_status(referral, ReferralStatus.ACCEPTED)
        errors = Errors()
        text = clean_text(errors, "note", note)
        errors.raise_if_any()
        referral.status = ReferralStatus.COMPLETED
        referral.status_reason = text
        referral.follow_up_on = None
        site = referral.to_site if actor.may_see_site(referral.to_site_id) else referral.from_site
        _record(actor, referral, ReferralStatus.COMPLETED, note=text, follow_up_on=None, site=site)
    return referral


def referral_follow_up(*, actor: Actor, referral_id: uuid.UUID | str, note: str,
                       next_follow_up_on: dt.date | None) -> Referral:
    """Record a follow-up of an open referral and when the next one is due (None: none)."""
    target = _target(actor, referral_id)
    with transaction.atomic():
        referral = _locked(target)
        _require_status(referral, *OPEN_REFERRAL)
        errors = Errors()
        text = clean_text(errors, "note", note, required=True)
        if next_follow_up_on is not None and next_follow_up_on < local_today():
            errors.add("next_follow_up_on", _("is in the past"))
        errors.raise_if_any()
        referral.follow_up_on = next_follow_up_on
        site = referral.from_site if actor.may_see_site(referral.from_site_id) \
            else referral.to_site
        _record(actor, referral, "follow_up", note=text, follow_up_on=next_follow_up_on, site=site)
    return referral
