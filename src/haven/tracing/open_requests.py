"""The open requests' sought persons, held in memory for the match alerts.

Every registration is checked against every open request. Asked of the database, that was
a join per new person (the keys of both names, the request's status, the birth year):
some 6 ms a person, and a household cost 41 ms of server CPU instead of 6, with 10,000
requests open (bench/registration.py). The set of sought persons changes seldom (a
request opened, edited, closed or reopened) and is read on every registration, so each
process keeps it in memory, indexed by name key, and asks the database one question per
registration: is the token of `OpenRequestsVersion` still the one read with it? Triggers
(migration 0003) renew that token whenever a sought person or its keys change and when a
request enters or leaves the active statuses, whatever wrote the change (a page, the API,
a PFIF import, a bulk update, a migration); a change made by a transaction that has not
committed is seen only by that transaction, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

from haven.registry import name_search
from haven.tracing.keys import ABSENT
from haven.tracing.models import OpenRequestsVersion, SoughtKey, SoughtPerson
from haven.tracing.vocabulary import ACTIVE_STATUSES


@dataclass(frozen=True)
class Sought:
    """What matching needs of a sought person: the year, and the queries it stands for."""

    id: int
    birth_year: int | None
    queries: tuple[name_search.Query, ...]


def sought_queries(*, given_name: str, patronymic: str, family_name: str, other_names: str,
                   birth_year: int | None, age: int | None, origin: str, sex: str,
                   asked_in: int) -> tuple[name_search.Query, ...]:
    """Return the queries a sought person stands for: the name, and each other spelling.

    An age without a birth year is turned into one from the year the request was opened
    (`asked_in`).
    """
    age_year = asked_in - age if birth_year is None and age is not None else None
    spellings = [tuple(w for w in (given_name, patronymic, family_name) if w)]
    spellings += [tuple(other.split()) for other in other_names.split(",") if other.split()]
    return tuple(name_search.Query(words=words, birth_year=birth_year, origin=origin, sex=sex,
                                   age_year=age_year) for words in spellings)


@dataclass
class Snapshot:
    """The open requests' sought persons as of one token, indexed by field, key and year.

    by_key[(field, key)][birth year or None] is the set of sought ids: a new person with
    a birth year reads only the buckets of that year, the years either side and "not
    known", so a common surname's thousand sought persons are never unioned whole (1.3 ms
    a person with 10,000 requests open, when the index had no years).
    """

    token: str | None
    sought: dict[int, Sought] = field(default_factory=dict)
    by_key: dict[tuple[str, str], dict[int | None, set[int]]] = field(default_factory=dict)

    def met(self, family: set[str], given: set[str], birth_year: int | None) -> list[Sought]:
        """Return the sought persons a new person meets on the keys of both names.

        A sought person must meet the new person on both names (each within a deletion of
        the other), as the alert's threshold asks both names to agree or be spelt alike. A
        name the family did not give (ABSENT) is met by any name; a name the new person
        lacks leaves the other to decide alone. A birth year the family knows that is
        more than a year from the new person's is another person, however alike the
        names: such sought persons are never scored.
        """
        years = ((None, birth_year - 1, birth_year, birth_year + 1) if birth_year is not None
                 else None)
        if family and given:
            ids = self._ids("g", given | {ABSENT}, years)
            if ids:
                ids &= self._ids("f", family | {ABSENT}, years)
        elif family or given:
            ids = self._ids("f", family, years) if family else self._ids("g", given, years)
        else:
            return []
        return [self.sought[i] for i in sorted(ids)]

    def _ids(self, name_field: str, keys: Iterable[str],
             years: tuple[int | None, ...] | None) -> set[int]:
        ids: set[int] = set()
        for key in keys:
            buckets = self.by_key.get((name_field, key))
            if not buckets:
                continue
            if years is None:
                ids = ids.union(*buckets.values())
            else:
                ids = ids.union(*(buckets[y] for y in years if y in buckets))
        return ids


_lock = threading.Lock()
_snapshot = Snapshot(token=None)


def current() -> Snapshot:
    """Return the open requests' sought persons as the database holds them now.

    One primary-key read when nothing changed; a reload (some 0.3 s for 10,000 open
    requests) when the token moved or the row is missing (a flushed test database), in
    which case the snapshot is not kept.
    """
    global _snapshot  # noqa: PLW0603 - the process's one cache, replaced whole
    token = _token()
    snapshot = _snapshot
    if token is not None and snapshot.token == token:
        return snapshot
    with _lock:
        fresh = load()
        if fresh.token is not None and fresh.token == token:
            _snapshot = fresh
        return fresh


def _token() -> str | None:
    """Read the token: plain SQL, as this runs on every registration and the ORM's query
    building cost ten times the read itself (0.3 ms against 0.03)."""
    table = OpenRequestsVersion._meta.db_table  # the model's own name, never input
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return None if row is None else str(row[0])


def load() -> Snapshot:
    """Read the token and the active requests' sought persons in one consistent snapshot."""
    with transaction.atomic():
        snapshot = Snapshot(token=_token())
        for row in SoughtPerson.objects.filter(request__status__in=ACTIVE_STATUSES).values(
                "id", "given_name", "patronymic", "family_name", "other_names", "birth_year",
                "age", "origin", "sex", "request__created_at").iterator(chunk_size=2000):
            snapshot.sought[row["id"]] = Sought(
                id=row["id"], birth_year=row["birth_year"], queries=sought_queries(
                    given_name=row["given_name"], patronymic=row["patronymic"],
                    family_name=row["family_name"], other_names=row["other_names"],
                    birth_year=row["birth_year"], age=row["age"], origin=row["origin"],
                    sex=row["sex"], asked_in=row["request__created_at"].year))
        by_key, sought = snapshot.by_key, snapshot.sought
        for name_field, key, sought_id in SoughtKey.objects.filter(
                sought__request__status__in=ACTIVE_STATUSES).values_list(
                "field", "key", "sought_id").iterator(chunk_size=5000):
            # PostgreSQL's read committed may show this second query a request opened since
            # the first: its keys wait for the next load (the token has moved on).
            if sought_id in sought:
                by_key.setdefault((name_field, key), {}).setdefault(
                    sought[sought_id].birth_year, set()).add(sought_id)
    return snapshot
