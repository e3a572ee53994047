"""The right of access: a person's full record, as JSON and PDF, audited."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner

from haven.audit.models import AuditEvent
from haven.cli import rights as _rights  # noqa: F401  (registers the commands)
from haven.cli.main import cli
from haven.core.errors import NotFound, PermissionDenied
from haven.rights.document import record_json, record_pdf
from haven.rights.record import person_record
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def test_the_json_export_holds_every_kind_of_record_about_the_person(users, subject):
    record = person_record(actor=actor_for(users["coordinator"]), code=subject.code)
    data = json.loads(record_json(record))
    assert data["person"]["given_name"] == "Qanarikzu"
    assert data["person"]["document_number"] == "AN918273"
    assert data["person"]["vulnerabilities"] == ["injured", "pregnant"]
    assert data["household"][0]["phone"] == "+374 77 918273"
    assert [r["code"] for r in data["merged_records"]] == [subject.twin_code]
    records = data["records"]
    # This record's arrivals: Goris at registration, Kornidzor, Goris again when checked in
    # to the shelter; the twin's at Vayk.
    assert sorted(a["site"] for a in records["registry.arrival"]) == [
        "goris", "goris", "kornidzor", "vayk"]
    assert records["linkage.personmerge"][0]["into"] == subject.code
    referral = records["protection.referral"][0]
    assert (referral["notes"], referral["reason"]) == ("Qanarikz note", "Qanarikz reason")
    assert records["protection.casualty"][0]["marks"] == "Qanarikz tattoo"
    assert records["documentation.testimony"][0]["statement"].startswith("Qanarikz")
    assert records["reception.placement"]
    assert records["reception.stay"]
    assert records["reception.passenger"]
    assert records["protection.leftbehindrelative"]


def test_another_persons_code_is_never_in_the_export(users, subject):
    record = person_record(actor=actor_for(users["coordinator"]), code=subject.code)
    text = record_json(record).decode()
    assert "linkage.matchcandidate" in text  # the pair with the stranger is about them too
    assert subject.other_code not in text


def test_the_export_lists_who_read_the_record_and_is_itself_audited(users, subject):
    coordinator = actor_for(users["coordinator"])
    from haven.registry.selectors import person_get  # noqa: PLC0415

    person_get(actor=actor_for(users["tracing_officer"]), ref=subject.code)
    record = person_record(actor=coordinator, code=subject.code)
    readers = {(e["username"], e["action"]) for e in record.audit}
    assert ("tracing", "person.view") in readers
    assert ("coordinator", "household.create") in readers
    event = AuditEvent.objects.filter(action="person.export").get()
    assert event.username == "coordinator"
    assert event.target_count == 2
    second = person_record(actor=coordinator, code=subject.code)
    assert ("coordinator", "person.export") in {(e["username"], e["action"])
                                                for e in second.audit}


def test_only_a_role_with_subject_access_may_export(users, subject):
    for role in ("registrar", "tracing_officer", "protection_officer", "auditor", "viewer",
                 "administrator"):
        with pytest.raises(PermissionDenied):
            person_record(actor=actor_for(users[role]), code=subject.code)
    assert AuditEvent.objects.filter(action="person.export", outcome="denied").count() == 6
    with pytest.raises(NotFound):
        person_record(actor=actor_for(users["coordinator"]), code="HVN-NONE-NONE")


def test_the_pdf_shows_the_record_in_every_script(users, subject, tmp_path):
    record = person_record(actor=actor_for(users["coordinator"]), code=subject.code)
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(record_pdf(record))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    for expected in ("Qanarikzu", "Канарикзян", "Qanarikz note", "Registered a household",
                     "coordinator"):
        assert expected in " ".join(text.split()), expected


def test_the_cli_writes_the_export_for_a_named_user(users, subject, tmp_path):
    out = tmp_path / "record.json"
    result = CliRunner().invoke(cli, ["person", "export", subject.code, "--user", "coordinator",
                                      "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["person"]["code"] == subject.code
    refused = CliRunner().invoke(cli, ["person", "export", subject.code, "--user", "viewer",
                                       "--format", "json", "-o", str(tmp_path / "x.json")])
    assert refused.exit_code != 0
    assert not (tmp_path / "x.json").exists()
