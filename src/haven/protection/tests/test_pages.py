"""The protection pages: forms post through the services, errors at the field, three languages."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.core import clock
from haven.protection.models import Casualty, LeftBehind, Referral
from haven.protection.services import IncidentInput, incident_create
from haven.protection.services.common import local_today
from haven.protection.tests.conftest import patient_code
from haven.testing.factories import actor_for, signed_in

pytestmark = pytest.mark.django_db


def test_refer_through_the_page_then_accept_as_the_hospital(users, patient, hospital_officer):
    goris = signed_in(users["protection_officer"])
    refused = goris.post("/referrals/new/", {"person": patient_code(patient),
                                             "service": "burns_unit",
                                             "to_site": "yerevan-burns",
                                             "urgency": "emergency"})
    assert refused.status_code == 422
    assert "consent is required" in refused.content.decode()
    sent = goris.post("/referrals/new/", {"person": patient_code(patient), "consent": "yes",
                                          "service": "burns_unit", "to_site": "yerevan-burns",
                                          "urgency": "emergency", "notes": "Burns to both arms"})
    assert sent.status_code == 302
    referral = Referral.objects.get()
    hospital = signed_in(hospital_officer)
    page = hospital.get(f"/referrals/{referral.id}/").content.decode()
    assert "Tigran" in page
    assert "Burns to both arms" in page
    assert f'href="/persons/{patient_code(patient)}/"' not in page  # outline: no link
    declined = hospital.post(f"/referrals/{referral.id}/", {"action": "decline", "note": ""})
    assert declined.status_code == 422
    accepted = hospital.post(f"/referrals/{referral.id}/", {"action": "accept"})
    assert accepted.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert goris.post(f"/referrals/{referral.id}/", {"action": "accept"}).status_code == 403
    assert hospital.post(f"/referrals/{referral.id}/", {"action": "accept"}).status_code == 409


@pytest.mark.parametrize(("language", "title"), [("en", "Referrals"), ("hy", "Ուղղորդումներ"),
                                                 ("ru", "Направления")])
def test_the_pages_speak_the_language(users, language, title):
    from django.test import Client  # noqa: PLC0415

    client = Client(headers={"Accept-Language": language})
    client.force_login(users["protection_officer"])
    for path in ("/referrals/", "/referrals/new/", "/referrals/overdue/", "/incidents/",
                 "/casualties/", "/casualties/new/", "/left-behind/", "/left-behind/new/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in response.content.decode()
    assert title in client.get("/referrals/").content.decode()


def test_record_an_incident_a_casualty_and_identify_it(users, patient):
    client = signed_in(users["protection_officer"])
    assert client.post("/incidents/", {"kind": "explosion", "name": "",
                                       "occurred_on": "2023-09-25",
                                       "place": "Berkadzor"}).status_code == 422
    assert client.post("/incidents/", {"kind": "explosion", "name": "Fuel depot",
                                       "occurred_on": "2023-09-25",
                                       "place": "Berkadzor"}).status_code == 302
    incident = client.get("/incidents/").content.decode()
    assert "Fuel depot" in incident
    from haven.protection.models import Incident  # noqa: PLC0415

    posted = client.post("/casualties/new/", {
        "incident": str(Incident.objects.get().id), "kind": "injured", "site": "goris",
        "sex": "male", "approximate_age": "about 50", "clothing": "Brown coat"})
    assert posted.status_code == 422
    assert "is not a whole number" in posted.content.decode()
    posted = client.post("/casualties/new/", {
        "incident": str(Incident.objects.get().id), "kind": "injured", "site": "goris",
        "sex": "male", "approximate_age": "50", "clothing": "Brown coat"})
    assert posted.status_code == 302
    casualty = Casualty.objects.get()
    identified = client.post(f"/casualties/{casualty.id}/", {
        "action": "identify", "person": patient_code(patient)})
    assert identified.status_code == 302
    page = client.get(f"/casualties/{casualty.id}/").content.decode()
    assert patient_code(patient) in page
    assert "Brown coat" in page


def test_register_check_and_transfer_a_person_left_behind(users):
    client = signed_in(users["protection_officer"])
    created = client.post("/left-behind/new/", {
        "site": "goris", "given_name": "Grigor", "family_name": "Babayan", "sex": "male",
        "birth_year": "1944", "reported_on": "2025-12-01", "check_every_days": "14",
        "location": "Karmir Shuka", "vulnerabilities": ["elderly_alone"]})
    assert created.status_code == 302, created.content.decode()[:500]
    entry = LeftBehind.objects.get()
    assert entry.vulnerabilities == ["elderly_alone"]
    overdue = client.get("/left-behind/?overdue=1").content.decode()
    assert "Grigor" in overdue
    checked = client.post(f"/left-behind/{entry.id}/", {
        "action": "check", "checked_on": str(local_today()), "condition": "stable",
        "needs_met": "yes", "visited_by": "ICRC"})
    assert checked.status_code == 302
    moved = client.post(f"/left-behind/{entry.id}/", {"action": "transfer", "to_site": "goris"})
    assert moved.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "transferred"
    assert entry.person is not None


def test_a_vayk_officer_gets_404_for_goris_pages(users, patient, make_user):
    officer = make_user("protection-vayk", "protection_officer", ("vayk",))
    with clock.frozen_at(dt.datetime(2023, 10, 1, tzinfo=dt.UTC)):
        incident_create(actor=actor_for(users["coordinator"]), incident=IncidentInput(
            kind="explosion", name="x", occurred_on=dt.date(2023, 9, 25), place="y"))
    client = signed_in(users["protection_officer"])
    client.post("/referrals/new/", {"person": patient_code(patient), "consent": "yes",
                                    "service": "psychosocial", "to_site": "goris",
                                    "urgency": "routine"})
    referral = Referral.objects.get()
    response = signed_in(officer).get(f"/referrals/{referral.id}/")
    assert response.status_code == 404
    assert patient_code(patient) not in response.content.decode()
