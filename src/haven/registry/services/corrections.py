"""Correct a household or a person; every old value goes to the record's history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.names import NameProblem, given_name_key, surname_key
from haven.core.names.cleaning import clean_text
from haven.registry.models import (
    Household,
    Person,
    PersonVulnerability,
    RecordChange,
)
from haven.registry.phones import PhoneProblem, clean_phone
from haven.registry.records import HOUSEHOLD_FIELDS, PERSON_FIELDS, fields_writable
from haven.registry.selectors import household_get, person_get
from haven.registry.services.validation import (
    MAX_PLACE,
    MemberInput,
    _clean_member,
    _Errors,
    problem_text,
)
from haven.registry.vocabulary import (
    PersonStatus,
    Relationship,
)

if TYPE_CHECKING:
    from haven.accounts.access import Actor


def household_update(*, actor: Actor, ref: str, changes: dict[str, Any]) -> Household:
    """Correct a household's place of origin, phone or size; the old values go to its history."""
    actor.require("register")
    household = household_get(actor=actor, ref=ref)
    errors = _Errors()
    for key in sorted(set(changes) - HOUSEHOLD_FIELDS):
        errors.add(key, _("cannot be changed here"))
    writable = fields_writable(actor, "household")
    changes = {k: v for k, v in changes.items() if k in writable}
    values: dict[str, Any] = {}
    if "place_of_origin" in changes:
        try:
            values["place_of_origin"] = clean_text(changes["place_of_origin"] or "",
                                                   required=False, max_length=MAX_PLACE)
        except NameProblem as problem:
            errors.add("place_of_origin", problem_text(problem))
    if "phone" in changes:
        try:
            values["phone"], values["phone_e164"] = clean_phone(changes["phone"] or "")
        except PhoneProblem as problem:
            errors.add("phone", problem_text(problem))
    if "size" in changes:
        # All members, including any the actor does not see (a relative at another site).
        members = Person.objects.filter(household=household).count()
        size = changes["size"]
        if size is None or not members <= size <= 99:
            errors.add("size", _("must be between the number of members listed (%(n)d) and 99")
                       % {"n": members})
        values["size"] = size
    errors.raise_if_any()
    _apply_changes(actor, household, values, AuditAction.HOUSEHOLD_UPDATE,
                   household=household, person=None)
    return household


def person_update(*, actor: Actor, ref: str, changes: dict[str, Any]) -> Person:
    """Correct a person's record; every changed field's old value goes to the history.

    Fields the actor's role may not change (`fields_writable`: medical and protection
    fields for most roles) are ignored and keep their stored values; neither the answer
    nor the refusal of anything else depends on them.
    """
    actor.require("register")
    person = person_get(actor=actor, ref=ref)
    errors = _Errors()
    unknown = set(changes) - PERSON_FIELDS
    for key in sorted(unknown):
        errors.add(key, _("cannot be changed here"))
    writable = fields_writable(actor, "person")
    changes = {k: v for k, v in changes.items() if k in writable}
    if "status" in changes and changes["status"] not in PersonStatus.values:
        errors.add("status", _("must be one of: %(choices)s")
                   % {"choices": ", ".join(PersonStatus.values)})
    errors.raise_if_any()
    current = MemberInput(
        given_name=person.given_name, family_name=person.family_name,
        patronymic=person.patronymic, sex=person.sex, birth_date=person.birth_date,
        relationship=person.relationship, document_type=person.document_type,
        document_number=person.document_number,
        # Stored values are checked by nobody: only what the actor changes is cleaned.
        vulnerabilities=[],
    )
    for key, value in changes.items():
        if key != "status":
            setattr(current, key, value if value is not None else "")
    if "birth_date" not in changes:
        # The stored date stands as it is; only a new date is checked against today.
        current.birth_date = ""
    clean = _clean_member(errors, "person", current, today=timezone.localdate(clock.now()))
    errors.errors = {k.removeprefix("person."): v for k, v in errors.errors.items()}
    if (changes.get("relationship") == Relationship.HEAD != person.relationship
            and Person.objects.filter(household_id=person.household_id,
                                      relationship=Relationship.HEAD).exists()):
        errors.add("relationship", _("the household already has a head; change theirs first"))
    errors.raise_if_any()
    values: dict[str, Any] = {}
    for name_field, (value, script) in clean.names.items():
        values[name_field] = value
        values[f"{name_field}_script"] = script
    values["given_name_key"] = given_name_key(values["given_name"])
    values["family_name_key"] = surname_key(values["family_name"])
    values.update(sex=clean.sex, relationship=clean.relationship,
                  document_type=clean.document_type, document_number=clean.document_number)
    if "birth_date" in changes:
        values.update(birth_year=clean.birth.year, birth_month=clean.birth.month,
                      birth_day=clean.birth.day, birth_date_precision=clean.birth.precision)
    if "status" in changes:
        values["status"] = changes["status"]
    extra: dict[str, list[Any]] = {}
    with transaction.atomic():
        if "vulnerabilities" in changes:
            before = sorted(v.code for v in person.vulnerabilities.all())
            after = sorted(clean.vulnerabilities)
            if before != after:
                person.vulnerabilities.all().delete()
                PersonVulnerability.objects.bulk_create(
                    PersonVulnerability(person=person, code=c) for c in after)
                extra["vulnerabilities"] = [before, after]
        _apply_changes(actor, person, values, AuditAction.PERSON_UPDATE,
                       household=person.household, person=person, extra=extra)
    return person


def _apply_changes(
    actor: Actor, record: Household | Person, values: dict[str, Any], action: AuditAction, *,
    household: Household, person: Person | None, extra: dict[str, list[Any]] | None = None,
) -> None:
    """Set the changed fields, and write the record's history and the audit event."""
    changed: dict[str, list[Any]] = {}
    for key, value in values.items():
        old = getattr(record, key)
        if old != value:
            changed[key] = [old, value]
            setattr(record, key, value)
    history = {k: v for k, v in changed.items() if not k.endswith(("_script", "_key"))}
    history.update(extra or {})
    if not history:
        return
    now = clock.now()
    with transaction.atomic():
        record.updated_at = now
        record.save(update_fields=[*changed, "updated_at"])
        RecordChange.objects.create(household=household, person=person, at=now,
                                    changed_by=actor.user, action="updated", changes=history)
        audit_record(actor=actor, action=action, target_type=type(record).__name__.lower(),
                     target_ids=[record.id], site=household.registered_at.slug)
