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


def test_stored_rows_read_back_through_the_orm_as_registered(users, sites):
    arrived = dt.datetime(2023, 9, 29, 18, 30, 15, tzinfo=dt.UTC)
    outcome = households_register(actor=actor_for(users["coordinator"], channel="import"),
                                  households=[
        HouseholdInput(site="goris", arrived_at=arrived, members=[
            member(given_name="Անահիտ", family_name="Վարդանյան", birth_date="1948-03-07",
                   vulnerabilities=["injured"]),
            member(given_name="Тигран", family_name="Варданян", patronymic="Арменович",
                   sex="male", birth_date="2011-05", relationship="child"),
        ]),
        HouseholdInput(site="kornidzor", members=[member(given_name="Narine")]),
    ])
    assert not outcome.errors
    first, second = outcome.households
    assert first is not None
    assert second is not None
    people = list(Person.objects.filter(household_id=first.id).order_by("position"))
    assert [(p.given_name, p.given_name_script, p.family_name, p.family_name_script,
             p.patronymic, p.patronymic_script) for p in people] == [
        ("Անահիտ", "armenian", "Վարդանյան", "armenian", "", "none"),
        ("Тигран", "cyrillic", "Варданян", "cyrillic", "Арменович", "cyrillic"),
    ]
    assert [(p.birth_year, p.birth_month, p.birth_day, p.birth_date_precision)
            for p in people] == [(1948, 3, 7, "day"), (2011, 5, None, "month")]
    assert [(p.sex, p.relationship, p.status, p.position) for p in people] == [
        ("female", "head", "present", 0), ("male", "child", "present", 1)]
    assert [p.code for p in people] == [p.code for p in first.members.order_by("position")]
    assert [sorted(p.vulnerabilities.values_list("code", flat=True)) for p in people] == [
        ["injured"], []]
    assert people[0].created_at == people[0].updated_at == first.created_at
    assert people[0].created_at.tzinfo is not None
    arrivals = Arrival.objects.filter(person__household_id=first.id)
    assert {(a.site.slug, a.arrived_at, a.channel, a.recorded_by_id) for a in arrivals} == {
        ("goris", arrived, "import", users["coordinator"].pk)}
    assert arrivals.count() == 2
    later = Arrival.objects.get(person__household_id=second.id)
    assert later.arrived_at == second.created_at
    assert later.arrived_at.tzinfo is not None
    change = first.changes.get()
    assert (change.action, change.changes, change.person_id, change.at) == (
        "created", {"site": [None, "goris"]}, None, first.created_at)


def test_household_columns_are_the_models_own_in_order():
    from haven.registry.services.registration import _HOUSEHOLD_COLUMNS  # noqa: PLC0415

    # _store_households builds Household instances positionally in this order.
    assert tuple(f.attname for f in Household._meta.concrete_fields) == _HOUSEHOLD_COLUMNS


def test_a_registered_household_knows_its_site_and_registrar_without_a_query(
        users, sites, django_assert_num_queries):
    outcome = households_register(actor=actor_for(users["coordinator"]),
                                  households=[HouseholdInput(site="goris", members=[member()])])
    household = outcome.households[0]
    assert household is not None
    with django_assert_num_queries(0):
        assert household.registered_at.slug == "goris"
        assert household.created_by == users["coordinator"]
    assert not household._state.adding
    assert len(outcome.person_ids[0]) == 1
    assert Person.objects.get().id == outcome.person_ids[0][0]


def test_a_code_already_taken_is_minted_again_and_the_batch_stored(users, sites, monkeypatch):
    """Codes minted offline may meet one stored: the batch is stored with fresh codes."""
    from haven.core import ids  # noqa: PLC0415
    from haven.registry.services import registration as services  # noqa: PLC0415

    first = households_register(actor=actor_for(users["registrar"]),
                                households=[HouseholdInput(site="goris", members=[member()])])
    taken = first.households[0].code
    minted = iter([taken])
    monkeypatch.setattr(services, "new_code", lambda: next(minted, None) or ids.new_code())
    again = households_register(actor=actor_for(users["registrar"]), households=[
        HouseholdInput(site="goris", members=[member(given_name="Tigran", sex="male")])])
    stored = again.households[0]
    assert stored.code != taken
    assert Household.objects.get(pk=stored.pk).code == stored.code
    assert Household.objects.count() == 2
