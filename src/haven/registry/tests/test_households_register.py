"""Registering many households at once, as imports, ODK batches and replays do."""

import datetime as dt

import pytest

from haven.audit.models import AuditAction, AuditEvent
from haven.registry.models import Arrival, Household, Person
from haven.registry.services import HouseholdInput, households_register
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db


def test_valid_households_are_stored_and_refused_ones_named_by_index(users, sites):
    batch = [
        HouseholdInput(site="goris", members=[member(given_name="Anahit")]),
        HouseholdInput(site="goris", members=[member(given_name="Narine"),
                                              member(given_name="Bad", birth_date="2023-02-31",
                                                     relationship="child")]),
        HouseholdInput(site="nowhere", members=[member(given_name="Lusine")]),
        HouseholdInput(site="goris", members=[member(given_name="Tigran", sex="male")]),
    ]
    outcome = households_register(actor=actor_for(users["coordinator"]), households=batch)
    assert [h is not None for h in outcome.households] == [True, False, False, True]
    assert set(outcome.errors) == {1, 2}
    assert "members[1].birth_date" in outcome.errors[1]
    assert "site" in outcome.errors[2]
    # A refused household stores nothing at all, not even its valid members.
    assert sorted(Person.objects.values_list("given_name", flat=True)) == ["Anahit", "Tigran"]
    assert Household.objects.count() == 2


def test_each_household_keeps_its_own_arrival_time(users, sites):
    first = dt.datetime(2023, 9, 24, 10, 0, tzinfo=dt.UTC)
    second = dt.datetime(2023, 9, 29, 18, 30, tzinfo=dt.UTC)
    outcome = households_register(actor=actor_for(users["coordinator"], channel="import"),
                                  households=[
        HouseholdInput(site="kornidzor", members=[member()], arrived_at=first),
        HouseholdInput(site="goris", members=[member(given_name="Tigran")], arrived_at=second),
    ])
    stored = [h for h in outcome.households if h is not None]
    times = [Arrival.objects.get(person__household=h).arrived_at for h in stored]
    assert times == [first, second]
    assert {a.channel for a in Arrival.objects.all()} == {"import"}


def test_the_audit_log_names_every_record_created_per_site(users, sites):
    outcome = households_register(actor=actor_for(users["coordinator"]), households=[
        HouseholdInput(site="goris", members=[member(), member(given_name="Tigran",
                                                               relationship="spouse")]),
        HouseholdInput(site="vayk", members=[member(given_name="Narine")]),
    ])
    events = AuditEvent.objects.filter(action=AuditAction.HOUSEHOLD_CREATE)
    assert sorted(events.values_list("site", flat=True)) == ["goris", "vayk"]
    goris = events.get(site="goris")
    goris_household = outcome.households[0]
    assert goris_household is not None
    expected = {str(goris_household.id), *(str(p.id) for p in goris_household.members.all())}
    assert set(goris.targets.values_list("target_id", flat=True)) == expected


def test_an_empty_batch_stores_nothing(users, sites):
    outcome = households_register(actor=actor_for(users["coordinator"]), households=[])
    assert outcome.households == []
    assert outcome.errors == {}
    assert not AuditEvent.objects.filter(action=AuditAction.HOUSEHOLD_CREATE).exists()
