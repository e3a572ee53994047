"""The full report read from arrival summaries equals the one regrouped from arrivals.

A random registry built through the registry's own services (so the summaries are kept
as in production) with every case the summaries do not settle alone: merged records
(including a representative that arrived after its merged record), persons who reached
three sites, arrivals recorded late with an earlier time, returns to an earlier site,
arrivals after the report date, ties at the same minute, vulnerabilities and statuses.
For every report date, each figure of `full_report_figures` equals the temporary-table
queries' over arrivals at every site (the path scoped reports take).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.registry.models import Person, Site
from haven.registry.services import arrivals_record
from haven.reports import queries, summary_queries
from haven.reports.services import report_zone
from haven.reports.summary_queries import full_report_figures
from haven.reports.tests.conftest import local
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db
HUBS = ("goris", "vayk")
# Around the age bands' edges on the report dates (5, 18, 60 years before late September).
BIRTHS = ("1948", "2010-05", "2021", "2018-09-27", "2018-09-26", "2005-09-26", "2005-09",
          "1963-09-28", "1963", "", "1990-01-01", "2018")
CODES = ([], [], [], ["injured"], ["burns"], ["injured", "burns"], ["disability_seeing"],
         ["pregnant"], ["disability_seeing", "disability_hearing"])


def _random_registry(users: dict[str, Any], make_household: Any, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    clerk = actor_for(users["coordinator"])
    later: list[tuple[str, str, dt.datetime]] = []
    for _ in range(40):
        crossed = local(rng.randrange(24, 29), rng.randrange(0, 24), rng.choice((0, 30)))
        site = rng.choice(("kornidzor", "kornidzor", "goris"))
        household = make_household(site=site, arrived_at=crossed, members=[
            member(given_name=("Anahit", "Tigran", "Nare")[i],
                   sex=rng.choice(("female", "male", "unknown")), birth_date=rng.choice(BIRTHS),
                   relationship="head" if i == 0 else "child",
                   vulnerabilities=rng.choice(CODES))
            for i in range(rng.randrange(1, 4))])
        for person in household.members.all():
            roll = rng.random()
            hub = rng.choice(HUBS)
            if roll < 0.6:  # onward to a hub, the same day or days later
                later.append((person.code, hub, crossed + dt.timedelta(
                    hours=rng.choice((0, 3, 20, 50)))))
            if roll < 0.15:  # then the other hub: three sites
                other = HUBS[1 - HUBS.index(hub)]
                later.append((person.code, other, crossed + dt.timedelta(hours=60)))
            elif roll < 0.25:  # back at the border
                later.append((person.code, "kornidzor", crossed + dt.timedelta(hours=30)))
            elif roll < 0.32:  # recorded late: they had been at a hub before the border
                later.append((person.code, hub, crossed - dt.timedelta(hours=8)))
    arrivals_record(actor=clerk, arrivals=later)
    persons = list(Person.objects.order_by("created_at", "position", "id"))
    statuses = ("present", "present", "departed", "deceased")
    for person in rng.sample(persons, 12):
        Person.objects.filter(pk=person.pk).update(status=rng.choice(statuses))
    # Merges as the linkage engine leaves them: flat clusters, records untouched.
    representatives = rng.sample(persons, 8)
    others = [p for p in persons if p not in representatives]
    for into in representatives:
        for record in rng.sample(others, rng.randrange(1, 3)):
            others.remove(record)
            Person.objects.filter(pk=record.pk).update(merged_into=into)


def _old_figures(window: queries.Window) -> dict[str, Any]:
    with queries.temporary_tables(window) as cursor:
        return {
            "persons": sorted(queries.persons_by_day(cursor, window)),
            "site_persons": sorted(queries.persons_by_site_day(cursor, window)),
            "registrations": sorted(queries.registrations_by_site_day(cursor, window)),
            "site_households": sorted(queries.households_by_site_day(cursor, window)),
            "households": queries.households_total(cursor),
            "vulnerable": queries.vulnerabilities(cursor),
            "present_at": queries.occupancy(cursor),
            "injured_at": queries.injured_by_site(cursor),
        }


def _new_figures(window: queries.Window) -> dict[str, Any]:
    figures = full_report_figures(window)
    return {
        "persons": figures.persons_rows(), "site_persons": figures.site_persons_rows(),
        "registrations": figures.registrations_rows(),
        "site_households": figures.site_households_rows(), "households": figures.households,
        "vulnerable": figures.vulnerable,
        "present_at": {k: n for k, n in figures.present_at.items() if n},
        "injured_at": {k: n for k, n in figures.injured_at.items() if n},
    }


def _window(date: dt.date, site_ids: tuple[int, ...] | None) -> queries.Window:
    zone = report_zone()
    end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return queries.Window(start=end - dt.timedelta(days=60), end=end, date=date, zone=zone,
                          site_ids=site_ids)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_equals_the_arrivals_regrouped_on_every_date(users, sites,
                                                                  make_household, seed):
    _random_registry(users, make_household, seed)
    every_site = tuple(Site.objects.values_list("id", flat=True))
    assert Person.objects.filter(site_count__gt=2).exists()
    assert Person.objects.filter(merged_into__isnull=False).exists()
    for day in range(23, 33):
        date = dt.date(2023, 9, 23) + dt.timedelta(days=day - 23)
        old = _old_figures(_window(date, every_site))
        new = _new_figures(_window(date, None))
        assert new == old, date


def test_a_zone_off_the_whole_hour_counts_the_same(users, sites, make_household, settings):
    """In Asia/Kolkata (UTC+05:30) an hour of UTC can hold two local dates."""
    settings.TIME_ZONE = "Asia/Kolkata"
    _random_registry(users, make_household, 3)
    every_site = tuple(Site.objects.values_list("id", flat=True))
    for date in (dt.date(2023, 9, 25), dt.date(2023, 9, 27), dt.date(2023, 10, 2)):
        assert _new_figures(_window(date, None)) == _old_figures(_window(date, every_site))


def test_a_representative_registered_after_its_merged_record_arrives_with_it(
        users, sites, make_household):
    """The cluster arrives on its merged record's day, at both records' sites."""
    early = make_household(site="kornidzor", arrived_at=local(24, 9), members=[member()])
    late = make_household(site="vayk", arrived_at=local(27, 9), members=[member()])
    Person.objects.filter(household=early).update(merged_into=late.members.get())
    figures = full_report_figures(_window(dt.date(2023, 9, 27), None))
    assert figures.persons_rows() == [(dt.date(2023, 9, 24), "female", "60+", "present", 1)]
    assert Counter({k[:2]: n for k, n in figures.site_persons.items() if n}) == Counter({
        (sites["kornidzor"].id, dt.date(2023, 9, 24)): 1,
        (sites["vayk"].id, dt.date(2023, 9, 27)): 1})
    assert figures.registrations_rows() == [(sites["kornidzor"].id, dt.date(2023, 9, 24), 1),
                                            (sites["vayk"].id, dt.date(2023, 9, 27), 1)]



def test_slow_records_arrivals_read_in_many_queries_count_the_same(users, sites,
                                                                    make_household,
                                                                    monkeypatch):
    """Records that reached three sites bring their arrivals, a query per few records."""
    _random_registry(users, make_household, 5)
    every_site = tuple(Site.objects.values_list("id", flat=True))
    assert Person.objects.filter(site_count__gt=2).count() > 2
    monkeypatch.setattr(summary_queries, "ARRIVALS_PER_QUERY", 1)
    for date in (dt.date(2023, 9, 27), dt.date(2023, 10, 2)):
        assert _new_figures(_window(date, None)) == _old_figures(_window(date, every_site))

@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own index on expressions")
def test_the_scans_of_persons_and_households_walk_their_tally_index(users, sites,
                                                                    make_household):
    """SQLite groups the two big scans in index order: no table read and no sort.

    Without the index (or with an expression written differently from the migration's)
    the report still counts right but sorts a million rows: 1.6 -> 0.3 s at 1M persons.
    """
    _random_registry(users, make_household, 4)
    with CaptureQueriesContext(connection) as captured:
        full_report_figures(_window(dt.date(2023, 9, 28), None))
    plans = {}
    for query in captured.captured_queries:
        sql = query["sql"]
        for table in ("registry_person", "registry_household"):
            if sql.startswith("SELECT substr(") and f"FROM {table} p WHERE" in sql:
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                    plans[table] = " / ".join(str(row[-1]) for row in cursor.fetchall())
    assert plans.keys() == {"registry_person", "registry_household"}
    for table, plan in plans.items():
        assert f"USING COVERING INDEX {table}_tally" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
