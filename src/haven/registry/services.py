"""Write the registry: sites, household registration, arrivals, corrections.

Every channel (web form, API, ODK, import, scenario replay) registers through
`household_register`, so validation, codes, arrivals and audit are the same for all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, router, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.bulk import db_converter, insert_values, uuid_converter
from haven.core.errors import InputProblem, NotFound, ValidationFailed
from haven.core.ids import new_code, parse_code, uuid7
from haven.core.names import NameProblem, clean_name, given_name_key, surname_key
from haven.core.names.cleaning import clean_text
from haven.registry.birth_dates import (
    UNKNOWN,
    BirthDate,
    BirthDateProblem,
    birth_date_from_age,
    parse_birth_date,
)
from haven.registry.models import (
    Arrival,
    Household,
    Person,
    PersonVulnerability,
    RecordChange,
    Site,
)
from haven.registry.phones import PhoneProblem, clean_phone
from haven.registry.selectors import household_get, person_get, person_resolve, site_by_slug
from haven.registry.summaries import arrival_summaries_refresh
from haven.registry.vocabulary import (
    DocumentType,
    PersonStatus,
    Relationship,
    Sex,
    SiteKind,
    Vulnerability,
)

if TYPE_CHECKING:
    from haven.accounts.access import Actor

MAX_MEMBERS = 50
MAX_DOCUMENT_NUMBER = 50
MAX_PLACE = 100
MAX_SITE_TEXT = 120
_CODE_ATTEMPTS = 3


@dataclass
class MemberInput:
    given_name: str = ""
    family_name: str = ""
    patronymic: str = ""
    sex: str = ""
    birth_date: str = ""
    estimated_age: int | None = None
    relationship: str = ""
    document_type: str = DocumentType.NONE
    document_number: str = ""
    vulnerabilities: Sequence[str] = ()


@dataclass
class HouseholdInput:
    site: str
    members: list[MemberInput]
    place_of_origin: str = ""
    phone: str = ""
    size: int | None = None
    arrived_at: dt.datetime | None = None  # when they arrived, if not now (replays, ODK)


@dataclass
class _CleanMember:
    names: dict[str, tuple[str, str]]  # field -> (value, script)
    sex: str
    birth: BirthDate
    relationship: str
    document_type: str
    document_number: str
    vulnerabilities: list[str] = field(default_factory=list)


class _Errors:
    """Collect every problem in the input, so the clerk fixes them all in one pass."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def problem_text(problem: InputProblem) -> str:
    """Return the problem's message in the reader's language."""
    return _(problem.template) % problem.params if problem.params else _(problem.template)


@functools.cache
def _codes(choices: type[models.TextChoices]) -> frozenset[str]:
    # `.values` builds a new list on every access; imports check it millions of times.
    return frozenset(choices.values)


def _choice(errors: _Errors, key: str, value: str, choices: Any, *, required: bool) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            errors.add(key, _("is required"))
        return ""
    if value not in _codes(choices):
        errors.add(key, _("must be one of: %(choices)s") % {"choices": ", ".join(choices.values)})
        return ""
    return value


def _clean_birth(errors: _Errors, prefix: str, member: MemberInput, *,
                 today: dt.date) -> BirthDate:
    if member.birth_date and member.estimated_age is not None:
        errors.add(f"{prefix}.birth_date", _("give a birth date or an estimated age, not both"))
        return UNKNOWN
    if member.estimated_age is not None:
        try:
            return birth_date_from_age(member.estimated_age, today=today)
        except BirthDateProblem as problem:
            errors.add(f"{prefix}.estimated_age", problem_text(problem))
            return UNKNOWN
    try:
        return parse_birth_date(member.birth_date or "", today=today)
    except BirthDateProblem as problem:
        errors.add(f"{prefix}.birth_date", problem_text(problem))
        return UNKNOWN


def _clean_document(errors: _Errors, prefix: str, member: MemberInput) -> tuple[str, str]:
    document_type = _choice(errors, f"{prefix}.document_type",
                            member.document_type or DocumentType.NONE, DocumentType,
                            required=False) or DocumentType.NONE
    document_number = " ".join((member.document_number or "").split())
    if len(document_number) > MAX_DOCUMENT_NUMBER:
        errors.add(f"{prefix}.document_number",
                   _("is longer than %(n)d characters") % {"n": MAX_DOCUMENT_NUMBER})
    elif document_number and not all(ch.isalnum() or ch in " -/." for ch in document_number):
        errors.add(f"{prefix}.document_number", _("may hold letters, digits, spaces, - / . only"))
    elif document_number and document_type == DocumentType.NONE:
        errors.add(f"{prefix}.document_type", _("choose the type of the document"))
    return document_type, document_number


def _clean_vulnerabilities(errors: _Errors, prefix: str, codes: Sequence[str]) -> list[str]:
    vulnerabilities: list[str] = []
    for code in codes or ():
        if code not in Vulnerability.values:
            errors.add(f"{prefix}.vulnerabilities",
                       _("unknown vulnerability %(code)r") % {"code": str(code)[:40]})
        elif code not in vulnerabilities:
            vulnerabilities.append(code)
    return vulnerabilities


def _clean_member(
    errors: _Errors, prefix: str, member: MemberInput, *, today: dt.date
) -> _CleanMember:
    names: dict[str, tuple[str, str]] = {}
    for name_field, required in (("given_name", True), ("family_name", True),
                                 ("patronymic", False)):
        try:
            names[name_field] = clean_name(getattr(member, name_field) or "", required=required)
        except NameProblem as problem:
            errors.add(f"{prefix}.{name_field}", problem_text(problem))
            names[name_field] = ("", "")
    birth = _clean_birth(errors, prefix, member, today=today)
    document_type, document_number = _clean_document(errors, prefix, member)
    return _CleanMember(
        names=names,
        sex=_choice(errors, f"{prefix}.sex", member.sex, Sex, required=True),
        birth=birth,
        relationship=_choice(errors, f"{prefix}.relationship", member.relationship,
                             Relationship, required=True),
        document_type=document_type,
        document_number=document_number,
        vulnerabilities=_clean_vulnerabilities(errors, prefix, member.vulnerabilities),
    )


def _member_identity(member: _CleanMember) -> tuple[object, ...]:
    return (
        *(member.names[f][0].casefold() for f in ("given_name", "family_name", "patronymic")),
        member.birth.year, member.birth.month, member.birth.day, member.sex,
    )


def _clean_household(
    actor: Actor, household: HouseholdInput, *, today: dt.date, sites: dict[str, Site | None]
) -> _ValidHousehold:
    errors = _Errors()
    slug = (household.site or "").strip().lower()
    if slug not in sites:
        sites[slug] = site_by_slug(slug)
    site = sites[slug]
    if site is None or not site.is_active:
        errors.add("site", _("unknown site %(site)r") % {"site": (household.site or "")[:40]})
    elif not actor.may_act_for_site(site.id):
        errors.add("site", _("you do not act for this site"))
    try:
        place = clean_text(household.place_of_origin or "", required=False,
                           max_length=MAX_PLACE)
    except NameProblem as problem:
        errors.add("place_of_origin", problem_text(problem))
        place = ""
    try:
        phone, phone_e164 = clean_phone(household.phone or "")
    except PhoneProblem as problem:
        errors.add("phone", problem_text(problem))
        phone, phone_e164 = "", ""
    members = household.members or []
    if not members:
        errors.add("members", _("a household needs at least one member"))
    elif len(members) > MAX_MEMBERS:
        errors.add("members", _("at most %(n)d members in one household") % {"n": MAX_MEMBERS})
        members = []
    clean = [_clean_member(errors, f"members[{i}]", m, today=today) for i, m in enumerate(members)]
    if members and household.size is not None and not len(members) <= household.size <= 99:
        errors.add("size", _("must be between the number of members listed (%(n)d) and 99")
                   % {"n": len(members)})
    heads = [i for i, m in enumerate(clean) if m.relationship == Relationship.HEAD]
    if clean and len(heads) != 1 and not any(k.endswith(".relationship") for k in errors.errors):
        errors.add("members", _("exactly one member must be the head of household"))
    seen: dict[tuple[object, ...], int] = {}
    for i, member in enumerate(clean):
        identity = _member_identity(member)
        if identity in seen and identity[0]:
            errors.add(f"members[{i}]", _("repeats member %(n)d") % {"n": seen[identity] + 1})
        seen.setdefault(identity, i)
    errors.raise_if_any()
    assert site is not None  # noqa: S101 - raise_if_any returned, so the site was found
    return _ValidHousehold(
        site=site, contact={"place_of_origin": place, "phone": phone, "phone_e164": phone_e164},
        members=clean, size=household.size, arrived_at=household.arrived_at,
    )


@dataclass(frozen=True)
class _ValidHousehold:
    """A household that passed every check, ready to store."""

    site: Site
    contact: dict[str, str]
    members: list[_CleanMember]
    size: int | None
    arrived_at: dt.datetime | None


@dataclass
class BatchOutcome:
    """What became of each household of a batch, in input order."""

    households: list[Household | None]  # None where the household was refused
    errors: dict[int, dict[str, list[str]]]  # input index -> {field: [messages]}
    # Each stored household's person ids, in the order of its members (empty if refused).
    person_ids: list[list[uuid.UUID]] = field(default_factory=list)


@dataclass
class CheckedHouseholds:
    """Households checked by `households_check`, by their index in the input."""

    count: int
    valid: dict[int, _ValidHousehold]
    errors: dict[int, dict[str, list[str]]]  # input index -> {field: [messages]}



def household_register(
    *, actor: Actor, household: HouseholdInput, arrived_at: dt.datetime | None = None
) -> Household:
    """Register a household and each member's arrival at the site, all or nothing.

    Raise ValidationFailed naming every wrong field (``members[2].birth_date``);
    nothing is stored unless everything is valid.
    """
    if arrived_at is not None:
        household = dataclasses.replace(household, arrived_at=arrived_at)
    outcome = households_register(actor=actor, households=[household])
    if outcome.errors:
        raise ValidationFailed(outcome.errors[0])
    stored = outcome.households[0]
    assert stored is not None  # noqa: S101 - no errors, so it was stored
    return stored


def households_check(
    *, actor: Actor, households: Sequence[HouseholdInput],
    sites: dict[str, Site | None] | None = None,
) -> CheckedHouseholds:
    """Check households as `households_register` would, storing nothing.

    The check reads the database only to find sites not in `sites` (slug -> site): an
    import that passes its site in can check households in another process while this
    one stores the previous batch.
    """
    actor.require("register")
    # "Today" is the date where the clerk stands: a baby born at 01:00 in Yerevan is
    # born today there, while in UTC it is still yesterday.
    today = timezone.localdate(clock.now())
    sites = {} if sites is None else sites
    valid: dict[int, _ValidHousehold] = {}
    errors: dict[int, dict[str, list[str]]] = {}
    for index, household in enumerate(households):
        try:
            valid[index] = _clean_household(actor, household, today=today, sites=sites)
        except ValidationFailed as exc:
            errors[index] = exc.errors
    return CheckedHouseholds(count=len(households), valid=valid, errors=errors)


def households_register(
    *, actor: Actor, households: Sequence[HouseholdInput] = (),
    checked: CheckedHouseholds | None = None, rows: HouseholdRows | None = None,
) -> BatchOutcome:
    """Register many households in one transaction: every valid one, each whole.

    Imports, ODK batches and scenario replays go through here; a refused household is
    reported by its index and stores nothing, and does not stop the others. Each
    household's arrival time is its `arrived_at`, or now. Households already checked by
    `households_check` are passed as `checked`, or already made into rows by
    `households_rows` as `rows`, instead.
    """
    actor.require("register")
    if rows is None:
        if checked is None:
            checked = households_check(actor=actor, households=households)
        rows = households_rows(actor=actor, checked=checked)
    result: list[Household | None] = [None] * rows.count
    person_ids: list[list[uuid.UUID]] = [[] for _ in range(rows.count)]
    if rows.indexes:
        for attempt in range(_CODE_ATTEMPTS):
            try:
                with transaction.atomic():
                    _rows_insert(actor, rows)
                break
            except IntegrityError:
                # Two offline-minted codes met: 55 random bits make this vanishingly rare.
                if attempt == _CODE_ATTEMPTS - 1:
                    raise
                rows = rows.recoded()
        connection_alias = router.db_for_write(Household)
        registered_at = Household._meta.get_field("registered_at")
        created_by = Household._meta.get_field("created_by")
        for index, values, members in zip(rows.indexes, rows.household_values, rows.person_ids,
                                          strict=True):
            # As a stored row (it is one now): `from_db` takes the values in the model's
            # field order, which _HOUSEHOLD_COLUMNS is (a test checks).
            household = Household.from_db(connection_alias, _HOUSEHOLD_COLUMNS, values)
            registered_at.set_cached_value(household, rows.sites[household.registered_at_id])
            created_by.set_cached_value(household, actor.user)
            result[index] = household
            person_ids[index] = members
    return BatchOutcome(households=result, errors=rows.errors, person_ids=person_ids)


# A new record's arrival summary (haven.registry.summaries): its one arrival is its first
# and last, at one site.
_SUMMARY_COLUMNS = (
    "first_arrived_at", "first_site_id", "second_arrived_at", "second_site_id",
    "last_arrived_at", "last_site_id", "site_count",
)
_HOUSEHOLD_COLUMNS = (
    "id", "code", "registered_at_id", "place_of_origin", "phone", "phone_e164", "size",
    "created_at", "created_by_id", "channel", "updated_at", *_SUMMARY_COLUMNS,
)
_PERSON_COLUMNS = (
    "id", "code", "household_id", "position", "given_name", "given_name_script",
    "family_name", "family_name_script", "patronymic", "patronymic_script", "given_name_key",
    "family_name_key", "sex", "birth_year", "birth_month", "birth_day", "birth_date_precision",
    "relationship", "document_type", "document_number", "status", "merged_into_id",
    "created_at", "updated_at", "registered_at_id", *_SUMMARY_COLUMNS,
)
_ARRIVAL_COLUMNS = ("id", "person_id", "site_id", "arrived_at", "recorded_by_id", "channel")
_VULNERABILITY_COLUMNS = ("person_id", "code")
_CHANGE_COLUMNS = ("household_id", "person_id", "at", "changed_by_id", "action", "changes")
_CODE = 1  # where the code is in a household's and a person's row


@dataclass
class HouseholdRows:
    """Checked households as rows of values in the database's form, ready to insert.

    Made by `households_rows` without touching the database, so an import can make the
    next batch's rows in another process while this one inserts the last.
    """

    count: int  # households in the input, refused ones included
    errors: dict[int, dict[str, list[str]]]  # input index -> {field: [messages]}
    indexes: list[int]  # the input index of each household below
    household_values: list[list[Any]]  # each household's values, as Python values
    person_ids: list[list[uuid.UUID]]
    sites: dict[int, Site]
    audit_targets: dict[str, list[uuid.UUID]]  # site slug -> households and persons
    tables: dict[str, list[tuple[Any, ...]]]  # "household", "person", ... -> rows

    def recoded(self) -> HouseholdRows:
        """Return the same rows with new codes for every household and person."""
        tables = dict(self.tables)
        for table in ("household", "person"):
            tables[table] = [(*row[:_CODE], new_code(), *row[_CODE + 1:])
                             for row in self.tables[table]]
        household_values = [[*values[:_CODE], row[_CODE], *values[_CODE + 1:]]
                            for values, row in zip(self.household_values, tables["household"],
                                                   strict=True)]
        return dataclasses.replace(self, tables=tables, household_values=household_values)

    def without(self, indexes: Iterable[int]) -> HouseholdRows:
        """Return these rows without the households of the given input indexes."""
        dropped = set(indexes)
        if not dropped:
            return self
        keep = [i for i, index in enumerate(self.indexes) if index not in dropped]
        keep_set = set(keep)
        out = [i for i in range(len(self.indexes)) if i not in keep_set]
        households = {self.tables["household"][i][0] for i in out}  # in the database's form
        persons = {row[0] for row in self.tables["person"] if row[2] in households}
        gone = {self.household_values[i][0] for i in out}
        gone.update(person for i in out for person in self.person_ids[i])
        targets = {slug: [t for t in site_targets if t not in gone]
                   for slug, site_targets in self.audit_targets.items()}
        return dataclasses.replace(
            self,
            indexes=[self.indexes[i] for i in keep],
            household_values=[self.household_values[i] for i in keep],
            person_ids=[self.person_ids[i] for i in keep],
            audit_targets={slug: t for slug, t in targets.items() if t},
            tables={
                "household": [r for i, r in enumerate(self.tables["household"]) if i in keep_set],
                "person": [r for r in self.tables["person"] if r[2] not in households],
                "vulnerability": [r for r in self.tables["vulnerability"] if r[0] not in persons],
                "arrival": [r for r in self.tables["arrival"] if r[1] not in persons],
                "change": [r for r in self.tables["change"] if r[0] not in households],
            },
        )


_TABLES: tuple[tuple[str, type[Model], tuple[str, ...]], ...] = (
    ("household", Household, _HOUSEHOLD_COLUMNS),
    ("person", Person, _PERSON_COLUMNS),
    ("vulnerability", PersonVulnerability, _VULNERABILITY_COLUMNS),
    ("arrival", Arrival, _ARRIVAL_COLUMNS),
    ("change", RecordChange, _CHANGE_COLUMNS),
)


def households_rows(
    *, actor: Actor, checked: CheckedHouseholds, now: dt.datetime | None = None
) -> HouseholdRows:
    """Make the rows that register the valid ones of `checked`; read nothing, store nothing.

    Persons and what hangs off them go in as rows of values, converted as each field
    would (once, where a value repeats): a model instance per row cost more than the
    insert itself.
    """
    now = now or clock.now()
    valid = sorted(checked.valid.items())
    household_rows: list[tuple[Any, ...]] = []
    household_values: list[list[Any]] = []
    all_person_ids: list[list[uuid.UUID]] = []
    persons: list[tuple[Any, ...]] = []
    vulnerabilities: list[tuple[Any, ...]] = []
    arrivals: list[tuple[Any, ...]] = []
    changes: list[tuple[Any, ...]] = []
    targets_by_site: dict[str, list[uuid.UUID]] = {}
    sites: dict[int, Site] = {}
    to_db_uuid = uuid_converter(Person)
    at_to_db = db_converter(Arrival, "arrived_at")
    changes_to_db = db_converter(RecordChange, "changes")
    now_db = db_converter(Person, "created_at")(now)
    arrived_now_db = at_to_db(now)
    change_at_db = db_converter(RecordChange, "at")(now)
    user_id = actor.user.pk
    channel = actor.channel
    present = PersonStatus.PRESENT
    site_changes: dict[str, object] = {}
    for _index, item in valid:
        site = item.site
        sites[site.pk] = site
        household_id, code, size, contact = uuid7(), new_code(), item.size or len(item.members), \
            item.contact
        arrived = now if item.arrived_at is None else item.arrived_at
        household_values.append([
            household_id, code, site.pk, contact["place_of_origin"], contact["phone"],
            contact["phone_e164"], size, now, user_id, channel, now,
            arrived, site.pk, None, None, arrived, site.pk, 1,
        ])
        member_ids: list[uuid.UUID] = []
        all_person_ids.append(member_ids)
        targets = targets_by_site.setdefault(site.slug, [])
        targets.append(household_id)
        household_db = to_db_uuid(household_id)
        arrived_db = arrived_now_db if item.arrived_at is None else at_to_db(item.arrived_at)
        site_id = site.pk
        summary = (arrived_db, site_id, None, None, arrived_db, site_id, 1)
        household_rows.append((
            household_db, code, site.pk, contact["place_of_origin"], contact["phone"],
            contact["phone_e164"], size, now_db, user_id, channel, now_db, *summary,
        ))
        for position, m in enumerate(item.members):
            person_id = uuid7()
            person_db = to_db_uuid(person_id)
            names = m.names
            given, family, patronymic = (names["given_name"], names["family_name"],
                                         names["patronymic"])
            birth = m.birth
            persons.append((
                person_db, new_code(), household_db, position, given[0], given[1],
                family[0], family[1], patronymic[0], patronymic[1],
                given_name_key(given[0]), surname_key(family[0]), m.sex,
                birth.year, birth.month, birth.day, birth.precision, m.relationship,
                m.document_type, m.document_number, present, None, now_db, now_db, site_id,
                *summary,
            ))
            targets.append(person_id)
            member_ids.append(person_id)
            for code in m.vulnerabilities:
                vulnerabilities.append((person_db, code))
            arrivals.append((to_db_uuid(uuid7()), person_db, site_id, arrived_db, user_id,
                             channel))
        change = site_changes.get(site.slug)
        if change is None:
            change = site_changes[site.slug] = changes_to_db({"site": [None, site.slug]})
        changes.append((household_db, None, change_at_db, user_id, "created", change))
    return HouseholdRows(
        count=checked.count, errors=checked.errors, indexes=[index for index, _v in valid],
        household_values=household_values, person_ids=all_person_ids, sites=sites,
        audit_targets=targets_by_site,
        tables={"household": household_rows, "person": persons,
                "vulnerability": vulnerabilities, "arrival": arrivals, "change": changes},
    )


def _rows_insert(actor: Actor, rows: HouseholdRows) -> None:
    for table, model, columns in _TABLES:
        insert_values(model, columns, rows.tables[table])
    for slug, targets in rows.audit_targets.items():
        audit_record(actor=actor, action=AuditAction.HOUSEHOLD_CREATE, target_type="household",
                     target_ids=targets, site=slug)


def arrival_record(
    *, actor: Actor, person: str, site: str, arrived_at: dt.datetime | None = None
) -> Arrival:
    """Record that an already registered person arrived at another site (border, then hub).

    The person is found by id or by the code on their paper, at any site: whoever holds
    the code may present it. The person then becomes visible to the new site's staff.
    """
    actor.require("register")
    errors = _Errors()
    target = person_resolve(person)
    if target is None:
        errors.add("person", _("no person has this id or code"))
    site_obj = site_by_slug(site)
    if site_obj is None or not site_obj.is_active:
        errors.add("site", _("unknown site %(site)r") % {"site": site[:40]})
    elif not actor.may_act_for_site(site_obj.id):
        errors.add("site", _("you do not act for this site"))
    errors.raise_if_any()
    assert target is not None  # noqa: S101 - raise_if_any returned, so both were found
    assert site_obj is not None  # noqa: S101
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
    return arrival


@dataclass
class SiteInput:
    slug: str
    kind: str
    name_en: str
    settlement: str
    province: str
    name_hy: str = ""
    name_ru: str = ""
    capacity: int | None = None
    is_active: bool = True


def _slug_taken(slug: str, existing: Site | None) -> bool:
    others = Site.objects.filter(slug=slug)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    return others.exists()


def _clean_site(site: SiteInput, *, existing: Site | None) -> dict[str, Any]:
    errors = _Errors()
    slug = (site.slug or "").strip().lower()
    if not slug or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug) \
            or len(slug) > 40:
        errors.add("slug", _("use 1-40 lower-case Latin letters, digits and hyphens"))
    elif _slug_taken(slug, existing):
        errors.add("slug", _("another site already has this short name"))
    kind = _choice(errors, "kind", site.kind, SiteKind, required=True)
    values: dict[str, Any] = {"slug": slug, "kind": kind}
    for name_field, required in (("name_en", True), ("name_hy", False), ("name_ru", False),
                                 ("settlement", True), ("province", True)):
        try:
            values[name_field] = clean_text(getattr(site, name_field) or "", required=required,
                                            max_length=MAX_SITE_TEXT)
        except NameProblem as problem:
            errors.add(name_field, problem_text(problem))
    if site.capacity is not None and not 0 <= site.capacity <= 1_000_000:
        errors.add("capacity", _("must be between 0 and 1,000,000"))
    values["capacity"] = site.capacity
    values["is_active"] = site.is_active
    errors.raise_if_any()
    return values


def site_create(*, actor: Actor, site: SiteInput) -> Site:
    """Create a site (border crossing, hub, shelter, hospital, transit point)."""
    actor.require("manage_sites")
    values = _clean_site(site, existing=None)
    with transaction.atomic():
        created = Site.objects.create(**values)
        audit_record(actor=actor, action=AuditAction.SITE_CREATE, target_type="site",
                     target_ids=[created.slug], site=created.slug)
    return created


def site_update(*, actor: Actor, slug: str, site: SiteInput) -> Site:
    """Change a site's names, kind, capacity or short name."""
    actor.require("manage_sites")
    existing = site_by_slug(slug)
    if existing is None:
        raise NotFound(_("No such site."))
    values = _clean_site(site, existing=existing)
    with transaction.atomic():
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save(update_fields=list(values))
        audit_record(actor=actor, action=AuditAction.SITE_UPDATE, target_type="site",
                     target_ids=[existing.slug], site=existing.slug)
    return existing


def household_update(*, actor: Actor, ref: str, changes: dict[str, Any]) -> Household:
    """Correct a household's place of origin, phone or size; the old values go to its history."""
    actor.require("register")
    household = household_get(actor=actor, ref=ref)
    errors = _Errors()
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
    unknown = set(changes) - {"place_of_origin", "phone", "size"}
    for key in sorted(unknown):
        errors.add(key, _("cannot be changed here"))
    errors.raise_if_any()
    _apply_changes(actor, household, values, AuditAction.HOUSEHOLD_UPDATE,
                   household=household, person=None)
    return household


_PERSON_FIELDS = {"given_name", "family_name", "patronymic", "sex", "birth_date",
                  "relationship", "document_type", "document_number", "status",
                  "vulnerabilities"}


def person_update(*, actor: Actor, ref: str, changes: dict[str, Any]) -> Person:
    """Correct a person's record; every changed field's old value goes to the history."""
    actor.require("register")
    person = person_get(actor=actor, ref=ref)
    errors = _Errors()
    unknown = set(changes) - _PERSON_FIELDS
    for key in sorted(unknown):
        errors.add(key, _("cannot be changed here"))
    if "vulnerabilities" in changes and not actor.policy.medical_fields:
        errors.add("vulnerabilities", _("your role cannot change medical or protection fields"))
    if "status" in changes and changes["status"] not in PersonStatus.values:
        errors.add("status", _("must be one of: %(choices)s")
                   % {"choices": ", ".join(PersonStatus.values)})
    errors.raise_if_any()
    current = MemberInput(
        given_name=person.given_name, family_name=person.family_name,
        patronymic=person.patronymic, sex=person.sex, birth_date=person.birth_date,
        relationship=person.relationship, document_type=person.document_type,
        document_number=person.document_number,
        vulnerabilities=[v.code for v in person.vulnerabilities.all()],
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
    return rows
