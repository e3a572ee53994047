"""Record arrivals of people already registered (the border, then a hub), by id or code."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import ValidationFailed
from haven.core.ids import parse_code
from haven.registry.events import RegistryEvent, registry_event_fire
from haven.registry.models import (
    Arrival,
    Person,
    RecordChange,
    Site,
)
from haven.registry.selectors import person_denied_targets, person_presented, site_by_slug
from haven.registry.services.validation import _Errors
from haven.registry.summaries import arrival_summaries_refresh

if TYPE_CHECKING:
    from haven.accounts.access import Actor


def arrival_record(
    *, actor: Actor, person: str, site: str, arrived_at: dt.datetime | None = None
) -> Arrival:
    """Record that an already registered person arrived at another site (border, then hub).

    By the code on their paper, the person is found at any site: whoever holds the code
    may present it, and the person then becomes visible to the new site's staff. By id
    (never on paper; only an answer about a record the actor sees carries it) only a person
    the actor may see is found. A person not found, hidden or nonexistent, gets the same
    refusal, audited as denied; a refused site is answered before any person is looked up,
    so that the answer to a wrong site never says whether the person exists.
    """
    actor.require("register")
    errors = _Errors()
    if _person_key(person) is None:
        errors.add("person", _("no person has this id or code"))
    site_obj = site_by_slug(site)
    if site_obj is None or not site_obj.is_active:
        errors.add("site", _("unknown site %(site)r") % {"site": site[:40]})
    elif not actor.may_act_for_site(site_obj.id):
        errors.add("site", _("you do not act for this site"))
    errors.raise_if_any()
    assert site_obj is not None  # noqa: S101 - raise_if_any returned
    target = person_presented(actor=actor, ref=person)
    if target is None:
        audit_record(actor=actor, action=AuditAction.ARRIVAL_CREATE, target_type="person",
                     target_ids=person_denied_targets(person), site=site_obj.slug,
                     outcome=Outcome.DENIED)
        raise ValidationFailed.single("person", _("no person has this id or code"))
    now = clock.now()
    with transaction.atomic():
        arrival = Arrival.objects.create(person=target, site=site_obj,
                                         arrived_at=arrived_at or now,
                                         recorded_by=actor.user, channel=actor.channel)
        RecordChange.objects.create(household_id=target.household_id, person=target, at=now,
                                    changed_by=actor.user, action="arrived",
                                    changes={"site": [None, site_obj.slug]})
        arrival_summaries_refresh(person_ids=[target.id], household_ids=[target.household_id])
        audit_record(actor=actor, action=AuditAction.ARRIVAL_CREATE, target_type="person",
                     target_ids=[target.id], site=site_obj.slug)
        registry_event_fire(RegistryEvent(
            kind="arrived", person_ids=(target.id,), household_ids=(target.household_id,),
            channel=actor.channel, username=actor.user.get_username()))
    return arrival


_PERSON_CHUNK = 500  # ids per IN (...) query: well under SQLite's bound-variable limit


def _person_key(ref: object) -> uuid.UUID | str | None:
    """Return a person reference as stored: a UUID, a canonical code, or None if neither."""
    if isinstance(ref, uuid.UUID):
        return ref
    text = str(ref or "").strip()
    try:
        return uuid.UUID(text)
    except ValueError:
        return parse_code(text)


def _persons_by_key(keys: list[uuid.UUID | str]) -> dict[uuid.UUID | str, tuple[Any, Any]]:
    """Return {reference: (person id, household id)} for the references that name a person."""
    ids = sorted({k for k in keys if isinstance(k, uuid.UUID)})
    codes = sorted({k for k in keys if isinstance(k, str)})
    found: dict[uuid.UUID | str, tuple[Any, Any]] = {}
    for start in range(0, len(ids), _PERSON_CHUNK):
        for pk, household_id in Person.objects.filter(
                id__in=ids[start:start + _PERSON_CHUNK]).values_list("id", "household_id"):
            found[pk] = (pk, household_id)
    for start in range(0, len(codes), _PERSON_CHUNK):
        for pk, code, household_id in Person.objects.filter(
                code__in=codes[start:start + _PERSON_CHUNK]).values_list(
                    "id", "code", "household_id"):
            found[code] = (pk, household_id)
    return found


def arrivals_record(
    *, actor: Actor,
    arrivals: Sequence[tuple[str | uuid.UUID, str, dt.datetime | None]],
) -> list[Arrival]:
    """Record many arrivals of registered people at sites, in one transaction, all or nothing.

    For services that found the persons themselves (a card's code presented at a hub, a
    run's passengers, a placement's members): ids name persons at any site here. Pages
    and the API record one arrival through `arrival_record`, which finds by id only the
    persons the actor may see.

    Each arrival is (person id or code, site slug, arrival time or None for now) and
    follows `arrival_record`'s rules: the person may be registered at any site; the site
    must exist, be active, and be one the actor acts for. Raise ValidationFailed naming
    every wrong arrival by its index (``arrivals[3].site``); nothing is stored then.
    Each arrival gets its history entry; the audit log gets one event per site.
    """
    actor.require("register")
    if not arrivals:
        return []
    errors = _Errors()
    keys = [_person_key(ref) for ref, _site, _at in arrivals]
    persons = _persons_by_key([k for k in keys if k is not None])
    sites: dict[str, Site | None] = {}
    for index, ((_ref, given_slug, _at), key) in enumerate(zip(arrivals, keys, strict=True)):
        if key is None or key not in persons:
            errors.add(f"arrivals[{index}].person", _("no person has this id or code"))
        slug = (given_slug or "").strip().lower()
        if slug not in sites:
            sites[slug] = site_by_slug(slug)
        site = sites[slug]
        if site is None or not site.is_active:
            errors.add(f"arrivals[{index}].site",
                       _("unknown site %(site)r") % {"site": slug[:40]})
        elif not actor.may_act_for_site(site.id):
            errors.add(f"arrivals[{index}].site", _("you do not act for this site"))
    errors.raise_if_any()
    now = clock.now()
    rows: list[Arrival] = []
    changes: list[RecordChange] = []
    targets_by_site: dict[str, list[object]] = {}
    household_ids: set[Any] = set()
    for (_ref, slug, arrived_at), key in zip(arrivals, keys, strict=True):
        assert key is not None  # noqa: S101 - raise_if_any returned, so every person was found
        person_id, household_id = persons[key]
        household_ids.add(household_id)
        site = sites[(slug or "").strip().lower()]
        assert site is not None  # noqa: S101 - and every site
        rows.append(Arrival(person_id=person_id, site=site, arrived_at=arrived_at or now,
                            recorded_by=actor.user, channel=actor.channel))
        changes.append(RecordChange(household_id=household_id, person_id=person_id, at=now,
                                    changed_by=actor.user, action="arrived",
                                    changes={"site": [None, site.slug]}))
        targets_by_site.setdefault(site.slug, []).append(person_id)
    with transaction.atomic():
        Arrival.objects.bulk_create(rows)
        RecordChange.objects.bulk_create(changes)
        arrival_summaries_refresh(person_ids=[row.person_id for row in rows],
                                  household_ids=household_ids)
        for slug, targets in targets_by_site.items():
            audit_record(actor=actor, action=AuditAction.ARRIVAL_CREATE, target_type="person",
                         target_ids=targets, site=slug)
        registry_event_fire(RegistryEvent(
            kind="arrived", person_ids=tuple(dict.fromkeys(row.person_id for row in rows)),
            household_ids=tuple(household_ids), channel=actor.channel,
            username=actor.user.get_username()))
    return rows
