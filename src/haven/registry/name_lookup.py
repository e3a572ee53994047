"""Find persons by name in the database's indexes, and rank them: the registry's half of
name search (haven.registry.name_search holds the keys' neighbours, the readings of the
typed words and the score).

Every lookup is an equality, an IN or a range on an indexed key column, in tiers from the
closest to the loosest; the looser tiers run only when the closer ones have not found the
names exact. Callers pass the persons the searcher may see (`persons_visible`) and audit
what they show.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce

from haven.core.names import given_name_key, surname_key
from haven.registry import name_search, name_vocabulary
from haven.registry.models import Person
from haven.registry.vocabulary import Sex

# Persons read per candidate lookup: a common name in a million (every Armen Grigoryan)
# is a few hundred; the cap bounds a search whatever is typed.
_CANDIDATES_PER_LOOKUP = 1000
_CANDIDATES_ANY_YEAR = 100
_CANDIDATES_BROAD = 500
_CANDIDATES_NO_YEAR = 300
# Keys per name in the last tier (name_vocabulary.spelt_like): the pairs looked up are
# their product, each an index probe.
_SPELT_LIKE = 25
# Near keys that records hold, per field, over every word typed: a key one edit from a
# common name's has a few dozen spellings at most; the cap bounds the pairs looked up.
_KEYS_PRESENT_MAX = 100


def _name_candidates(query: name_search.Query) -> list[tuple[Q, int, int]]:
    """Return the index lookups that find every person the query may mean, with their caps.

    Every condition is an equality (or IN, or a range on a key's first letter) on an
    indexed key column. Tier 0: the family key and the given key each exact or one edit
    away (a slip in either name or in both, in any script: a slip made before
    transliteration moves a key by one edit as often as the slip itself does). Tier 1, for
    a name slipped beyond one edit or spelt by a rule the keys do not fold (the German j
    of Mikajeljan): one name exact or one edit away and the other's first letter, with the
    birth year within one when there is one. The same names with any birth year (a year
    typed wrong) are tier 0 too, after the others. Tier 2, for a slip in a name's first
    letter as well (Hvhannisyan, whose key starts otherwise than Hovhannisyan's): one name
    exact or one edit away with the year within one or not recorded, or with no year typed
    one name exact and the sex. One word is looked up as either key.
    A birth year (or age) and a sex narrow tier 0 (a record without them stays in): in a
    million records, Armen Grigoryan is hundreds of people, born in some ninety different
    years. Each lookup comes as (condition, cap, tier); tiers 1 and 2 run only when tier 0 has
    not found the names exact with the year (`_enough`), since "Armen G., born 1980"
    alone is a thousand people in a million.
    """
    near_years = _near_years(query)
    narrow = _narrow(query)
    # Tier 1 looks the year up in the index itself.
    same_sex = _same_sex(query)
    broad = Q(birth_year__in=near_years) & same_sex if near_years else same_sex
    lookups: list[tuple[Q, int, int]] = []
    keys = _NearKeys(query)
    if len(query.words) == 1:
        word = query.words[0]
        lookups.append((Q(family_name_key__in=keys.family(surname_key(word))) & narrow,
                        _CANDIDATES_PER_LOOKUP, 0))
        lookups.append((Q(given_name_key__in=keys.given(given_name_key(word))) & narrow,
                        _CANDIDATES_PER_LOOKUP, 0))
        return lookups
    for given, family in _key_pairs(query):
        near_family, near_given = keys.family(family), keys.given(given)
        # The exact keys first: the cap can cut only the near spellings of a common name.
        # Then either name or both one edit away (a slip in one name or in each).
        lookups.append((Q(family_name_key=family, given_name_key=given) & narrow,
                        _CANDIDATES_PER_LOOKUP, 0))
        lookups.append((Q(family_name_key__in=near_family, given_name_key__in=near_given)
                        & narrow, _CANDIDATES_PER_LOOKUP, 0))
        if near_years:
            # The other name beyond one edit, but its first letter as typed: "every
            # David born 1962-1964" is a thousand people in a million.
            lookups.append((Q(given_name_key__in=near_given) & _initial("family_name_key", family)
                            & broad, _CANDIDATES_BROAD, 1))
            lookups.append((Q(family_name_key__in=near_family)
                            & _initial("given_name_key", given) & broad, _CANDIDATES_BROAD, 1))
            # The same names born any year (a year typed wrong): one index range, so it
            # runs with the closest lookups.
            lookups.append((Q(family_name_key=family, given_name_key=given),
                            _CANDIDATES_ANY_YEAR, 0))
            # Tier 2: the other name slipped in its first letter too (Hvhannisyan for
            # Hovhannisyan folds to another initial; Zanna for Zhanna; German Ch for Kh):
            # one name within one edit and the year within one, or no year recorded, are
            # the whole lookup: each an index range on (name key, birth year).
            unrecorded = Q(birth_year__isnull=True) & same_sex
            for near in (Q(given_name_key__in=near_given), Q(family_name_key__in=near_family)):
                lookups.append((near & broad, _CANDIDATES_BROAD, 2))
                lookups.append((near & unrecorded, _CANDIDATES_ANY_YEAR, 2))
        else:
            lookups.append((Q(family_name_key=family) & _initial("given_name_key", given)
                            & same_sex, _CANDIDATES_ANY_YEAR, 1))
            lookups.append((Q(given_name_key=given) & _initial("family_name_key", family)
                            & same_sex, _CANDIDATES_ANY_YEAR, 1))
            # Tier 2, as above but with no year to narrow: one name exact and the sex.
            lookups.append((Q(family_name_key=family) & same_sex, _CANDIDATES_NO_YEAR, 2))
            lookups.append((Q(given_name_key=given) & same_sex, _CANDIDATES_NO_YEAR, 2))
    return sorted(lookups, key=lambda lookup: lookup[2])


def _key_pairs(query: name_search.Query) -> list[tuple[str, str]]:
    """Return the (given key, family key) of each reading of the words, once each."""
    pairs = {(r.given_key, r.family_key): None for r in name_search.readings(list(query.words))}
    return [(given, family) for given, family in pairs if given or family]


def _near_years(query: name_search.Query) -> list[int]:
    years = [y for y in (query.birth_year, query.age_year) if y is not None]
    return sorted({y + d for y in years for d in (-1, 0, 1)})


def _same_sex(query: name_search.Query) -> Q:
    return Q(sex__in=[query.sex, Sex.UNKNOWN]) if query.sex else Q()


def _narrow(query: name_search.Query) -> Q:
    """Return the condition of the name lookups: the year within one or not recorded, the sex.

    `search_year` is the year or 0 (an expression, so SQLite walks the name keys' index and
    checks the year on its entries; "year IN (...) OR year IS NULL" made it read every
    Armen of those years instead).
    """
    near_years = _near_years(query)
    years = Q(search_year__in=[*near_years, 0]) if near_years else Q()
    return years & _same_sex(query)


def _spelling_lookups(query: name_search.Query) -> list[Q]:
    """Return the last tier's lookups: both names spelt like the typed ones, however far.

    For each reading of the words, the registry's keys most like each typed name
    (haven.registry.name_vocabulary), found together, with the year and sex of the
    closer tiers: a name two or three edits off its record's, or both names one
    edit further than the closer tiers reach.
    """
    if len(query.words) < 2:
        return []
    narrow = _narrow(query)
    lookups: list[Q] = []
    for given, family in _key_pairs(query):
        if not (given and family):
            continue
        lookups.append(Q(family_name_key__in=name_vocabulary.spelt_like(
                             "family_name_key", family, _SPELT_LIKE),
                         given_name_key__in=name_vocabulary.spelt_like(
                             "given_name_key", given, _SPELT_LIKE)) & narrow)
    return lookups


class _NearKeys:
    """The keys one edit from the typed words' keys that some record holds, per name field.

    Keys one edit away are hundreds per word (name_search.near_keys); a register holds a
    few of them. One query per field finds which, for every reading of the words at once,
    so that the lookups that follow name a handful of keys, not hundreds.
    """

    def __init__(self, query: name_search.Query) -> None:
        words = list(query.words)
        families = {surname_key(w) for w in words} - {""}
        givens = {given_name_key(w) for w in words} - {""}
        self._present = {
            "family_name_key": _keys_present("family_name_key", set().union(
                *(name_search.near_keys(k) for k in families)) - families),
            "given_name_key": _keys_present("given_name_key", set().union(
                *(name_search.near_keys(k) for k in givens)) - givens),
        }

    def _near(self, column: str, key: str) -> list[str]:
        near = name_search.near_keys(key)
        return [key, *(k for k in self._present[column] if k in near and k != key)] if key \
            else []

    def family(self, key: str) -> list[str]:
        return self._near("family_name_key", key)

    def given(self, key: str) -> list[str]:
        return self._near("given_name_key", key)


def _keys_present(column: str, keys: set[str]) -> set[str]:
    """Return those of `keys` that some person's `column` holds (an index probe per key).

    Over every record, not only those the searcher may see: it returns keys, never a
    person, and the lookup it feeds is made within the searcher's records.
    """
    if not keys:
        return set()
    # Plain SQL: the ORM prepares each of some 700 parameters one by one, which cost more
    # than the index probes. The column and table names are the model's, not input.
    table = connection.ops.quote_name(Person._meta.db_table)
    name = connection.ops.quote_name(column)  # the key fields' columns bear their names
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT {name} FROM {table} WHERE {name} IN ({marks}) "  # noqa: S608
                       f"LIMIT {_KEYS_PRESENT_MAX}", sorted(keys))
        return {row[0] for row in cursor.fetchall()}


def _initial(column: str, key: str) -> Q:
    """Return a condition: `column` starts with the key's first letter (an index range)."""
    if not key:
        return Q()
    return Q(**{f"{column}__gte": key[0], f"{column}__lt": chr(ord(key[0]) + 1)})


_CANDIDATE_FIELDS = ("id", "merged_into_id", "given_name", "family_name", "patronymic",
                     "given_name_key", "family_name_key", "sex", "birth_year",
                     "household__place_of_origin")


def person_ids_by_name(persons: QuerySet[Person], query: name_search.Query, limit: int, *,
                       year_weights: Mapping[str, float] | None = name_search.SEARCH_YEAR_WEIGHTS,
                       ) -> list[tuple[uuid.UUID, float, tuple[str, ...]]]:
    """Return (id, score, untranslated reasons) of the best `limit` of `persons` for the query.

    Records merged into another count once, under the best-scoring of them. A caller that
    holds a score to a threshold set in the engine's weights passes `year_weights=None`
    (name_search.score).
    """
    found: dict[uuid.UUID, dict[str, Any]] = {}
    # The settlement is the household's: joined only when the query has one to compare.
    fields = _CANDIDATE_FIELDS if query.origin else _CANDIDATE_FIELDS[:-1]
    # No ordering: the model's would sort every match before the cap.
    persons = persons.annotate(search_year=Coalesce("birth_year", Value(0))).order_by()
    # Persons whose two names are a reading's, in any script: when there are `limit` of
    # them, a person found only by a looser lookup would rank below them all but for a
    # year or origin the namesakes lack, and the looser lookups are the costly ones.
    exact = {(r.family_key, r.given_key) for r in name_search.readings(list(query.words))}
    for lookup, cap, tier in _name_candidates(query):
        if tier and _enough(found.values(), exact, query, limit):
            break
        if tier == 2 and len(found) >= limit:
            # The first-letter lookups read a name's whole neighbourhood: worth it only
            # when the closer tiers found fewer persons than the page shows.
            break
        for row in persons.filter(lookup).values(*fields)[:cap]:
            found.setdefault(row["id"], row)
    if len(query.words) > 1 and not _enough(found.values(), exact, query, limit):
        # The last tier, whatever the closer ones found short of that: a namesake born
        # in another year must not hide the person whose names were misspelt further.
        for lookup in _spelling_lookups(query):
            for row in persons.filter(lookup).values(*fields)[:_CANDIDATES_BROAD]:
                found.setdefault(row["id"], row)
    best: dict[uuid.UUID, tuple[uuid.UUID, float, tuple[str, ...]]] = {}
    for row in found.values():
        score, reasons = name_search.score(query, name_search.Candidate(
            given_name=row["given_name"], family_name=row["family_name"],
            patronymic=row["patronymic"], given_name_key=row["given_name_key"],
            family_name_key=row["family_name_key"], sex=row["sex"],
            birth_year=row["birth_year"],
            place_of_origin=row.get("household__place_of_origin", "")),
            year_weights=year_weights)
        one = row["merged_into_id"] or row["id"]
        if one not in best or score > best[one][1]:
            best[one] = (row["id"], score, reasons)
    ranked = sorted(best.values(), key=lambda hit: (-hit[1], str(hit[0])))
    return ranked[:limit]


def _enough(rows: Iterable[dict[str, Any]], exact: set[tuple[str, str]],
            query: name_search.Query, limit: int) -> bool:
    """Return whether the closest lookups found enough that the looser ones are not run.

    Enough is `limit` persons with both names exact in any script, or one of them born
    within a year of the year given (or any, when none is): the person sought, as a
    rule, or a namesake the looser lookups could not outrank on the names.
    """
    years = [y for y in (query.birth_year, query.age_year) if y is not None]
    named = [row for row in rows if (row["family_name_key"], row["given_name_key"]) in exact]
    return len(named) >= limit or any(
        not years or (row["birth_year"] is not None
                      and any(abs(row["birth_year"] - y) <= 1 for y in years))
        for row in named)
