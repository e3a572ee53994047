"""The PFIF exchange page and `/api/v1/tracing/pfif`: upload, download, errors at the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.audit.models import AuditEvent
from haven.pfif.models import PersonRecord
from haven.testing.factories import ApiClient, signed_in
from haven.tracing import pfif

FILE = (Path(__file__).resolve().parents[2] / "tracing" / "tests" / "pfif_files"
        / "person_finder_1.4.xml").read_bytes()
HOSTILE = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
           b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">&s;</pfif:pfif>')

pytestmark = pytest.mark.django_db


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("persons.xml", data, content_type="application/xml")


def test_page_imports_an_uploaded_file_at_the_chosen_site(users) -> None:
    client = signed_in(users["coordinator"])
    page = client.get("/tracing/pfif/")
    assert page.status_code == 200
    assert b'name="file"' in page.content
    done = client.post("/tracing/pfif/", {"action": "import", "site": "vayk",
                                          "file": upload(FILE)})
    assert done.status_code == 200
    assert "2 persons registered, 0 already known; 4 notes added" in done.content.decode()
    record = PersonRecord.objects.get(record_id="pf.example.org/person.21009")
    assert record.person.arrivals.get().site.slug == "vayk"
    assert AuditEvent.objects.get(action="pfif.import").channel == "import"


def test_page_names_what_is_wrong_and_imports_nothing(users) -> None:
    client = signed_in(users["coordinator"])
    refused = client.post("/tracing/pfif/", {"action": "import", "site": "goris",
                                             "file": upload(HOSTILE)})
    assert refused.status_code == 422
    assert "file: the file declares a DOCTYPE" in refused.content.decode()
    missing = client.post("/tracing/pfif/", {"action": "import", "site": "goris"})
    assert missing.status_code == 422
    assert "file: choose a PFIF file" in missing.content.decode()
    assert PersonRecord.objects.count() == 0


def test_page_downloads_the_export_by_post_and_audits_it(users) -> None:
    signed_in(users["coordinator"]).post("/tracing/pfif/", {
        "action": "import", "site": "goris", "file": upload(FILE)})
    officer = signed_in(users["tracing_officer"])
    page = officer.get("/tracing/pfif/").content.decode()
    assert 'name="file"' not in page  # a tracing officer does not register: export only
    download = officer.post("/tracing/pfif/", {"action": "export"})
    assert download["Content-Type"].startswith("application/xml")
    assert "attachment" in download["Content-Disposition"]
    assert len(pfif.parse(download.content).persons) == 2
    assert AuditEvent.objects.filter(action="pfif.export", username="tracing").exists()
    assert officer.post("/tracing/pfif/", {"action": "import", "site": "goris",
                                           "file": upload(FILE)}).status_code == 403


def test_page_is_refused_to_roles_without_records(users) -> None:
    assert signed_in(users["viewer"]).get("/tracing/pfif/").status_code == 403


def test_api_imports_then_exports(users) -> None:
    coordinator = ApiClient(users["coordinator"])
    imported = coordinator.client.post("/api/v1/tracing/pfif", {
        "site": "goris", "file": upload(FILE)}, headers=coordinator.headers)
    assert imported.status_code == 200, imported.content
    assert imported.json() == {"persons_added": 2, "persons_skipped": 0, "notes_added": 4,
                               "notes_skipped": 0}
    again = coordinator.client.post("/api/v1/tracing/pfif", {
        "site": "goris", "file": upload(FILE)}, headers=coordinator.headers)
    assert again.json()["persons_skipped"] == 2
    exported = ApiClient(users["tracing_officer"]).get("/tracing/pfif")
    assert exported.status_code == 200
    assert {p.person_record_id for p in pfif.parse(exported.content).persons} == {
        "pf.example.org/person.21009", "pf.example.org/person.21010"}


def test_api_refuses_hostile_xml_and_a_foreign_site_at_the_field(users) -> None:
    registrar = ApiClient(users["registrar"])
    hostile = registrar.client.post("/api/v1/tracing/pfif", {
        "site": "goris", "file": upload(HOSTILE)}, headers=registrar.headers)
    assert hostile.status_code == 422
    assert list(hostile.json()["errors"]) == ["file"]
    foreign = registrar.client.post("/api/v1/tracing/pfif", {
        "site": "vayk", "file": upload(FILE)}, headers=registrar.headers)
    assert foreign.status_code == 422
    assert list(foreign.json()["errors"]) == ["site"]
    assert PersonRecord.objects.count() == 0
