"""Runs and manifests: a run's arrival records its passengers at once, all or nothing."""

from __future__ import annotations

import pytest

from haven.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.reception.models import Passenger, Run
from haven.reception.selectors import no_shows, run_get
from haven.reception.services import (
    RunInput,
    passenger_link,
    passengers_add,
    run_arrive,
    run_create,
    vehicle_create,
)
from haven.reception.services import transport as transport_services
from haven.registry.models import Arrival, Site
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital(sites):
    return Site.objects.create(slug="yerevan-burns", kind="hospital",
                               name_en="National Burn Centre", settlement="Yerevan",
                               province="Yerevan")


@pytest.fixture
def bus(users):
    return vehicle_create(actor=actor_for(users["coordinator"]), kind="bus", plate="35 LL 123",
                          capacity=6, operator="Yerevan buses")


def plan(users, *, role="coordinator", destination="goris", vehicle="35LL123", **more):
    return run_create(actor=actor_for(users[role]), run=RunInput(
        vehicle=vehicle, destination=destination, origin_place="Stepanakert", **more))


def test_a_plate_is_stored_without_spaces_and_once(users, bus):
    assert bus.plate == "35LL123"
    with pytest.raises(ValidationFailed) as twice:
        vehicle_create(actor=actor_for(users["registrar"]), kind="bus", plate="35-ll-123",
                       capacity=40)
    assert list(twice.value.errors) == ["plate"]


def test_an_ambulance_run_carries_the_destination_hospital(users, hospital):
    coordinator = actor_for(users["coordinator"])
    vehicle_create(actor=coordinator, kind="ambulance", plate="AMB01", capacity=2)
    with pytest.raises(ValidationFailed) as missing:
        plan(users, vehicle="AMB01")
    assert list(missing.value.errors) == ["hospital"]
    with pytest.raises(ValidationFailed) as not_a_hospital:
        plan(users, vehicle="AMB01", hospital="vayk")
    assert list(not_a_hospital.value.errors) == ["hospital"]
    run = plan(users, vehicle="AMB01", hospital="yerevan-burns", destination="yerevan-burns")
    assert run.hospital == hospital


def test_a_run_goes_to_or_from_a_site_of_the_planner(users, bus):
    with pytest.raises(ValidationFailed) as refused:
        plan(users, role="registrar", destination="vayk")
    assert list(refused.value.errors) == ["destination"]
    assert plan(users, role="registrar", destination="goris").destination.slug == "goris"


def test_a_household_code_puts_every_member_on_the_manifest_and_seats_are_counted(
        users, bus, family):
    run = plan(users)
    family = family(4, site="kornidzor")
    coordinator = actor_for(users["coordinator"])
    passengers_add(actor=coordinator, run=str(run.id), codes=[family.code],
                   names=[("Hasmik", "Sargsyan")])
    passengers_add(actor=coordinator, run=str(run.id),
                   codes=[family.members.first().code])  # already on board: not twice
    assert run.passengers.count() == 5
    with pytest.raises(Conflict) as full:
        passengers_add(actor=coordinator, run=str(run.id),
                       names=[("Lusine", "Avetisyan"), ("Gayane", "Babayan")])
    assert full.value.reason == "no_seats"
    assert run.passengers.count() == 5


def test_the_run_arrives_in_one_step_and_the_missing_are_flagged(users, bus, family):
    run = plan(users)
    family = family(3, site="kornidzor")  # Anahit, Tigran, Narine
    coordinator = actor_for(users["coordinator"])
    passengers_add(actor=coordinator, run=str(run.id), codes=[family.code],
                   names=[("Hasmik", "Sargsyan")])
    missing = family.members.get(given_name="Narine")
    done = run_arrive(actor=actor_for(users["registrar"]), run=str(run.id),
                      absent=[missing.code])
    assert (len(done.arrived), len(done.to_register), len(done.no_shows)) == (2, 1, 1)
    assert {a.person.given_name for a in Arrival.objects.filter(site__slug="goris")} == {
        "Anahit", "Tigran"}
    run.refresh_from_db()
    assert run.status == "arrived"
    flagged = no_shows(actor=actor_for(users["tracing_officer"]))
    assert [(n.code, n.name) for n in flagged] == [(missing.code, "Narine Vardanyan")]
    assert no_shows(actor=actor_for(users["registrar_vayk"])) == []
    with pytest.raises(Conflict):
        run_arrive(actor=actor_for(users["registrar"]), run=str(run.id))


def test_a_run_that_fails_halfway_stores_nothing(users, bus, family, monkeypatch):
    run = plan(users)
    family = family(2, site="kornidzor")
    passengers_add(actor=actor_for(users["coordinator"]), run=str(run.id), codes=[family.code])

    def broken(**_kwargs):
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(transport_services, "audit_record", broken)  # the last write
    with pytest.raises(RuntimeError):
        run_arrive(actor=actor_for(users["registrar"]), run=str(run.id),
                   absent=[family.members.last().code])
    assert not Arrival.objects.filter(site__slug="goris").exists()
    run.refresh_from_db()
    assert run.status == "planned"
    assert set(Passenger.objects.values_list("status", flat=True)) == {"expected"}
    assert not Passenger.objects.filter(flagged_at__isnull=False).exists()


def test_only_the_destinations_staff_record_the_arrival(users, bus, make_household):
    run = plan(users, origin_site="vayk")
    with pytest.raises(ValidationFailed) as refused:
        run_arrive(actor=actor_for(users["registrar_vayk"]), run=str(run.id))
    assert list(refused.value.errors) == ["destination"]
    with pytest.raises(NotFound):
        run_get(actor=actor_for(users["registrar_vayk"]), ref="not-a-run")


def test_another_sites_run_is_not_found_and_viewers_read_none(users, bus):
    run = plan(users, destination="vayk")
    with pytest.raises(NotFound):
        run_get(actor=actor_for(users["registrar"]), ref=str(run.id))
    with pytest.raises(PermissionDenied):
        run_get(actor=actor_for(users["viewer"]), ref=str(run.id))
    assert run_get(actor=actor_for(users["tracing_officer"]), ref=str(run.id)).run == run


def test_a_passenger_listed_by_name_is_linked_after_registering(users, bus, make_household):
    run = plan(users)
    passengers_add(actor=actor_for(users["coordinator"]), run=str(run.id),
                   names=[("Hasmik", "Sargsyan")])
    run_arrive(actor=actor_for(users["registrar"]), run=str(run.id))
    registered = make_household(site="goris", members=[member(given_name="Hasmik",
                                                              family_name="Sargsyan")])
    passenger = passenger_link(actor=actor_for(users["registrar"]), run=str(run.id), position=1,
                               person=registered.members.get().code)
    assert passenger.person == registered.members.get()
    assert Run.objects.get().passengers.get().person_id == registered.members.get().id
