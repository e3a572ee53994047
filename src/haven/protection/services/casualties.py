"""Incidents and the register of the dead, injured and missing.

A casualty is recorded at the site that holds the record (where the person was brought
or reported), linked to an incident and either to a registered person or to a
description of someone not yet identified; identification links it later.
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
from haven.core.errors import Conflict
from haven.protection.models import Casualty, Incident
from haven.protection.selectors.casualties import casualty_find
from haven.protection.selectors.common import parse_id
from haven.protection.services.common import (
    MAX_SHORT,
    Errors,
    choice,
    clean_text,
    local_today,
    site_for,
)
from haven.protection.vocabulary import CasualtyKind, IncidentKind
from haven.registry.models import Person
from haven.registry.selectors import person_presented, persons_visible
from haven.registry.services import person_update
from haven.registry.vocabulary import PersonStatus, Sex
from haven.tracing.news import person_recorded_as_casualty

if TYPE_CHECKING:
    import uuid

    from haven.accounts.access import Actor


@dataclass
class IncidentInput:
    kind: str
    name: str
    occurred_on: dt.date
    place: str
    description: str = ""


def incident_create(*, actor: Actor, incident: IncidentInput) -> Incident:
    """Record an incident (an explosion, deaths on the road): public facts, no one's data."""
    actor.require("record_casualties")
    errors = Errors()
    choice(errors, "kind", incident.kind, IncidentKind.values)
    name = clean_text(errors, "name", incident.name, required=True, max_length=MAX_SHORT)
    place = clean_text(errors, "place", incident.place, required=True, max_length=MAX_SHORT)
    description = clean_text(errors, "description", incident.description)
    if incident.occurred_on > local_today():
        errors.add("occurred_on", _("is in the future"))
    errors.raise_if_any()
    with transaction.atomic():
        created = Incident.objects.create(
            kind=incident.kind, name=name, occurred_on=incident.occurred_on, place=place,
            description=description, created_by=actor.user, created_at=clock.now())
        audit_record(actor=actor, action=AuditAction.INCIDENT_CREATE, target_type="incident",
                     target_ids=[created.id])
    return created


@dataclass
class CasualtyInput:
    incident: str  # the incident's id
    kind: str
    site: str  # the site that holds the record
    occurred_on: dt.date | None = None  # the incident's date if not given
    person: str = ""  # id or code, when the person is known and registered
    sex: str = Sex.UNKNOWN
    approximate_age: int | None = None
    clothing: str = ""
    belongings: str = ""
    found_at: str = ""
    marks: str = ""
    injuries: str = ""


def _person_by_code(errors: Errors, field: str, ref: str, actor: Actor) -> Person | None:
    # As for an arrival, the code on a person's paper identifies them at any site (an id
    # only a person the actor sees): the registry's person_presented.
    person = person_presented(actor=actor, ref=ref)
    if person is None:
        errors.add(field, _("no person has this id or code"))
    return person


def casualty_record(*, actor: Actor, casualty: CasualtyInput) -> Casualty:
    """Record a dead, injured or missing person, identified or described."""
    actor.require("record_casualties")
    errors = Errors()
    key = parse_id(casualty.incident)
    incident = Incident.objects.filter(id=key).first() if key else None
    if incident is None:
        errors.add("incident", _("no such incident"))
    choice(errors, "kind", casualty.kind, CasualtyKind.values)
    choice(errors, "sex", casualty.sex or Sex.UNKNOWN, Sex.values)
    site = site_for(errors, "site", casualty.site, actor=actor)
    person = (_person_by_code(errors, "person", casualty.person, actor) if casualty.person
              else None)
    if casualty.approximate_age is not None and not 0 <= casualty.approximate_age <= 120:
        errors.add("approximate_age", _("must be from 0 to 120"))
    texts = {name: clean_text(errors, name, getattr(casualty, name))
             for name in ("clothing", "belongings", "found_at", "marks", "injuries")}
    occurred_on = casualty.occurred_on or (incident.occurred_on if incident else None)
    if occurred_on is not None and occurred_on > local_today():
        errors.add("occurred_on", _("is in the future"))
    errors.raise_if_any()
    if incident is None or site is None or occurred_on is None:  # raise_if_any raised then
        raise AssertionError("unreachable: checked above")
    now = clock.now()
    with transaction.atomic():
        created = Casualty.objects.create(
            incident=incident, kind=casualty.kind, site=site, occurred_on=occurred_on,
            person=person, sex=casualty.sex or Sex.UNKNOWN,
            approximate_age=casualty.approximate_age,
            identified_at=now if person else None, identified_by=actor.user if person else None,
            created_by=actor.user, created_at=now, updated_at=now, **texts)
        audit_record(actor=actor, action=AuditAction.CASUALTY_CREATE, target_type="casualty",
                     target_ids=[created.id, *([person.id] if person else [])], site=site.slug)
        if person is not None:
            _after_identification(actor, created, person)
    return created


def _after_identification(actor: Actor, casualty: Casualty, person: Person) -> None:
    """What identifying a casualty changes beyond the register, in its transaction."""
    if (casualty.kind == CasualtyKind.DEAD and person.status != PersonStatus.DECEASED
            and persons_visible(actor).filter(id=person.id).exists()):
        # The registry's record says so too, through the registry's own service and
        # history; a record the actor does not hold is left to its site's staff.
        person_update(actor=actor, ref=str(person.id), changes={"status": "deceased"})
    # The tracing requests that may concern the person say so in their history and
    # their officers are told, on commit (haven.tracing.news).
    person_recorded_as_casualty(person_id=person.id, kind=casualty.kind)


def casualty_identify(*, actor: Actor, casualty_id: uuid.UUID | str, person: str) -> Casualty:
    """Link an unidentified casualty to the registered person they turned out to be."""
    actor.require("record_casualties")
    target = casualty_find(actor=actor, casualty_id=casualty_id,
                           action=AuditAction.CASUALTY_UPDATE)
    errors = Errors()
    found = _person_by_code(errors, "person", person, actor)
    errors.raise_if_any()
    assert found is not None  # noqa: S101
    with transaction.atomic():
        casualty = Casualty.objects.select_for_update().get(id=target.id)
        if casualty.person_id is not None:
            raise Conflict(_("This casualty is already identified."))
        now = clock.now()
        casualty.person, casualty.identified_at, casualty.identified_by = found, now, actor.user
        casualty.updated_at = now
        casualty.save(update_fields=["person", "identified_at", "identified_by", "updated_at"])
        audit_record(actor=actor, action=AuditAction.CASUALTY_UPDATE, target_type="casualty",
                     target_ids=[casualty.id, found.id], site=target.site.slug)
        _after_identification(actor, casualty, found)
    return casualty


def casualty_update(*, actor: Actor, casualty_id: uuid.UUID | str, kind: str,
                    occurred_on: dt.date | None = None, injuries: str | None = None) -> Casualty:
    """Change what became of a casualty: the injured who died, the missing found."""
    actor.require("record_casualties")
    target = casualty_find(actor=actor, casualty_id=casualty_id,
                           action=AuditAction.CASUALTY_UPDATE)
    errors = Errors()
    choice(errors, "kind", kind, CasualtyKind.values)
    text = clean_text(errors, "injuries", injuries) if injuries is not None else None
    if occurred_on is not None and occurred_on > local_today():
        errors.add("occurred_on", _("is in the future"))
    errors.raise_if_any()
    with transaction.atomic():
        casualty = Casualty.objects.select_for_update().get(id=target.id)
        casualty.kind = kind
        if occurred_on is not None:
            casualty.occurred_on = occurred_on
        if text is not None:
            casualty.injuries = text
        casualty.updated_at = clock.now()
        casualty.save()
        audit_record(actor=actor, action=AuditAction.CASUALTY_UPDATE, target_type="casualty",
                     target_ids=[casualty.id], site=target.site.slug)
        if casualty.person is not None:
            _after_identification(actor, casualty, casualty.person)
    return casualty

