"""Erasure: remove a person so that no byte of them is left in the database or its WAL.

Where the law and the mission allow it (docs/retention.md), a role with
`erase_records` erases a person — the whole cluster of records of that human, every
row that names them (found by haven.rights.graph), and their household when nobody
else is left in it — giving a reason, and confirming by typing the person's code again.

What stays: an `Erasure` row (who, when, why, how many rows of each kind) and an audit
event `person.erase` naming the erased records' ids, which name nobody once the rows are
gone; the append-only audit log itself holds ids, never values. The situation report
keeps counting the person through anonymous sums (haven.rights.tally).

On SQLite, deleted rows would otherwise linger in free pages and in WAL frames: the
deletion runs with `PRAGMA secure_delete`, then the WAL is checkpointed and truncated,
the file rewritten by VACUUM, and the WAL truncated again. Backups taken afterwards copy
the clean file. PostgreSQL: see docs/retention.md for what VACUUM does and does not
overwrite.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from haven.accounts.access import Actor
from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.registry.models import Household, Person
from haven.registry.selectors import persons_visible
from haven.rights.graph import Rows, Subject, subject_of
from haven.rights.models import Erasure
from haven.rights.tally import contribution, tally_add

REASON_LENGTH = 500


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure would remove: shown at the confirmation step, before anything goes."""

    code: str
    persons: int
    households: int
    rows: dict[str, int]


@dataclass(frozen=True)
class ErasureDone:
    erasure: Erasure
    scrubbed: str  # what was done to the files: "vacuumed" (SQLite), "vacuumed table files"


def _find(actor: Actor, code: str) -> Person:
    if not actor.policy.erase_records:
        audit_record(actor=actor, action=AuditAction.PERSON_ERASE, target_type="person",
                     outcome=Outcome.DENIED)
        raise PermissionDenied(_("Your role does not allow erasing records."))
    person = persons_visible(actor).filter(code=(code or "").strip().upper()).first()
    if person is None:
        raise NotFound(_("No such person."))
    return person


def _count(groups: list[Rows], into: Counter[str]) -> None:
    for rows in groups:
        into[rows.model._meta.label_lower] += len(rows.pks)
        _count(rows.children, into)


def _plan(subject: Subject, code: str) -> ErasurePlan:
    rows: Counter[str] = Counter({"registry.person": len(subject.persons),
                                  "registry.household": len(subject.erasable_households)})
    _count(subject.person_rows + subject.household_rows, rows)
    return ErasurePlan(code=code, persons=len(subject.persons),
                       households=len(subject.erasable_households), rows=dict(sorted(rows.items())))


def person_erase_plan(*, actor: Actor, code: str) -> ErasurePlan:
    """Return what erasing the person would remove (the first step; nothing is changed)."""
    person = _find(actor, code)
    return _plan(subject_of(person, shared_household_rows=False), person.code)


def _delete(groups: list[Rows]) -> None:
    """Delete the rows, those hanging from them first (every key to them is PROTECT)."""
    for rows in groups:
        _delete(rows.children)
        manager: models.Manager[Any] = rows.model._default_manager
        self_keys = [f for f in rows.model._meta.concrete_fields
                     if isinstance(f, models.ForeignKey) and f.related_model is rows.model]
        for key in self_keys:  # a chain within the rows (a transfer's placements)
            manager.filter(pk__in=rows.pks).update(**{key.attname: None})
        manager.filter(pk__in=rows.pks)._raw_delete(manager.db)


def _validate(person: Person, reason: str, confirm: str) -> str:
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("say on what ground the record is erased")]
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = [_("at most %(n)d characters") % {"n": REASON_LENGTH}]
    if (confirm or "").strip().upper() != person.code:
        errors["confirm"] = [_("type the person's code again to confirm")]
    if errors:
        raise ValidationFailed(errors)
    return reason


def person_erase(*, actor: Actor, code: str, reason: str, confirm: str) -> ErasureDone:
    """Erase the person with `code` and everything about them; keep a tally and a trace.

    `confirm` must repeat the code (the second step); `reason` states the ground.
    """
    person = _find(actor, code)
    reason = _validate(person, reason, confirm)
    with transaction.atomic():
        # Read again under the write lock: a merge or a new arrival in between counts.
        person = Person.objects.select_for_update().get(pk=person.pk)
        erasure = subject_erase(subject_of(person, shared_household_rows=False), actor=actor,
                                reason=reason)
    return ErasureDone(erasure=erasure, scrubbed=scrub_when_committed())


def scrub_when_committed() -> str:
    """Scrub the files now, or when the caller's transaction commits (VACUUM needs that)."""
    if connection.in_atomic_block:
        transaction.on_commit(database_scrub)
        return "after the caller's transaction"
    return database_scrub()


def subject_erase(subject: Subject, *, actor: Actor | None, reason: str) -> Erasure:
    """Delete the subject's rows, add them to the tally, record the erasure; no scrub.

    Call inside a transaction. `actor` None is the retention schedule.
    """
    plan = _plan(subject, subject.persons[0].code)
    tally_add(contribution(subject.persons, subject.erasable_households, clock.today()))
    ids: list[uuid.UUID] = [p.pk for p in subject.persons] + \
        [h.pk for h in subject.erasable_households]
    _scrub_on(connection)
    _delete(subject.person_rows + subject.household_rows)
    persons = Person.objects.filter(pk__in=[p.pk for p in subject.persons])
    persons.update(merged_into=None)
    persons._raw_delete(Person.objects.db)
    Household.objects.filter(pk__in=[h.pk for h in subject.erasable_households]
                             )._raw_delete(Household.objects.db)
    _kept_households_resized(subject)
    erasure = Erasure.objects.create(at=clock.now(), by=actor.user if actor else None,
                                     reason=reason, persons=plan.persons,
                                     households=plan.households, rows=plan.rows)
    audit_record(actor=actor, action=AuditAction.PERSON_ERASE, target_type="person",
                 target_ids=ids, channel="" if actor else "cli")
    return erasure


def _kept_households_resized(subject: Subject) -> None:
    erased = {h.pk for h in subject.erasable_households}
    for household in subject.households:
        if household.pk in erased:
            continue
        left = Person.objects.filter(household=household).count()
        Household.objects.filter(pk=household.pk, size__gt=left).update(size=left)


def _scrub_on(conn: Any) -> None:
    if conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def database_scrub(*, full: bool = False) -> str:
    """Overwrite what deleted rows left in the database files; return what was done.

    SQLite: checkpoint and truncate the WAL, VACUUM (which rewrites the file through the
    WAL), and truncate the WAL again. Raise Conflict if a reader keeps the WAL from being
    truncated: the erasure is done, the scrub must be run again (`haven person scrub`).
    PostgreSQL: VACUUM (dead tuples' space is marked free, not overwritten); with `full`,
    VACUUM FULL, which rewrites every table under an exclusive lock (clerks wait). See
    docs/retention.md for what a byte scan finds after each.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
            _checkpoint(cursor)
            cursor.execute("VACUUM")
            _checkpoint(cursor)
        return "sqlite: secure_delete, VACUUM, WAL truncated"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL" if full else "VACUUM")
    return "postgresql: VACUUM FULL" if full else "postgresql: VACUUM"


def _checkpoint(cursor: Any) -> None:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    busy, _log, _done = cursor.fetchone()
    if busy:
        raise Conflict(_("Another connection is reading the database; the erased rows are "
                         "gone but the write-ahead log is not yet cleared. Run "
                         "`haven person scrub` when it is idle."))
