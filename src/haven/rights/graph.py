"""Everything stored about one person, found by the database's own foreign keys.

The access export and the erasure must reach every row that names a person, including
rows of apps added after this one (a tracing request, a linkage table): walking the
models' reverse relations finds them without each app registering itself, and a row
this walk missed would make the erasure fail on a PROTECT key instead of leaving data.

The subject is a *cluster*: the person and every record merged into it (or that it was
merged into) — the same human registered twice. Their household is part of the subject
only when nobody else is left in it; otherwise only its own columns are exported and
it stays, with the other members.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import ForeignObjectRel

from haven.registry.models import Household, Person


def cluster_of(person: Person) -> list[Person]:
    """Return the person with every record merged into it or that it was merged into."""
    root = person
    seen: set[uuid.UUID] = {root.pk}
    while root.merged_into_id is not None and root.merged_into_id not in seen:
        seen.add(root.merged_into_id)
        root = Person.objects.get(pk=root.merged_into_id)
    found = [root]
    frontier = [root.pk]
    known = {root.pk}
    while frontier:
        children = list(Person.objects.filter(merged_into_id__in=frontier).exclude(pk__in=known))
        found.extend(children)
        known.update(c.pk for c in children)
        frontier = [c.pk for c in children]
    return found


@dataclass
class Rows:
    """Rows of one model that belong to the subject, and the rows that hang from them."""

    model: type[models.Model]
    pks: list[Any]
    children: list[Rows] = field(default_factory=list)


def _person_fields(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is Person]


def _household_fields(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is Household]


def _belongs(model: type[models.Model], persons: set[Any], households: set[Any]
             ) -> models.Q:
    """Return a filter for rows of `model` that name only the subject's persons.

    A row naming another person (a placement stay of a relative, a match candidate with
    a stranger) belongs to the subject only through its subject column; a row naming a
    kept household's other member is never the subject's.
    """
    condition = models.Q()
    for person_field in _person_fields(model):
        condition &= models.Q(**{f"{person_field.attname}__isnull": True}) | models.Q(
            **{f"{person_field.attname}__in": persons})
    return condition


def related_rows(model: type[models.Model], pks: list[Any], *, persons: set[Any],
                 households: set[Any], depth: int = 0) -> Iterator[Rows]:
    """Yield, per related model, the rows pointing at `pks` of `model`, recursively."""
    if not pks or depth > 6:
        return
    # Hidden relations too: most of Haven's keys to a person say related_name="+".
    for relation in model._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many \
                or not isinstance(relation.field, models.ForeignKey):
            continue
        child: type[models.Model] = relation.related_model
        if child is Person:  # members and merged records: the cluster decides those
            continue
        if child is Household:
            continue
        column = relation.field.attname
        rows = child._default_manager.filter(**{f"{column}__in": pks})
        if model is Household:  # a kept household's rows about its other members stay
            rows = rows.filter(_belongs(child, persons, households))
        if child is model:  # a self relation (a transfer's placement): follow the chain
            rows = rows.exclude(pk__in=pks)
        child_pks = list(rows.values_list("pk", flat=True))
        if not child_pks:
            continue
        found = Rows(model=child, pks=child_pks)
        found.children = list(related_rows(child, child_pks, persons=persons,
                                           households=households, depth=depth + 1))
        yield found


@dataclass
class Subject:
    persons: list[Person]
    households: list[Household]  # every household of the cluster
    erasable_households: list[Household]  # those nobody else is left in
    person_rows: list[Rows]
    household_rows: list[Rows]  # rows of the erasable households only

    @property
    def person_ids(self) -> set[uuid.UUID]:
        return {p.pk for p in self.persons}


def subject_of(person: Person, *, shared_household_rows: bool = True) -> Subject:
    """Return the cluster of `person` and every row that names it.

    With `shared_household_rows` the rows of households others still live in are
    included as well (what the access export shows); the erasure leaves them.
    """
    persons = cluster_of(person)
    person_ids = {p.pk for p in persons}
    households = list(Household.objects.filter(pk__in={p.household_id for p in persons}))
    household_ids = {h.pk for h in households}
    others = set(Person.objects.filter(household_id__in=household_ids)
                 .exclude(pk__in=person_ids).values_list("household_id", flat=True))
    erasable = [h for h in households if h.pk not in others]
    scope = households if shared_household_rows else erasable
    person_rows = list(related_rows(Person, list(person_ids), persons=person_ids,
                                    households=household_ids))
    household_rows = list(related_rows(Household, [h.pk for h in scope], persons=person_ids,
                                       households=household_ids))
    return Subject(persons=persons, households=households, erasable_households=erasable,
                   person_rows=person_rows, household_rows=household_rows)
