"""The people left behind: register, welfare checks, overdue checks, the transfer out."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.core import clock
from haven.protection.models import LeftBehind
from haven.registry.models import Arrival, Household, Person
from haven.testing.factories import member

pytestmark = pytest.mark.django_db

JANUARY = dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC)
ENTRY = {"site": "goris", "given_name": "Siranush", "family_name": "Avetisyan",
         "sex": "female", "birth_year": 1939, "vulnerabilities": ["disability_mobility"],
         "location": "Her house on Tumanyan street, Stepanakert, second floor",
         "needs": "Insulin; cannot walk to the bread distribution",
         "reported_by": "Her grandson Davit, +374 91 000000", "reported_on": "2025-12-01",
         "check_every_days": 14}


@pytest.fixture
def grandson(make_household) -> Person:
    return make_household(site="goris", members=[member(given_name="Davit",
                                                        family_name="Avetisyan",
                                                        sex="male")]).members.get()


def register(api, grandson, **overrides):
    with clock.frozen_at(JANUARY):
        return api("protection_officer").post(
            "/left-behind", {**ENTRY, "relatives": [grandson.code], **overrides})


def test_register_and_read_back_with_medical_details_for_medical_roles(api, grandson):
    response = register(api, grandson)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["location"] == ENTRY["location"]
    assert body["needs"] == ENTRY["needs"]
    assert body["relatives"][0]["code"] == grandson.code
    assert body["next_check_on"] == "2025-12-15"
    tracing = api("tracing_officer").get(f"/left-behind/{body['id']}").json()
    assert tracing["location"] == ENTRY["location"]
    assert "needs" not in tracing
    assert "vulnerabilities" not in tracing


def test_welfare_checks_move_the_next_check_and_overdue_ones_are_listed(api, grandson):
    entry = register(api, grandson).json()["id"]
    client = api("protection_officer")
    with clock.frozen_at(JANUARY):
        overdue = client.get("/left-behind", overdue="true").json()
        assert [e["id"] for e in overdue["items"]] == [entry]
        check = client.post(f"/left-behind/{entry}/checks", {
            "checked_on": "2026-01-19", "condition": "needs_help", "needs_met": "partly",
            "visited_by": "ICRC mobile team", "notes": "Insulin delivered; no heating"})
        assert check.status_code == 201, check.json()
        body = check.json()
        assert body["last_contact_on"] == "2026-01-19"
        assert body["next_check_on"] == "2026-02-02"
        assert body["checks"][0]["condition"] == "needs_help"
        assert client.get("/left-behind", overdue="true").json()["total"] == 0
        tracing = api("tracing_officer").get(f"/left-behind/{entry}").json()
        assert "condition" not in tracing["checks"][0]
        assert "notes" not in tracing["checks"][0]


def test_transfer_out_registers_the_person_as_an_arrival_at_the_receiving_site(api, grandson):
    entry = register(api, grandson).json()["id"]
    with clock.frozen_at(JANUARY):
        moved = api("protection_officer").post(f"/left-behind/{entry}/transfer",
                                               {"to_site": "goris"})
    assert moved.status_code == 200, moved.json()
    body = moved.json()
    assert body["status"] == "transferred"
    assert body["transferred_to"] == "goris"
    person = Person.objects.get(code=body["person"]["code"])
    assert (person.given_name, person.family_name, person.birth_year) == (
        "Siranush", "Avetisyan", 1939)
    assert [a.site.slug for a in Arrival.objects.filter(person=person)] == ["goris"]
    assert set(person.vulnerabilities.values_list("code", flat=True)) == {"disability_mobility"}
    again = api("protection_officer").post(f"/left-behind/{entry}/transfer", {"to_site": "goris"})
    assert again.status_code == 409
    assert Household.objects.filter(members=person).count() == 1


def test_a_registered_person_transferred_gets_one_more_arrival(api, grandson, users,
                                                               make_household):
    from haven.protection.services import (  # noqa: PLC0415
        LeftBehindInput,
        left_behind_register,
        left_behind_transfer,
    )
    from haven.testing.factories import actor_for  # noqa: PLC0415

    registered = make_household(site="vayk", members=[member(given_name="Hasmik")])
    hasmik = registered.members.get()
    coordinator = actor_for(users["coordinator"])
    with clock.frozen_at(JANUARY):
        entry = left_behind_register(actor=coordinator, entry=LeftBehindInput(
            site="goris", given_name="Hasmik", family_name="Vardanyan",
            reported_on=dt.date(2025, 12, 1)))
        LeftBehind.objects.filter(id=entry.id).update(person=hasmik)
        left_behind_transfer(actor=coordinator, entry_id=entry.id, to_site="goris")
    assert sorted(a.site.slug for a in Arrival.objects.filter(person=hasmik)) == ["goris", "vayk"]
    assert Household.objects.count() == 2  # no second registration


def test_the_protection_officer_transfers_only_to_a_site_they_act_for(api, grandson):
    entry = register(api, grandson).json()["id"]
    response = api("protection_officer").post(f"/left-behind/{entry}/transfer",
                                              {"to_site": "vayk"})
    assert response.status_code == 422
    assert "to_site" in response.json()["errors"]
    assert LeftBehind.objects.get(id=entry).status == "remaining"
    assert Person.objects.filter(given_name="Siranush").count() == 0  # nothing half-done


def test_another_site_sees_nothing_and_relatives_elsewhere_are_counted_not_named(
        api, grandson, make_household, users):
    elsewhere = make_household(site="vayk", members=[member(given_name="Karine")])
    entry = register(api, grandson, relatives=[grandson.code,
                                                elsewhere.members.get().code]).json()
    assert entry["relatives_elsewhere"] == 1
    assert elsewhere.members.get().code not in str(entry)
    assert api("registrar_vayk").get(f"/left-behind/{entry['id']}").status_code == 403
    assert api("registrar").get("/left-behind").status_code == 403
