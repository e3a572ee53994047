"""What a role may see of a record: one function per record type, used by API and pages.

Medical and protection fields are left out of the dictionary entirely, not blanked,
for roles without the right: a blank would still say "we checked, nothing".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from haven.registry.models import Arrival, Household, Person, RecordChange, Site

if TYPE_CHECKING:
    from haven.accounts.access import Actor

MEDICAL_FIELDS = frozenset({"vulnerabilities"})

# The fields a correction may change (registry.services.corrections).
HOUSEHOLD_FIELDS = frozenset({"place_of_origin", "phone", "size"})
PERSON_FIELDS = frozenset({"given_name", "family_name", "patronymic", "sex", "birth_date",
                           "relationship", "document_type", "document_number", "status",
                           "vulnerabilities"})


def fields_writable(actor: Actor, record: str) -> frozenset[str]:
    """Return the fields of a "household" or "person" record the actor's role may change.

    The one rule for every channel that corrects a record (API, pages, ODK edits): a
    field outside it is ignored and its stored value kept, never refused. A refusal would
    depend on what is stored (an ODK edit repeats every field, so "refused unless the
    vulnerabilities are the stored ones" told a registrar which they are).
    """
    fields = HOUSEHOLD_FIELDS if record == "household" else PERSON_FIELDS
    if not actor.policy.register:
        return frozenset()
    return fields if actor.policy.medical_fields else fields - MEDICAL_FIELDS


def site_record(site: Site) -> dict[str, Any]:
    return {
        "slug": site.slug, "kind": site.kind, "name": site.name, "name_en": site.name_en,
        "name_hy": site.name_hy, "name_ru": site.name_ru, "settlement": site.settlement,
        "province": site.province, "province_code": site.province_code,
        "province_pcode": site.province_pcode, "pcode": site.pcode,
        "capacity": site.capacity, "is_active": site.is_active,
    }


def arrival_record(arrival: Arrival) -> dict[str, Any]:
    return {
        "id": str(arrival.id), "person": str(arrival.person_id), "site": arrival.site.slug,
        "arrived_at": arrival.arrived_at, "recorded_by": arrival.recorded_by.get_username(),
        "channel": arrival.channel,
    }


def person_record(person: Person, *, actor: Actor) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": str(person.id), "code": person.code, "household": str(person.household_id),
        "household_code": person.household.code,
        "given_name": person.given_name, "family_name": person.family_name,
        "patronymic": person.patronymic,
        "scripts": {"given_name": person.given_name_script,
                    "family_name": person.family_name_script,
                    "patronymic": person.patronymic_script},
        "sex": person.sex, "birth_date": person.birth_date,
        "birth_date_precision": person.birth_date_precision,
        "relationship": person.relationship, "document_type": person.document_type,
        "document_number": person.document_number, "status": person.status,
        "created_at": person.created_at,
        "arrivals": [arrival_record(a) for a in person.arrivals.all()],
    }
    if actor.policy.medical_fields:
        record["vulnerabilities"] = sorted(v.code for v in person.vulnerabilities.all())
    return record


def change_record(change: RecordChange, *, actor: Actor) -> dict[str, Any]:
    """Return one history entry, without the medical fields the actor may not see."""
    changes = change.changes
    if not actor.policy.medical_fields:
        changes = {k: v for k, v in changes.items() if k not in MEDICAL_FIELDS}
    return {"at": change.at, "by": change.changed_by.get_username(), "action": change.action,
            "person": str(change.person_id) if change.person_id else None,
            "person_code": change.person.code if change.person else None, "changes": changes}


def household_record(household: Household, *, actor: Actor,
                     with_history: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": str(household.id), "code": household.code,
        "site": household.registered_at.slug, "place_of_origin": household.place_of_origin,
        "phone": household.phone, "size": household.size, "created_at": household.created_at,
        "channel": household.channel,
        "members": [person_record(m, actor=actor) for m in household.members.all()],
    }
    if with_history:
        record["history"] = history_records(household.changes.all(), actor=actor)
    return record


def history_records(changes: Iterable[RecordChange], *, actor: Actor) -> list[dict[str, Any]]:
    """Return the history entries the actor may see, oldest first.

    An update that changed only medical fields is left out whole for roles without the
    right: an entry with nothing in it would still say that something hidden changed.
    """
    entries = []
    for change in changes:
        entry = change_record(change, actor=actor)
        if entry["changes"] or not change.changes:
            entries.append(entry)
    return entries


def household_summary(household: Household) -> dict[str, Any]:
    return {
        "id": str(household.id), "code": household.code, "site": household.registered_at.slug,
        "place_of_origin": household.place_of_origin, "size": household.size,
        "created_at": household.created_at,
        "members": [{"id": str(m.id), "code": m.code, "given_name": m.given_name,
                     "family_name": m.family_name, "patronymic": m.patronymic}
                    for m in household.members.all()],
    }


def person_timeline(person: Person, *, actor: Actor,
                    merges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return one timeline of a person's record, oldest first.

    Registration, every arrival (with its site), the record's changes, and the merges
    and unmerges linkage made (`merges`, from haven.linkage): a merged record's page says
    what happened to it instead of "No changes recorded".
    """
    household = person.household
    entries: list[dict[str, Any]] = [{
        "at": person.created_at, "by": household.created_by.get_username(),
        "action": "created", "site": household.registered_at.name, "changes": {}}]
    entries += [{"at": a.arrived_at, "by": a.recorded_by.get_username(), "action": "arrived",
                 "site": a.site.name, "changes": {}}
                for a in person.arrivals.select_related("site", "recorded_by")]
    changes = person.changes.exclude(action__in=["created", "arrived"]) \
        .select_related("changed_by", "person")
    entries += history_records(changes, actor=actor)
    entries += merges
    return sorted(entries, key=lambda e: e["at"])
