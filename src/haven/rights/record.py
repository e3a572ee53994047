"""The right of access: one person's full record, as JSON and PDF the person can be given.

Everything stored about the person — their registration, household, arrivals, merges,
referrals, placements, testimonies and the rest (found by `haven.rights.graph`) — and
the audit log's account of who read or changed it and when. Producing the export is
itself audited (`person.export`). Only a role with `subject_access` may produce it,
and only for a person it may see (`persons_visible`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from haven.accounts.access import Actor
from haven.accounts.models import User
from haven.audit.models import AuditAction, AuditEvent, Outcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, PermissionDenied
from haven.registry.models import Household, Person, Site
from haven.registry.selectors import persons_visible
from haven.rights.graph import Rows, Subject, subject_of

# Columns that say nothing to the person and only repeat what the section shows.
_SKIPPED = {"id", "household", "person", "merged_into"}


@dataclass
class Section:
    """The rows of one kind of record (`label` is the model's name, e.g. `protection.referral`)."""

    label: str
    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PersonRecord:
    produced_at: dt.datetime
    produced_by: str
    person: dict[str, Any]
    household: list[dict[str, Any]]
    merged_records: list[dict[str, Any]]
    sections: list[Section]
    audit: list[dict[str, Any]]

    @property
    def produced_at_text(self) -> str:
        return f"{self.produced_at:%Y-%m-%d %H:%M}"

    def as_json(self) -> dict[str, Any]:
        """Return the record as JSON-ready data (what `--format json` writes)."""
        return {
            "produced_at": self.produced_at.isoformat(), "produced_by": self.produced_by,
            "person": self.person, "household": self.household,
            "merged_records": self.merged_records,
            "records": {s.label: s.rows for s in self.sections},
            "audit": self.audit,
        }


def _reference(target: Any, value: Any, persons: set[Any]) -> Any:
    """Return what a key names, as the person knows it: a username, a site, a code."""
    if target is Person and value not in persons:
        return _("another person")  # another person's code is theirs, not the subject's
    column = {User: "username", Site: "slug", Person: "code", Household: "code"}.get(target)
    if column is None:
        return str(value)
    return target._default_manager.filter(pk=value).values_list(column, flat=True).first()


def _value(model_field: models.Field[Any, Any], value: Any, persons: set[Any]) -> Any:
    """Return a stored value as the person can read it: names and codes, not row ids."""
    if value is None or isinstance(value, bytes | memoryview):  # files are listed, not embedded
        return None
    if isinstance(model_field, models.ForeignKey):
        return _reference(model_field.related_model, value, persons)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _row(instance: models.Model, persons: set[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.name in _SKIPPED:
            continue
        out[model_field.name] = _value(model_field, getattr(instance, model_field.attname),
                                       persons)
    return out


def _sections(groups: list[Rows], persons: set[Any]) -> list[Section]:
    by_label: dict[str, Section] = {}
    seen: set[tuple[str, Any]] = set()

    def walk(rows: Rows) -> None:
        meta = rows.model._meta
        section = by_label.setdefault(meta.label_lower, Section(
            label=meta.label_lower, title=str(meta.verbose_name_plural)))
        for instance in rows.model._default_manager.filter(pk__in=rows.pks).order_by("pk"):
            if (meta.label_lower, instance.pk) in seen:
                continue
            seen.add((meta.label_lower, instance.pk))
            section.rows.append(_row(instance, persons))
        for child in rows.children:
            walk(child)

    for group in groups:
        walk(group)
    return [s for s in by_label.values() if s.rows]


def _audit_trail(subject: Subject) -> list[dict[str, Any]]:
    """Return who touched the person's or household's records, when, how (oldest first)."""
    ids = [str(i) for i in subject.person_ids] + [str(h.pk) for h in subject.households]
    events = (AuditEvent.objects.filter(targets__target_id__in=ids).distinct()
              .order_by("at", "id"))
    return [{"at": e.at.isoformat(), "username": e.username, "role": e.role,
             "action": e.action, "action_label": e.action_label, "outcome": e.outcome,
             "channel": e.channel, "site": e.site} for e in events]


def _require(actor: Actor, code: str) -> Person:
    person = persons_visible(actor).filter(code=code.strip().upper()).first() \
        if actor.policy.subject_access else None
    if not actor.policy.subject_access:
        audit_record(actor=actor, action=AuditAction.PERSON_EXPORT, target_type="person",
                     outcome=Outcome.DENIED)
        raise PermissionDenied(_("Your role does not allow exporting a person's record."))
    if person is None:
        audit_record(actor=actor, action=AuditAction.PERSON_EXPORT, target_type="person",
                     outcome=Outcome.DENIED)
        raise NotFound(_("No such person."))
    return person


def person_record(*, actor: Actor, code: str) -> PersonRecord:
    """Return everything stored about the person with `code`; audit the export."""
    person = _require(actor, code)
    with transaction.atomic():
        subject = subject_of(person)
        persons = subject.person_ids
        # The trail is read before this export's own event, which is then written.
        trail = _audit_trail(subject)
        audit_record(actor=actor, action=AuditAction.PERSON_EXPORT, target_type="person",
                     target_ids=sorted(str(i) for i in persons),
                     site=person.household.registered_at.slug)
    main = _row(person, persons)
    main["code"] = person.code
    main["vulnerabilities"] = sorted(person.vulnerabilities.values_list("code", flat=True))
    return PersonRecord(
        produced_at=clock.now(), produced_by=actor.user.get_username(), person=main,
        # The person's own household first, then those of records merged into them.
        household=[{"code": h.code, **_row(h, persons)} for h in sorted(
            subject.households, key=lambda h: (h.pk != person.household_id, h.code))],
        merged_records=[{"code": p.code, **_row(p, persons)}
                        for p in sorted(subject.persons, key=lambda p: p.code)
                        if p.pk != person.pk],
        sections=_sections(subject.person_rows + subject.household_rows, persons),
        audit=trail,
    )
