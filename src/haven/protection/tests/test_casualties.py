"""Incidents and the register of the dead, injured and missing; the report counts from it."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.core import clock
from haven.protection.services import (
    CasualtyInput,
    IncidentInput,
    casualty_identify,
    casualty_record,
    casualty_update,
    incident_create,
)
from haven.registry.models import Person
from haven.reports.services import sitrep_build
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db

LATER = dt.datetime(2023, 10, 2, 9, tzinfo=dt.UTC)


@pytest.fixture
def depot(users):
    with clock.frozen_at(LATER):
        return incident_create(actor=actor_for(users["coordinator"]), incident=IncidentInput(
            kind="explosion", name="Berkadzor fuel depot explosion",
            occurred_on=dt.date(2023, 9, 25), place="Berkadzor, near Stepanakert"))


UNIDENTIFIED = {"kind": "dead", "site": "goris", "sex": "male", "approximate_age": 40,
                "clothing": "Grey jacket, brown boots", "belongings": "Watch engraved 'A.H.'",
                "found_at": "Road from Berkadzor, km 3", "marks": "Scar on the left hand",
                "injuries": "Burns over 80% of the body"}


def test_an_unidentified_death_is_recorded_with_a_description(api, depot, sites):
    with clock.frozen_at(LATER):
        response = api("protection_officer").post(
            "/casualties", {"incident": str(depot.id), **UNIDENTIFIED})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["identified"] is False
    assert body["person"] is None
    assert body["occurred_on"] == "2023-09-25"  # the incident's date by default
    assert body["injuries"] == "Burns over 80% of the body"
    tracing = api("tracing_officer").get(f"/casualties/{body['id']}").json()
    assert tracing["clothing"] == "Grey jacket, brown boots"  # what identifies them
    assert "injuries" not in tracing  # medical, for medical roles only
    incident = api("tracing_officer").get(f"/incidents/{depot.id}").json()
    assert (incident["dead"], incident["injured"], incident["missing"]) == (1, 0, 0)


def test_identification_links_the_person_and_marks_the_record_deceased(
        api, depot, make_household, users):
    household = make_household(site="goris", members=[member(given_name="Armen")])
    armen = household.members.get()
    with clock.frozen_at(LATER):
        casualty = casualty_record(actor=actor_for(users["protection_officer"]),
                                   casualty=CasualtyInput(incident=str(depot.id), **UNIDENTIFIED))
        casualty_identify(actor=actor_for(users["protection_officer"]), casualty_id=casualty.id,
                          person=armen.code)
    armen.refresh_from_db()
    assert armen.status == "deceased"
    body = api("protection_officer").get(f"/casualties/{casualty.id}").json()
    assert body["identified"] is True
    assert body["person"]["code"] == armen.code
    again = api("protection_officer").post(f"/casualties/{casualty.id}/identify",
                                           {"person": armen.code})
    assert again.status_code == 409


def test_a_site_holding_an_identified_casualty_sees_only_the_outline(
        api, depot, make_household, users):
    """Identified as someone registered at Vayk, the Goris record names them; Goris still
    cannot open Vayk's record."""
    household = make_household(site="vayk", members=[member(given_name="Gor")])
    gor = household.members.get()
    with clock.frozen_at(LATER):
        response = api("protection_officer").post("/casualties", {
            "incident": str(depot.id), "kind": "injured", "site": "goris", "person": gor.code})
    assert response.status_code == 201
    assert response.json()["person"]["code"] == gor.code
    assert response.json()["person"]["full_record"] is False
    assert api("protection_officer").get(f"/persons/{gor.code}").status_code == 404
    gor.refresh_from_db()
    assert gor.status == "present"  # injured, not dead; and not Goris' record to change


def test_another_sites_casualty_is_not_found(api, depot, users):
    with clock.frozen_at(LATER):
        casualty = casualty_record(actor=actor_for(users["coordinator"]),
                                   casualty=CasualtyInput(incident=str(depot.id), kind="missing",
                                                          site="vayk"))
    assert api("protection_officer").get(f"/casualties/{casualty.id}").status_code == 404
    assert api("protection_officer").get("/casualties").json()["total"] == 0
    assert api("registrar").get("/casualties").status_code == 403


def test_the_situation_report_counts_deaths_and_injuries_from_the_register(
        depot, make_household, users):
    # A vulnerability flag alone is not a casualty: this man is not counted as injured.
    make_household(site="goris", members=[member(given_name="Vahe",
                                                 vulnerabilities=["burns"])])
    coordinator = actor_for(users["coordinator"])
    with clock.frozen_at(LATER):
        for kind, site in (("dead", "goris"), ("injured", "goris"), ("injured", "vayk"),
                           ("missing", "kornidzor")):
            casualty_record(actor=coordinator, casualty=CasualtyInput(
                incident=str(depot.id), kind=kind, site=site))
        later = casualty_record(actor=coordinator, casualty=CasualtyInput(
            incident=str(depot.id), kind="injured", site="goris"))
        # An injured man who died in hospital three days later counts once, as a death.
        casualty_update(actor=coordinator, casualty_id=later.id, kind="dead",
                        occurred_on=dt.date(2023, 9, 28))
        report = sitrep_build(actor=coordinator, date=dt.date(2023, 9, 30))
        before = sitrep_build(actor=coordinator, date=dt.date(2023, 9, 26))
        goris_only = sitrep_build(actor=coordinator, date=dt.date(2023, 9, 30), sites=["goris"])
    assert (report.deaths, report.injured) == (2, 2)
    assert (report.site_totals["goris"].deaths, report.site_totals["goris"].injured) == (2, 1)
    assert (before.deaths, before.injured) == (1, 2)
    assert (goris_only.deaths, goris_only.injured) == (2, 1)
    assert Person.objects.filter(status="deceased").count() == 0


def test_recording_is_for_protection_officers_and_coordinators(api, depot):
    body = {"incident": str(depot.id), "kind": "dead", "site": "goris"}
    for role in ("registrar", "tracing_officer", "viewer"):
        assert api(role).post("/casualties", body).status_code == 403, role
    assert api("protection_officer").post(
        "/casualties", {**body, "site": "vayk"}).json()["errors"]["site"]
