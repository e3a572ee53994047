"""Referrals through the API: create and read back, consent, the status workflow, follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.audit.models import AuditEvent
from haven.protection.models import Referral
from haven.protection.tests.conftest import REFERRAL, patient_code
from haven.testing.factories import ApiClient

pytestmark = pytest.mark.django_db


def refer(api, patient, **overrides):
    return api("protection_officer").post(
        "/referrals", {"person": patient_code(patient), **REFERRAL, **overrides})


def test_post_referral_answers_201_with_its_id_and_get_reads_it_back(api, patient, hospital):
    response = refer(api, patient)
    assert response.status_code == 201, response.json()
    body = response.json()
    again = api("protection_officer").get(f"/referrals/{body['id']}")
    assert again.status_code == 200
    read = again.json()
    assert read["id"] == body["id"]
    assert read["person"]["code"] == patient_code(patient)
    assert (read["service"], read["to_site"], read["from_site"]) == (
        "burns_unit", "yerevan-burns", "goris")
    assert read["status"] == "requested"
    assert read["notes"] == REFERRAL["notes"]
    assert read["consent"] is True
    assert read["follow_up_on"] is not None  # an emergency is followed up the next day
    assert [u["action"] for u in read["updates"]] == ["requested"]


def test_a_referral_without_consent_is_refused_naming_consent(api, patient, hospital):
    response = refer(api, patient, consent=False)
    assert response.status_code == 422
    assert "consent" in response.json()["errors"]
    assert Referral.objects.count() == 0


def test_the_life_saving_exception_needs_an_emergency_and_a_reason(api, patient, hospital):
    no_reason = refer(api, patient, consent=False, life_saving_exception=True)
    assert no_reason.status_code == 422
    assert "exception_reason" in no_reason.json()["errors"]
    routine = refer(api, patient, consent=False, life_saving_exception=True, urgency="routine",
                    exception_reason="Unconscious, burns to the airway")
    assert routine.status_code == 422
    assert "life_saving_exception" in routine.json()["errors"]
    saved = refer(api, patient, consent=False, life_saving_exception=True,
                  exception_reason="Unconscious, burns to the airway")
    assert saved.status_code == 201, saved.json()
    body = saved.json()
    assert body["life_saving_exception"] is True
    assert body["exception_reason"] == "Unconscious, burns to the airway"


def test_unknown_service_urgency_and_site_are_named(api, patient):
    response = refer(api, patient, service="spa", urgency="whenever", to_site="nowhere")
    assert response.status_code == 422
    assert {"service", "urgency", "to_site"} <= set(response.json()["errors"])


def test_medical_details_only_for_roles_with_medical_fields(api, patient, hospital):
    referral_id = refer(api, patient).json()["id"]
    coordinator = api("coordinator").get(f"/referrals/{referral_id}").json()
    assert coordinator["service"] == "burns_unit"
    for field in ("notes", "reason", "exception_reason", "status_reason"):
        assert field not in coordinator
    assert all("note" not in u for u in coordinator["updates"])


def test_the_receiving_site_accepts_then_either_side_completes(api, patient, hospital_officer):
    referral_id = refer(api, patient).json()["id"]
    receiving = ApiClient(hospital_officer)
    referring = api("protection_officer")
    # The referring site cannot answer for the hospital.
    assert referring.post(f"/referrals/{referral_id}/status",
                          {"status": "accepted"}).status_code == 403
    accepted = receiving.post(f"/referrals/{referral_id}/status",
                              {"status": "accepted", "reason": "Bed 12, burns ward"})
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    again = receiving.post(f"/referrals/{referral_id}/status", {"status": "accepted"})
    assert again.status_code == 409
    done = referring.post(f"/referrals/{referral_id}/status",
                          {"status": "completed", "reason": "Discharged after grafting"})
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "completed"
    assert body["status_reason"] == "Discharged after grafting"
    assert body["follow_up_on"] is None
    assert [u["action"] for u in body["updates"]] == ["requested", "accepted", "completed"]


def test_declining_needs_a_reason(api, patient, hospital_officer):
    referral_id = refer(api, patient).json()["id"]
    receiving = ApiClient(hospital_officer)
    bare = receiving.post(f"/referrals/{referral_id}/status", {"status": "declined"})
    assert bare.status_code == 422
    assert "reason" in bare.json()["errors"]
    declined = receiving.post(f"/referrals/{referral_id}/status",
                              {"status": "declined", "reason": "No beds; try Goris hospital"})
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert declined.json()["status_reason"] == "No beds; try Goris hospital"
    completed = receiving.post(f"/referrals/{referral_id}/status", {"status": "completed"})
    assert completed.status_code == 409


def test_a_follow_up_sets_the_next_date_and_overdue_lists_group_by_site_and_officer(
        api, patient, hospital):
    client = api("protection_officer")
    past_due = refer(api, patient).json()["id"]
    Referral.objects.filter(id=past_due).update(follow_up_on=dt.date(2023, 9, 27))
    on_time = refer(api, patient, urgency="routine").json()["id"]
    overdue = client.get("/referrals/overdue").json()
    assert overdue["total"] == 1
    assert [g["key"] for g in overdue["by_site"]] == ["goris"]
    assert [r["id"] for r in overdue["by_site"][0]["referrals"]] == [past_due]
    assert [g["key"] for g in overdue["by_officer"]] == ["protection-goris"]
    listed = client.get("/referrals", overdue="true").json()
    assert [r["id"] for r in listed["items"]] == [past_due]
    assert listed["items"][0]["overdue"] is True
    follow = client.post(f"/referrals/{past_due}/follow-ups",
                         {"note": "Called the ward: stable", "next_follow_up_on": None})
    assert follow.status_code == 200
    assert follow.json()["follow_up_on"] is None
    assert client.get("/referrals/overdue").json()["total"] == 0
    assert on_time in {r["id"] for r in client.get("/referrals").json()["items"]}


def test_every_read_and_write_is_audited_by_id_only(api, patient, hospital):
    referral_id = refer(api, patient).json()["id"]
    api("protection_officer").get(f"/referrals/{referral_id}")
    actions = list(AuditEvent.objects.filter(action__startswith="referral.")
                   .values_list("action", flat=True))
    assert "referral.create" in actions
    assert "referral.view" in actions
    created = AuditEvent.objects.get(action="referral.create")
    assert set(created.targets.values_list("target_id", flat=True)) == {
        referral_id, str(patient.members.get(given_name="Tigran").id)}


def test_the_overdue_command_lists_what_is_due_per_site_and_officer(api, patient, hospital):
    from click.testing import CliRunner  # noqa: PLC0415

    from haven.cli import protection as _protection  # noqa: F401, PLC0415
    from haven.cli.main import cli  # noqa: PLC0415

    referral_id = refer(api, patient).json()["id"]
    Referral.objects.filter(id=referral_id).update(follow_up_on=dt.date(2023, 9, 27))
    result = CliRunner().invoke(cli, ["protection", "overdue", "--user", "protection-goris"])
    assert result.exit_code == 0, result.output
    assert "Referral follow-ups overdue" in result.output
    assert ": 1" in result.output
    assert f"due 2023-09-27  {patient_code(patient)}  burns_unit" in result.output
    assert "protection-goris (1)" in result.output
    other = CliRunner().invoke(cli, ["protection", "overdue", "--user", "registrar-vayk"])
    assert other.exit_code == 1
