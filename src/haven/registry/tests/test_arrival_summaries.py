"""Each person's and household's arrival summary follows their arrivals on every path."""

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps

from haven.registry.models import Household, Person
from haven.registry.services import (
    HouseholdInput,
    arrival_record,
    arrivals_record,
    households_register,
)
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db

CROSSED = dt.datetime(2023, 9, 26, 10, 0, tzinfo=dt.UTC)
SUMMARY = ("first_arrived_at", "first_site_id", "second_arrived_at", "second_site_id",
           "last_arrived_at", "last_site_id", "site_count")


def _summary(record: Person | Household) -> dict[str, Any]:
    record.refresh_from_db()
    return {name: getattr(record, name) for name in SUMMARY}


def _expected(first: tuple[dt.datetime, int], second: tuple[dt.datetime, int] | None,
              last: tuple[dt.datetime, int], count: int) -> dict[str, Any]:
    return {"first_arrived_at": first[0], "first_site_id": first[1],
            "second_arrived_at": second[0] if second else None,
            "second_site_id": second[1] if second else None,
            "last_arrived_at": last[0], "last_site_id": last[1], "site_count": count}


@pytest.fixture
def family(make_household, users):
    """Two members registered at Kornidzor when they crossed."""
    return make_household("kornidzor", user=users["coordinator"], arrived_at=CROSSED, members=[
        member(), member(given_name="Tigran", sex="male", relationship="spouse")])


def test_a_registered_household_and_its_members_arrived_once_at_its_site(family, sites):
    kornidzor = sites["kornidzor"].id
    once = _expected((CROSSED, kornidzor), None, (CROSSED, kornidzor), 1)
    assert _summary(family) == once
    for person in family.members.all():
        assert _summary(person) == once
        assert person.registered_at_id == kornidzor


def test_a_batch_registers_each_household_with_its_own_site_and_time(users, sites):
    later = CROSSED + dt.timedelta(hours=5)
    outcome = households_register(actor=actor_for(users["coordinator"]), households=[
        HouseholdInput(site="kornidzor", members=[member(), member(given_name="Aram", sex="male",
                                                           relationship="spouse")],
                       arrived_at=CROSSED),
        HouseholdInput(site="goris", members=[member(given_name="Lilit")], arrived_at=later),
    ])
    border, hub = outcome.households
    assert border is not None
    assert hub is not None
    assert _summary(border) == _expected((CROSSED, sites["kornidzor"].id), None,
                                         (CROSSED, sites["kornidzor"].id), 1)
    assert [_summary(p) for p in hub.members.all()] == [
        _expected((later, sites["goris"].id), None, (later, sites["goris"].id), 1)]
    assert [p.registered_at_id for p in border.members.all()] == [sites["kornidzor"].id] * 2
    assert [p.registered_at_id for p in hub.members.all()] == [sites["goris"].id]


def test_a_later_arrival_at_a_hub_moves_the_last_and_adds_the_second_site(family, users, sites):
    anahit, tigran = family.members.order_by("position")
    at_hub = CROSSED + dt.timedelta(hours=3)
    arrival_record(actor=actor_for(users["coordinator"]), person=anahit.code, site="goris",
                   arrived_at=at_hub)
    kornidzor, goris = sites["kornidzor"].id, sites["goris"].id
    moved = _expected((CROSSED, kornidzor), (at_hub, goris), (at_hub, goris), 2)
    assert _summary(anahit) == moved
    assert _summary(tigran) == _expected((CROSSED, kornidzor), None, (CROSSED, kornidzor), 1)
    assert _summary(family) == moved  # the household's first member reached Goris then
    # Back at the border a day later: the last arrival moves, the second site stays.
    back = at_hub + dt.timedelta(days=1)
    arrival_record(actor=actor_for(users["coordinator"]), person=anahit.code,
                   site="kornidzor", arrived_at=back)
    assert _summary(anahit) == _expected((CROSSED, kornidzor), (at_hub, goris),
                                         (back, kornidzor), 2)


def test_an_arrival_recorded_with_an_earlier_time_moves_the_first(family, users, sites):
    """A hub records, late, that the person had been at Vayk before the border registered them."""
    anahit = family.members.get(position=0)
    earlier = CROSSED - dt.timedelta(hours=6)
    arrivals_record(actor=actor_for(users["coordinator"]),
                    arrivals=[(anahit.id, "vayk", earlier)])
    vayk, kornidzor = sites["vayk"].id, sites["kornidzor"].id
    expected = _expected((earlier, vayk), (CROSSED, kornidzor), (CROSSED, kornidzor), 2)
    assert _summary(anahit) == expected
    assert _summary(family) == expected


def test_a_third_site_is_counted_and_ties_go_to_the_lowest_site(family, users, sites):
    anahit = family.members.get(position=0)
    at_hub = CROSSED + dt.timedelta(hours=2)
    arrivals_record(actor=actor_for(users["coordinator"]), arrivals=[
        (anahit.code, "vayk", at_hub), (anahit.code, "goris", at_hub)])
    low, high = sorted([sites["vayk"].id, sites["goris"].id])
    assert _summary(anahit) == _expected((CROSSED, sites["kornidzor"].id), (at_hub, low),
                                         (at_hub, low), 3)
    assert _summary(family)["site_count"] == 3
    assert high != low


def test_the_data_migration_summarises_records_made_before_the_summary(family, users, sites):
    anahit = family.members.get(position=0)
    arrival_record(actor=actor_for(users["coordinator"]), person=anahit.code, site="vayk",
                   arrived_at=CROSSED + dt.timedelta(hours=4))
    made = {p.pk: (_summary(p), p.registered_at_id) for p in family.members.all()}
    household = _summary(family)
    blank = dict.fromkeys(SUMMARY, None) | {"site_count": 0}
    Person.objects.update(registered_at_id=None, **blank)
    Household.objects.update(**blank)
    migration = importlib.import_module("haven.registry.migrations.0003_arrival_summaries")
    migration.fill_arrival_summaries(apps, None)
    assert {p.pk: (_summary(p), p.registered_at_id) for p in family.members.all()} == made
    assert _summary(family) == household
    assert made[anahit.pk][0]["site_count"] == 2
