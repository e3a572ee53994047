"""Small builders shared by the linkage tests: persons at sites, scored pairs, snapshots."""

from __future__ import annotations

import uuid
from typing import Any

from django.forms.models import model_to_dict

from haven.accounts.access import Actor
from haven.linkage import clusters as clusters_module
from haven.linkage import services
from haven.linkage.engine import ScoredPair
from haven.linkage.models import LinkageRun, MatchCandidate
from haven.registry.models import Arrival, Person, RecordChange
from haven.testing.factories import member

HOUSEHOLD_FIELDS = ("phone", "place_of_origin")


def person_at(make_household: Any, site: str, **fields: Any) -> Person:
    """Register a one-person household at the site and return the person.

    `phone` and `place_of_origin` go to the household, every other field to the member.
    """
    household = {k: fields.pop(k) for k in HOUSEHOLD_FIELDS if k in fields}
    return make_household(site=site, members=[member(**fields)], **household).members.get()


def scored(a: Person, b: Person, probability: float = 0.8, *, reverse: bool = False,
           ) -> ScoredPair:
    """Return the engine's pair for two persons (in either order, as an engine might)."""
    first, second = (b, a) if reverse else (a, b)
    return ScoredPair(left_id=str(first.id), right_id=str(second.id), probability=probability,
                      match_weight=3.0,
                      levels={"given_name": "exact key match", "family_name": "exact key match",
                              "birth_date": "year ±1"},
                      bayes_factors={"given_name": 40.0, "family_name": 25.0,
                                     "birth_date": 0.5})


def queue_pairs(actor: Actor, pairs: list[ScoredPair]) -> LinkageRun:
    """Queue pairs as a run would, with the registry's clusters as they are now."""
    run = services._start_run(actor, engine="duckdb", kind="full")  # type: ignore[arg-type]
    clusters = clusters_module.load_clusters()
    services._queue(run, clusters, pairs)
    services._close_moot()
    return run


def ticket(a: Person, b: Person) -> MatchCandidate:
    left, right = clusters_module.canonical_pair(a.id, b.id)
    return MatchCandidate.objects.get(left_id=left, right_id=right)


def snapshot(persons: list[uuid.UUID]) -> dict[str, list[dict[str, Any]]]:
    """Return every row of the persons, their arrivals and their history, as stored."""
    def rows(queryset: Any) -> list[dict[str, Any]]:
        return [model_to_dict(row, fields=[f.name for f in row._meta.concrete_fields])
                for row in queryset.order_by("pk")]

    return {"persons": rows(Person.objects.filter(id__in=persons)),
            "arrivals": rows(Arrival.objects.filter(person_id__in=persons)),
            "history": rows(RecordChange.objects.filter(person_id__in=persons))}
