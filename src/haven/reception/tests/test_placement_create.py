"""Placing a household: together, never over capacity, refused with the reason (409)."""

from __future__ import annotations

import pytest

from haven.audit.models import AuditEvent
from haven.core.errors import Conflict, PermissionDenied, ValidationFailed
from haven.reception.models import Stay
from haven.reception.selectors import occupancy_of
from haven.reception.services import placement_create
from haven.registry.models import Arrival, Site
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def test_a_household_is_placed_whole_in_one_unit_and_is_present(users, add_unit, family):
    add_unit("goris", "Hall A", beds=10)
    household = family(4)
    placed = placement_create(actor=actor_for(users["registrar"]), household=household.code,
                              site="goris")
    assert placed.created
    stays = list(Stay.objects.filter(placement=placed.placement))
    assert len(stays) == 4
    assert {s.unit.name for s in stays} == {"Hall A"}
    assert all(s.checked_in_at is not None for s in stays)
    figures = occupancy_of(Site.objects.get(slug="goris"))
    assert (figures.capacity, figures.present, figures.free) == (10, 4, 6)


def test_the_tightest_unit_that_holds_everyone_is_chosen(users, add_unit, family):
    add_unit("goris", "Hall", beds=40)
    add_unit("goris", "Room 3", beds=4)
    add_unit("goris", "Room 4", beds=6)
    placed = placement_create(actor=actor_for(users["coordinator"]), household=family(4).code,
                              site="goris")
    assert {s.unit.name for s in placed.placement.stays.all()} == {"Room 3"}


def test_when_no_unit_holds_them_all_they_share_as_few_units_as_possible(users, add_unit, family):
    add_unit("goris", "Room 1", beds=3)
    add_unit("goris", "Room 2", beds=3)
    add_unit("goris", "Room 3", beds=2)
    placed = placement_create(actor=actor_for(users["coordinator"]), household=family(5).code,
                              site="goris")
    units = sorted(s.unit.name for s in placed.placement.stays.all())
    assert len(set(units)) == 2
    assert len(units) == 5


def test_a_household_that_does_not_fit_is_refused_with_the_figures(users, add_unit, family):
    add_unit("goris", "Hall A", beds=10)
    placement_create(actor=actor_for(users["coordinator"]), household=family(6).code,
                     site="goris")
    five = family(5)
    with pytest.raises(Conflict) as refused:
        placement_create(actor=actor_for(users["coordinator"]), household=five.code,
                         site="goris")
    assert refused.value.reason == "no_room"
    assert refused.value.details["needed"] == 5
    assert refused.value.details["free"] == 4
    assert "4 free beds" in refused.value.message
    assert not Stay.objects.filter(person__household=five).exists()
    assert AuditEvent.objects.filter(action="placement.refuse").count() == 1


def test_a_named_unit_must_hold_the_whole_household(users, add_unit, family):
    add_unit("goris", "Room 1", beds=2)
    add_unit("goris", "Room 2", beds=8)
    with pytest.raises(Conflict) as refused:
        placement_create(actor=actor_for(users["coordinator"]), household=family(3).code,
                         site="goris", unit="Room 1")
    assert refused.value.details["unit"] == "Room 1"
    placed = placement_create(actor=actor_for(users["coordinator"]), household=family(3).code,
                              site="goris", unit="room 2")
    assert {s.unit.name for s in placed.placement.stays.all()} == {"Room 2"}


def test_wheelchair_users_get_beds_they_can_reach(users, add_unit, family):
    add_unit("goris", "Upstairs", beds=10, accessible_beds=0)
    add_unit("goris", "Ground floor", beds=4, accessible_beds=1)
    household = family(3, vulnerabilities={0: ["disability_mobility"]})
    placed = placement_create(actor=actor_for(users["registrar"]), household=household.code,
                              site="goris")
    head = household.members.get(position=0)
    stay = placed.placement.stays.get(person=head)
    assert stay.needs_accessible
    assert stay.unit.name == "Ground floor"
    other = family(2, vulnerabilities={1: ["disability_mobility"]})
    with pytest.raises(Conflict) as refused:
        placement_create(actor=actor_for(users["registrar"]), household=other.code, site="goris")
    assert refused.value.reason == "no_accessible_room"


def test_placing_records_the_arrival_at_a_shelter_site_once(users, sites, add_unit, family):
    Site.objects.create(slug="school-45", kind="shelter", name_en="School No. 45",
                        settlement="Goris", province="Syunik")
    add_unit("school-45", "Gym", beds=30)
    household = family(2)
    placement_create(actor=actor_for(users["coordinator"]), household=household.code,
                     site="school-45")
    assert Arrival.objects.filter(site__slug="school-45").count() == 2
    goris = family(2)
    add_unit("goris", "Hall", beds=10)
    placement_create(actor=actor_for(users["coordinator"]), household=goris.code, site="goris")
    assert Arrival.objects.filter(person__household=goris).count() == 2  # registration only


def test_placing_again_at_the_same_site_changes_nothing(users, add_unit, family):
    add_unit("goris", "Hall", beds=10)
    household = family(3)
    first = placement_create(actor=actor_for(users["registrar"]), household=household.code,
                             site="goris")
    again = placement_create(actor=actor_for(users["registrar"]), household=household.code,
                             site="goris")
    assert not again.created
    assert again.placement.id == first.placement.id
    assert Stay.objects.count() == 3


def test_a_household_placed_elsewhere_is_transferred_not_placed_twice(users, add_unit, family):
    add_unit("goris", "Hall", beds=10)
    add_unit("vayk", "Gym", beds=10)
    household = family(2)
    placement_create(actor=actor_for(users["coordinator"]), household=household.code,
                     site="goris")
    with pytest.raises(Conflict) as refused:
        placement_create(actor=actor_for(users["coordinator"]), household=household.code,
                         site="vayk")
    assert refused.value.reason == "already_placed"


def test_only_an_officer_splits_a_household_and_must_say_why(users, add_unit, family):
    add_unit("goris", "Hall", beds=10)
    household = family(4)
    two = [m.code for m in household.members.all()[:2]]
    with pytest.raises(PermissionDenied):
        placement_create(actor=actor_for(users["registrar"]), household=household.code,
                         site="goris", members=two, split_reason="the others stay with relatives")
    with pytest.raises(ValidationFailed) as refused:
        placement_create(actor=actor_for(users["protection_officer"]),
                         household=household.code, site="goris", members=two)
    assert "split_reason" in refused.value.errors
    placed = placement_create(actor=actor_for(users["protection_officer"]),
                              household=household.code, site="goris", members=two,
                              split_reason="the others stay with relatives")
    assert placed.placement.split_reason == "the others stay with relatives"
    assert placed.placement.stays.count() == 2


def test_another_sites_household_or_shelter_is_as_if_it_did_not_exist(users, add_unit, family):
    add_unit("vayk", "Gym", beds=10)
    add_unit("goris", "Hall", beds=10)
    at_vayk = family(2, site="vayk")
    with pytest.raises(ValidationFailed) as refused:
        placement_create(actor=actor_for(users["registrar"]), household=at_vayk.code,
                         site="goris")
    assert refused.value.errors == {"household": ["no household has this code"]}
    with pytest.raises(ValidationFailed) as refused:
        placement_create(actor=actor_for(users["registrar"]), household=family(2).code,
                         site="vayk")
    assert list(refused.value.errors) == ["site"]


@pytest.mark.parametrize("role", ["tracing_officer", "viewer", "auditor", "administrator"])
def test_roles_that_do_not_place_are_refused(role, users, add_unit, family):
    add_unit("goris", "Hall", beds=10)
    with pytest.raises(PermissionDenied):
        placement_create(actor=actor_for(users[role]), household=family(1).code, site="goris")
