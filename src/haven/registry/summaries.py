"""Keep each person's and household's arrival summary (first, second, last site) current.

The summary columns (`first_arrived_at`, `first_site`, `second_arrived_at`,
`second_site`, `last_arrived_at`, `last_site`, `site_count` on Person and Household)
are a copy of what the record's arrivals say, for the situation report. Registration
writes them with the rows it inserts (a new record has one arrival); every other path
that records an arrival calls `arrival_summaries_refresh`, which recomputes them from
the arrivals themselves, so an arrival recorded late with an earlier time moves
`first_*` and a later one moves `last_*`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce

from haven.registry.models import Arrival, Household, Person

_CHUNK = 500  # ids per IN (...): well under SQLite's bound-variable limit


def summary_values(owner: str) -> dict[str, Any]:
    """Return the update of every summary column, from the arrivals whose `owner` is the row.

    `owner` is the arrival's path to the row being updated: "person_id" for persons,
    "person__household_id" for households. One UPDATE sets every column: `second_*`
    looks the first site up itself, as `first_site_id` is still the old value within
    the same statement.
    """
    arrivals = Arrival.objects.filter(**{owner: OuterRef("pk")})
    first = arrivals.order_by("arrived_at", "site_id")
    last = arrivals.order_by("-arrived_at", "site_id")
    first_site = (Arrival.objects.filter(**{owner: OuterRef(OuterRef("pk"))})
                  .order_by("arrived_at", "site_id").values("site_id")[:1])
    others = arrivals.exclude(site_id=Subquery(first_site)).order_by("arrived_at", "site_id")
    # A plain function, not an aggregate: Django then adds no GROUP BY to the subquery.
    sites = arrivals.order_by().annotate(
        n=Func(F("site_id"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)"))
    return {
        "first_arrived_at": Subquery(first.values("arrived_at")[:1]),
        "first_site_id": Subquery(first.values("site_id")[:1]),
        "second_arrived_at": Subquery(others.values("arrived_at")[:1]),
        "second_site_id": Subquery(others.values("site_id")[:1]),
        "last_arrived_at": Subquery(last.values("arrived_at")[:1]),
        "last_site_id": Subquery(last.values("site_id")[:1]),
        "site_count": Coalesce(Subquery(sites.values("n")[:1]), 0),
    }


def arrival_summaries_refresh(*, person_ids: Iterable[Any], household_ids: Iterable[Any]) -> None:
    """Recompute the arrival summaries of these persons and households from their arrivals.

    Two UPDATE statements per 500 records, whatever the number of arrivals.
    """
    for model, ids, owner in ((Person, person_ids, "person_id"),
                              (Household, household_ids, "person__household_id")):
        keys = sorted(set(ids))
        for start in range(0, len(keys), _CHUNK):
            model.objects.filter(id__in=keys[start:start + _CHUNK]).update(
                **summary_values(owner))
