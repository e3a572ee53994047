"""A referral to another site shows that site the person's outline, never the record.

The receiving site sees code, names, sex and birth date on the referral while it is open;
it cannot list or open the person's record; a third site sees nothing; a declined or
completed referral grants nothing any more.
"""

from __future__ import annotations

import pytest

from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.protection.tests.conftest import REFERRAL, patient_code
from haven.registry.selectors import person_outlines, persons_outlined, persons_visible
from haven.testing.factories import ApiClient, actor_for, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(api, patient, hospital_officer) -> str:
    response = api("protection_officer").post(
        "/referrals", {"person": patient_code(patient), **REFERRAL})
    assert response.status_code == 201
    return response.json()["id"]


def test_the_receiving_site_sees_the_outline_on_the_referral(referral, patient,
                                                              hospital_officer):
    body = ApiClient(hospital_officer).get(f"/referrals/{referral}").json()
    tigran = patient.members.get(given_name="Tigran")
    assert body["person"] == {"id": str(tigran.id), "code": tigran.code,
                              "given_name": "Tigran", "family_name": "Harutyunyan",
                              "sex": "male", "birth_date": "1971", "full_record": False}
    assert body["notes"] == REFERRAL["notes"]  # what the referral needs, for medical roles
    received = ApiClient(hospital_officer).get("/referrals", direction="received").json()
    assert [r["id"] for r in received["items"]] == [referral]


def test_the_receiving_site_cannot_open_or_list_the_full_record(referral, patient,
                                                                hospital_officer):
    client = ApiClient(hospital_officer)
    tigran = patient.members.get(given_name="Tigran")
    assert client.get(f"/persons/{tigran.code}").status_code == 404
    assert client.get(f"/households/{patient.code}").status_code == 404
    assert client.get("/persons").json()["total"] == 0
    assert client.get("/households").json()["total"] == 0
    assert client.get("/persons", q="Tigran").json()["total"] == 0
    # Nor his wife, whom the referral is not about.
    wife = patient.members.get(given_name="Narine")
    assert not person_outlines(actor=actor_for(hospital_officer), person_ids=[wife.id])
    assert not persons_visible(actor_for(hospital_officer)).exists()
    page = ApiClient(hospital_officer).client
    page.force_login(hospital_officer)
    assert page.get(f"/persons/{tigran.code}/").status_code == 404
    denied = AuditEvent.objects.filter(action="person.view", outcome="denied",
                                       username="protection-burns")
    assert denied.exists()


def test_a_third_site_sees_nothing(referral, patient, users, api):
    vayk = User(username="protection-vayk", role="protection_officer")
    vayk.save()
    vayk.sites.set(users["registrar_vayk"].sites.all())
    client = ApiClient(vayk)
    response = client.get(f"/referrals/{referral}")
    assert response.status_code == 404
    assert patient_code(patient) not in response.content.decode()
    assert client.get("/referrals").json()["total"] == 0
    assert client.get("/referrals/overdue").json()["total"] == 0
    assert not persons_outlined(actor_for(vayk)).exists()
    assert client.post(f"/referrals/{referral}/status",
                       {"status": "accepted"}).status_code == 404


@pytest.mark.parametrize("ending", ["declined", "completed"])
def test_a_closed_referral_stops_granting(referral, patient, hospital_officer, api, ending):
    client = ApiClient(hospital_officer)
    if ending == "declined":
        client.post(f"/referrals/{referral}/status", {"status": "declined", "reason": "Full"})
    else:
        client.post(f"/referrals/{referral}/status", {"status": "accepted"})
        api("protection_officer").post(f"/referrals/{referral}/status",
                                       {"status": "completed"})
    response = client.get(f"/referrals/{referral}")
    assert response.status_code == 200  # the hospital keeps its own record of the referral
    assert response.json()["person"] is None
    tigran = patient.members.get(given_name="Tigran")
    for secret in (tigran.code, str(tigran.id), "Tigran", "Harutyunyan"):
        assert secret not in response.content.decode()
    assert not persons_outlined(actor_for(hospital_officer)).exists()
    listed = client.get("/referrals").content.decode()
    assert tigran.code not in listed
    assert "Harutyunyan" not in listed


def test_roles_without_referrals_get_403(referral, api):
    for role in ("registrar", "tracing_officer", "auditor", "viewer", "administrator"):
        assert api(role).get(f"/referrals/{referral}").status_code == 403, role
        assert api(role).get("/referrals").status_code == 403, role


def test_referring_a_person_of_another_site_is_refused_as_unknown(api, make_household,
                                                                  hospital):
    vayk = make_household(site="vayk", members=[member(given_name="Aram")])
    code = vayk.members.get().code
    response = api("protection_officer").post("/referrals", {"person": code, **REFERRAL})
    assert response.status_code == 422
    assert response.json()["errors"]["person"] == ["no person has this id or code"]
    assert code not in response.content.decode()
    denied = AuditEvent.objects.get(action="referral.create", outcome="denied")
    assert list(denied.targets.values_list("target_id", flat=True)) == [
        str(vayk.members.get().id)]
