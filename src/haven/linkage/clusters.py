"""The registry's records as the engine reads them, and its clusters while they change.

A cluster is a representative record (merged_into NULL) and the records merged into it.
`Clusters` holds them in memory during a run or a decision, with the pairs judged to be
different people, so that no merge ever joins two of those.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from haven.linkage.models import MatchCandidate, MatchState, PersonMerge
from haven.registry.birth_dates import birth_date_text
from haven.registry.models import Person

PersonId = uuid.UUID
CHUNK = 500  # ids per IN (...) query: well under SQLite's bound-variable limit


def canonical_pair(a: PersonId, b: PersonId) -> tuple[PersonId, PersonId]:
    """Return the pair in the order it is stored: the smaller id first (as the database sorts)."""
    return (a, b) if a < b else (b, a)


# ----- extraction
_EXTRACT_FIELDS = (
    "id", "given_name", "family_name", "patronymic", "sex", "birth_year", "birth_month",
    "birth_day", "document_number", "household_id", "household__place_of_origin",
    "household__phone_e164", "household__phone", "merged_into_id", "created_at",
)


@dataclass
class Registry:
    """The records as the engine sees them, and what the services need to cluster them."""

    frame: Any  # a pandas DataFrame in the engine's RECORD_COLUMNS, plus household_id
    representative: dict[PersonId, PersonId] = field(default_factory=dict)
    created: dict[PersonId, tuple[Any, PersonId]] = field(default_factory=dict)
    household: dict[PersonId, Any] = field(default_factory=dict)


def _pandas() -> Any:
    # Loaded when a run needs it, not by every page that imports this module; and typed
    # as Any, since pandas ships without type information.
    return importlib.import_module("pandas")


def records_extract(persons: Iterable[Sequence[Any]] | None = None) -> Registry:
    """Return every person record in the engine's columns (all records, merged ones too).

    The household's phone (E.164 where known) and settlement of origin stand for each
    member's; `household_id` tells the engine which records are relatives.
    """
    pd = _pandas()
    rows = persons if persons is not None else (
        Person.objects.order_by().values_list(*_EXTRACT_FIELDS).iterator(chunk_size=20_000))
    columns: dict[str, list[str]] = {name: [] for name in (
        "record_id", "given_name", "family_name", "patronymic", "sex", "birth_date",
        "place_of_origin", "phone", "document_number", "household_id")}
    representative: dict[PersonId, PersonId] = {}
    created: dict[PersonId, tuple[Any, PersonId]] = {}
    households: dict[PersonId, Any] = {}
    for (pk, given, family, patronymic, sex, year, month, day, document, household, origin,
         e164, phone, merged_into, created_at) in rows:
        columns["record_id"].append(str(pk))
        columns["given_name"].append(given or "")
        columns["family_name"].append(family or "")
        columns["patronymic"].append(patronymic or "")
        columns["sex"].append(sex or "")
        columns["birth_date"].append(birth_date_text(year, month, day))
        columns["place_of_origin"].append(origin or "")
        columns["phone"].append(e164 or phone or "")
        columns["document_number"].append(document or "")
        columns["household_id"].append(str(household))
        representative[pk] = merged_into or pk
        created[pk] = (created_at, pk)
        households[pk] = household
    return Registry(frame=pd.DataFrame(columns, dtype=str), representative=representative,
                    created=created, household=households)


# ----- clusters in memory, while a run or a decision changes them
class Clusters:
    """The registry's clusters, with the pairs that must never end up in one cluster.

    Given `household` (record -> household), automatic linking also never puts two
    members of one household registration in one cluster: the registration refuses a
    member listed twice, so two rows of one household are relatives (twins, siblings
    with the parents' phone and surname), whatever the scores say. A reviewer may still
    confirm such a pair.
    """

    def __init__(self, representative: dict[PersonId, PersonId],
                 created: dict[PersonId, tuple[Any, PersonId]],
                 cannot_link: Iterable[tuple[PersonId, PersonId]] = (),
                 household: dict[PersonId, Any] | None = None) -> None:
        self.representative = representative
        self.created = created
        self.household = household
        self.members: dict[PersonId, set[PersonId]] = {}
        for pk, rep in representative.items():
            self.members.setdefault(rep, {rep}).add(pk)
        self.cannot: dict[PersonId, set[PersonId]] = {}
        for a, b in cannot_link:
            self.cannot.setdefault(a, set()).add(b)
            self.cannot.setdefault(b, set()).add(a)

    def rep(self, pk: PersonId) -> PersonId:
        return self.representative.get(pk, pk)

    def blocked(self, a: PersonId, b: PersonId) -> bool:
        """Return whether joining the clusters of a and b would join a cannot-link pair."""
        left = self.members.get(self.rep(a), {a})
        right = self.members.get(self.rep(b), {b})
        small, large = (left, right) if len(left) <= len(right) else (right, left)
        if self.household is not None:
            homes = {self.household.get(pk) for pk in small}
            if any(self.household.get(pk) in homes for pk in large):
                return True
        return any(self.cannot.get(pk, set()) & large for pk in small)

    def contradiction(self, a: PersonId, b: PersonId,
                      contradicts: Callable[[PersonId, PersonId], str]) -> str:
        """Return why the clusters of a and b cannot be one person (a reason code), or "".

        The engine's clustering rule (haven.linkage.contradictions): no cluster holds two
        records that contradict each other, so a link that would join them goes to a
        reviewer instead.
        """
        left = self.members.get(self.rep(a), {a})
        right = self.members.get(self.rep(b), {b})
        for x in sorted(left):
            for y in sorted(right):
                if reason := contradicts(x, y):
                    return reason
        return ""

    def order(self, a: PersonId, b: PersonId) -> tuple[PersonId, PersonId]:
        """Return (merged, into) for two representatives: the earlier-registered survives."""
        key_a = self.created.get(a, (None, a))
        key_b = self.created.get(b, (None, b))
        if key_a[0] is None or key_b[0] is None:
            return (b, a) if a < b else (a, b)
        return (b, a) if key_a <= key_b else (a, b)

    def join(self, merged: PersonId, into: PersonId) -> None:
        moved = self.members.pop(merged, {merged})
        for pk in moved:
            self.representative[pk] = into
        self.members.setdefault(into, {into}).update(moved)


def load_clusters(ids: Iterable[PersonId] | None = None) -> Clusters:
    """Return the clusters of the given persons (all persons when None), with cannot-links.

    Given ids, lock those persons' rows: call it inside the transaction that changes them.
    """
    if ids is None:
        rows = list(Person.objects.order_by().values_list("id", "merged_into_id", "created_at"))
    else:
        wanted = set(ids)
        reps: set[PersonId] = set()
        for chunk in chunks(sorted(wanted)):
            # Locked until the caller's transaction ends (PostgreSQL): two reviewers
            # merging overlapping clusters at once take turns, and the second sees the
            # first's merge, so clusters stay flat.
            reps.update(r or p for p, r in Person.objects.select_for_update()
                        .filter(id__in=chunk).values_list("id", "merged_into_id"))
        rows = []
        for chunk in chunks(sorted(reps)):
            rows.extend(Person.objects.filter(id__in=chunk)
                        .values_list("id", "merged_into_id", "created_at"))
            rows.extend(Person.objects.filter(merged_into_id__in=chunk)
                        .values_list("id", "merged_into_id", "created_at"))
    representative = {pk: merged_into or pk for pk, merged_into, _at in rows}
    created = {pk: (at, pk) for pk, _m, at in rows}
    return Clusters(representative, created, cannot_link())


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def cannot_link() -> list[tuple[PersonId, PersonId]]:
    """Return the pairs judged different people: rejected tickets, and undone merges."""
    pairs = list(MatchCandidate.objects.filter(state=MatchState.REJECTED)
                 .values_list("left_id", "right_id"))
    pairs += list(PersonMerge.objects.filter(undone_at__isnull=False)
                  .values_list("person_id", "into_id"))
    return pairs


def must_link() -> list[tuple[PersonId, PersonId]]:
    """Return the pairs known to be one person: current merges and confirmed tickets."""
    pairs = list(Person.objects.filter(merged_into__isnull=False)
                 .values_list("id", "merged_into_id"))
    pairs += list(MatchCandidate.objects.filter(state=MatchState.CONFIRMED)
                  .values_list("left_id", "right_id"))
    return pairs
