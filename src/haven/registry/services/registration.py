"""Register households: the one door every channel (page, API, ODK, import, replay) uses.

Validated households become rows of values inserted in one transaction, with each
member's arrival, the history entry and the audit event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, router, transaction
from django.db.models import Model
from django.utils import timezone

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.bulk import db_converter, insert_values, uuid_converter
from haven.core.errors import ValidationFailed
from haven.core.ids import new_code, uuid7
from haven.core.names import given_name_key, surname_key
from haven.registry.events import RegistryEvent, registry_event_fire
from haven.registry.models import (
    Arrival,
    Household,
    Person,
    PersonVulnerability,
    RecordChange,
    Site,
)
from haven.registry.services.validation import HouseholdInput, _clean_household, _ValidHousehold
from haven.registry.vocabulary import (
    PersonStatus,
)

if TYPE_CHECKING:
    from haven.accounts.access import Actor


_CODE_ATTEMPTS = 3


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
    # Observers (tracing's match alerts, unaccompanied children) run after the commit.
    registry_event_fire(RegistryEvent(
        kind="registered", person_ids=tuple(p for ids in rows.person_ids for p in ids),
        household_ids=tuple(values[0] for values in rows.household_values),
        channel=actor.channel, username=actor.user.get_username()))
    for slug, targets in rows.audit_targets.items():
        audit_record(actor=actor, action=AuditAction.HOUSEHOLD_CREATE, target_type="household",
                     target_ids=targets, site=slug)
