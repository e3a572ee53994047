"""Exchange persons and notes with other family-links systems as PFIF 1.4.

    pfif_import(actor=, data=, site=)   PFIF file -> registered persons + notes
    pfif_export(actor=)                 persons the user may see and share -> PFIF file

Import registers every PFIF person through the registry's one door
(`households_registers`, channel "import"): a household of one at the site the user
chooses, so whatever watches registrations (tracing alerts) sees them as it sees any
other. The PFIF record id and what the registry has no field for (other scripts'
names, source, notes) are kept in haven.pfif. Record ids are unique there: a person or
note already imported is skipped, so importing a file twice adds nothing twice. A file
is taken whole or not at all: any invalid person refuses the import, naming its record
id and field.

Export writes only what consent allows: the persons imported from PFIF (they came from
another repository's public exchange) and the Haven-registered persons for whom the
tracing app says the person consented to share with family
(`haven.tracing.selectors.persons_sharing_with_family`). A Haven person is written with
names (the Latin transliteration as an alternate name), sex, birth date and settlement
of origin: never the site, household, phone, document or arrival.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import ValidationFailed
from haven.core.names import to_latin
from haven.pfif.models import Note, PersonRecord
from haven.pfif.sites import import_site
from haven.registry.selectors import persons_visible
from haven.registry.services import (
    HouseholdInput,
    MemberInput,
    households_check,
    households_register,
)
from haven.tracing import pfif
from haven.tracing.selectors import persons_sharing_with_family

if TYPE_CHECKING:
    from haven.accounts.access import Actor
    from haven.registry.models import Person

IMPORT_CHANNEL = "import"
SOURCE_NAME = "Haven"


@dataclass
class ImportOutcome:
    persons_added: int = 0
    persons_skipped: int = 0  # already imported (same person_record_id)
    notes_added: int = 0
    notes_skipped: int = 0  # already imported (same note_record_id)
    person_ids: list[uuid.UUID] = field(default_factory=list)


def pfif_domain() -> str:
    """Return the domain of the record ids Haven writes (setting PFIF_DOMAIN)."""
    return str(settings.PFIF_DOMAIN)


def haven_record_id(person_id: uuid.UUID) -> str:
    """Return the PFIF person_record_id of a Haven-registered person."""
    return pfif.record_id(pfif_domain(), f"person.{person_id}")


# --- import ----------------------------------------------------------------------------

def _split_full_name(full_name: str) -> tuple[str, str]:
    """Return (given, family) from a full name's first line: the last word is the family."""
    words = (full_name.splitlines() or [""])[0].split()
    if len(words) < 2:
        return (words[0] if words else "", "")
    return " ".join(words[:-1]), words[-1]


def _estimated_age(age: str) -> int | None:
    if not age:
        return None
    low, _sep, high = age.partition("-")
    return (int(low) + int(high or low)) // 2


def _household(person: pfif.PfifPerson, site: str) -> HouseholdInput:
    given, family = person.given_name, person.family_name
    if not (given and family):
        split_given, split_family = _split_full_name(person.full_name)
        given, family = given or split_given, family or split_family
    birth = person.date_of_birth
    return HouseholdInput(
        site=site, place_of_origin=person.home_city,
        members=[MemberInput(
            given_name=given, family_name=family,
            sex=person.sex if person.sex in ("female", "male") else "unknown",
            birth_date=birth, estimated_age=None if birth else _estimated_age(person.age),
            relationship="head")])


def _note_row(note: pfif.PfifNote, actor: Actor, now: dt.datetime) -> Note:
    values = {f.name: getattr(note, f.name) for f in dataclasses.fields(note)
              if f.name not in ("note_record_id",)}
    for name, value in values.items():
        # Another system's free text may run past our columns: kept to their length.
        limit = getattr(Note._meta.get_field(name), "max_length", None)
        if isinstance(value, str) and limit:
            values[name] = value[:limit]
    return Note(record_id=note.note_record_id, imported_at=now, imported_by=actor.user,
                **values)


def pfif_import(*, actor: Actor, data: bytes, site: str | None = None) -> ImportOutcome:
    """Register the file's new persons at `site` and store its new notes, all or nothing.

    Raise ValidationFailed with field "file" for a file that is not PFIF (or is hostile
    XML), and with "<person_record_id>.<field>" for a person the registry refuses.
    """
    actor.require("register")
    actor = dataclasses.replace(actor, channel=IMPORT_CHANNEL)
    try:
        document = pfif.parse(data)
    except pfif.PfifError as exc:
        raise ValidationFailed.single("file", str(exc)) from None
    slug = import_site(actor, site)
    outcome = ImportOutcome()
    ours = pfif_domain()
    with transaction.atomic():
        known = set(PersonRecord.objects.filter(
            record_id__in=[p.person_record_id for p in document.persons]
        ).values_list("record_id", flat=True))
        # A person Haven itself exported comes back under Haven's domain: it is already
        # registered, so only its notes are new.
        new = [p for p in document.persons
               if p.person_record_id not in known and pfif.record_domain(
                   p.person_record_id) != ours]
        outcome.persons_skipped = len(document.persons) - len(new)
        if new:
            households = [_household(p, slug) for p in new]
            checked = households_check(actor=actor, households=households)
            if checked.errors:
                raise ValidationFailed({
                    f"{new[index].person_record_id}.{key}": messages
                    for index, errors in sorted(checked.errors.items())
                    for key, messages in errors.items()})
            registered = households_register(actor=actor, checked=checked)
            now = clock.now()
            records = []
            for person, ids in zip(new, registered.person_ids, strict=True):
                records.append(PersonRecord(
                    record_id=person.person_record_id, person_id=ids[0],
                    full_name=person.full_name, alternate_names=person.alternate_names,
                    source_name=person.source_name[:200], source_url=person.source_url[:500],
                    source_date=person.source_date, author_name=person.author_name[:200],
                    description=person.description, age=person.age[:10],
                    home_city=person.home_city[:200], home_state=person.home_state[:200],
                    home_country=person.home_country[:10], imported_at=now,
                    imported_by=actor.user))
                outcome.person_ids.append(ids[0])
            PersonRecord.objects.bulk_create(records)
            outcome.persons_added = len(records)
        notes = document.all_notes()
        seen = set(Note.objects.filter(
            record_id__in=[n.note_record_id for n in notes]).values_list("record_id", flat=True))
        now = clock.now()
        fresh = [_note_row(n, actor, now) for n in notes if n.note_record_id not in seen]
        Note.objects.bulk_create(fresh)
        outcome.notes_added, outcome.notes_skipped = len(fresh), len(notes) - len(fresh)
        audit_record(actor=actor, action=AuditAction.PFIF_IMPORT, target_type="person",
                     target_ids=outcome.person_ids, site=slug)
    return outcome


# --- export ----------------------------------------------------------------------------

def _birth(person: Person) -> str:
    if person.birth_year is None or person.birth_date_precision == "estimated":
        return ""
    if person.birth_month is None:
        return f"{person.birth_year:04d}"
    if person.birth_day is None:
        return f"{person.birth_year:04d}-{person.birth_month:02d}"
    return f"{person.birth_year:04d}-{person.birth_month:02d}-{person.birth_day:02d}"


def _haven_person(person: Person, now: dt.datetime) -> pfif.PfifPerson:
    full_name = f"{person.given_name} {person.family_name}"
    latin = to_latin(full_name)
    return pfif.PfifPerson(
        person_record_id=haven_record_id(person.id), entry_date=now,
        source_name=SOURCE_NAME, source_date=person.created_at, full_name=full_name,
        given_name=person.given_name, family_name=person.family_name,
        alternate_names=latin if latin.casefold() != full_name.casefold() else "",
        sex=person.sex if person.sex in ("female", "male") else "",
        date_of_birth=_birth(person), home_city=person.household.place_of_origin)


def _imported_person(person: Person, record: PersonRecord, now: dt.datetime) -> pfif.PfifPerson:
    return pfif.PfifPerson(
        person_record_id=record.record_id, entry_date=now,
        source_name=record.source_name, source_url=record.source_url,
        source_date=record.source_date, author_name=record.author_name,
        full_name=record.full_name or f"{person.given_name} {person.family_name}",
        given_name=person.given_name, family_name=person.family_name,
        alternate_names=record.alternate_names, description=record.description,
        sex=person.sex if person.sex in ("female", "male") else "",
        date_of_birth=_birth(person), age=record.age if not _birth(person) else "",
        home_city=record.home_city, home_state=record.home_state,
        home_country=record.home_country)


def _note(note: Note) -> pfif.PfifNote:
    return pfif.PfifNote(
        note_record_id=note.record_id,
        **{f.name: getattr(note, f.name) for f in dataclasses.fields(pfif.PfifNote)
           if f.name != "note_record_id"})


def exportable_persons(actor: Actor) -> list[Person]:
    """Return the persons the actor may see whose records consent lets Haven share."""
    actor.require("read_records")
    visible = persons_visible(actor).filter(merged_into__isnull=True)
    imported = set(visible.filter(pfif_record__isnull=False).values_list("id", flat=True))
    candidates = list(visible.filter(pfif_record__isnull=True).values_list("id", flat=True))
    consenting = persons_sharing_with_family(candidates) if candidates else set()
    ids = imported | consenting
    return list(visible.filter(id__in=ids).select_related("household", "pfif_record")
                .order_by("created_at", "id"))


def pfif_export(*, actor: Actor) -> bytes:
    """Return a PFIF 1.4 file of the exportable persons, each with its notes; audited."""
    persons = exportable_persons(actor)
    now = clock.now()
    document = pfif.PfifDocument()
    for person in persons:
        record = getattr(person, "pfif_record", None)
        document.persons.append(_imported_person(person, record, now) if record is not None
                                else _haven_person(person, now))
    by_record: dict[str, list[pfif.PfifNote]] = {}
    for note in Note.objects.filter(
            person_record_id__in=[p.person_record_id for p in document.persons]):
        by_record.setdefault(note.person_record_id, []).append(_note(note))
    for exported in document.persons:
        exported.notes = by_record.get(exported.person_record_id, [])
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.PFIF_EXPORT, target_type="person",
                     target_ids=[p.id for p in persons])
    return pfif.serialize(document)
