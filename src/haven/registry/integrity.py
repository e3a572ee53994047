"""The registry's invariants, for `haven check --integrity`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, F, Min, OuterRef, Q

from haven.core.integrity import Finding, integrity_check
from haven.registry.models import Arrival, Household, Person

_SAMPLE = 5  # ids named per finding: enough to look into, never a dump


def _ids(rows: Iterable[object]) -> str:
    return ", ".join(str(r) for r in rows)


@integrity_check("registry.households_have_members")
def households_have_members() -> Iterable[Finding]:
    empty = Household.objects.filter(~Exists(Person.objects.filter(household=OuterRef("pk"))))
    n = empty.count()
    if n:
        sample = _ids(empty.values_list("code", flat=True)[:_SAMPLE])
        yield Finding("registry.households_have_members",
                      f"{n} households have no member (e.g. {sample})")


@integrity_check("registry.persons_have_arrivals")
def persons_have_arrivals() -> Iterable[Finding]:
    """Every registration records an arrival: a person without one was half-written."""
    lone = Person.objects.filter(~Exists(Arrival.objects.filter(person=OuterRef("pk"))))
    n = lone.count()
    if n:
        sample = _ids(lone.values_list("code", flat=True)[:_SAMPLE])
        yield Finding("registry.persons_have_arrivals",
                      f"{n} persons have no arrival (e.g. {sample})")


@integrity_check("registry.arrival_summaries")
def arrival_summaries() -> Iterable[Finding]:
    """A person's first arrival and site count are what their arrivals say."""
    drifted = (Person.objects.annotate(first=Min("arrivals__arrived_at"),
                                       sites=Count("arrivals__site", distinct=True))
               .filter(~Q(first_arrived_at=F("first")) | ~Q(site_count=F("sites"))))
    n = drifted.count()
    if n:
        yield Finding("registry.arrival_summaries",
                      f"{n} persons' arrival summaries differ from their arrivals (e.g. "
                      f"{_ids(drifted.values_list('code', flat=True)[:_SAMPLE])})")


@integrity_check("registry.merges_are_one_level")
def merges_are_one_level() -> Iterable[Finding]:
    """A record merged into another points at a representative: never at itself, never at a
    record that is itself merged (so no chain, and no cycle, can form)."""
    selfish = Person.objects.filter(merged_into=F("pk"))
    chained = Person.objects.filter(merged_into__merged_into__isnull=False)
    for name, rows in (("into themselves", selfish), ("into a merged record", chained)):
        n = rows.count()
        if n:
            yield Finding("registry.merges_are_one_level",
                          f"{n} persons are merged {name} (e.g. "
                          f"{_ids(rows.values_list('code', flat=True)[:_SAMPLE])})")
