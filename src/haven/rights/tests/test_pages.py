"""The pages and the API: codes travel by POST, the erasure takes two steps."""

from __future__ import annotations

import json

import pytest

from haven.audit.models import AuditEvent
from haven.registry.models import Person
from haven.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def test_the_export_page_downloads_the_record_and_puts_no_code_in_the_url(users, subject):
    client = signed_in(users["coordinator"])
    assert client.get("/rights/export/").status_code == 200
    response = client.post("/rights/export/", {"person": subject.code, "format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="haven-record.json"'
    assert json.loads(response.content)["person"]["code"] == subject.code
    pdf = client.post("/rights/export/", {"person": subject.code, "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    missing = client.post("/rights/export/", {"person": "HVN-NONE", "format": "json"})
    assert missing.status_code == 422
    assert b"No such person" in missing.content
    assert signed_in(users["registrar"]).get("/rights/export/").status_code == 403


def test_the_erase_page_shows_what_would_go_then_needs_the_code_again(users, subject):
    client = signed_in(users["coordinator"])
    step1 = client.post("/rights/erase/", {"person": subject.code, "reason": "request 14"})
    assert step1.status_code == 200
    assert b"registry.arrival" in step1.content
    assert b'name="confirm"' in step1.content
    assert Person.objects.filter(code=subject.code).exists()
    wrong = client.post("/rights/erase/", {"step": "confirm", "person": subject.code,
                                            "reason": "request 14", "confirm": "HVN-X"})
    assert wrong.status_code == 422
    assert Person.objects.filter(code=subject.code).exists()
    done = client.post("/rights/erase/", {"step": "confirm", "person": subject.code,
                                           "reason": "request 14", "confirm": subject.code})
    assert done.status_code == 302
    assert not Person.objects.filter(code=subject.code).exists()
    no_reason = client.post("/rights/erase/", {"person": subject.other_code, "reason": ""})
    assert no_reason.status_code == 422


def test_the_api_exports_and_erases_for_a_coordinator_only(api, subject):
    coordinator = api("coordinator")
    exported = coordinator.post("/rights/export", {"person": subject.code})
    assert exported.status_code == 200
    assert json.loads(exported.content)["person"]["code"] == subject.code
    assert api("registrar").post("/rights/export", {"person": subject.code}).status_code == 403
    bad = coordinator.post("/rights/erase", {"person": subject.code, "reason": "request 14",
                                             "confirm": "nope"})
    assert bad.status_code == 422
    assert "confirm" in bad.json()["errors"]
    erased = coordinator.post("/rights/erase", {"person": subject.code, "reason": "request 14",
                                                "confirm": subject.code})
    assert erased.status_code == 200
    assert erased.json()["persons"] == 2
    assert AuditEvent.objects.filter(action="person.erase", channel="api").exists()
