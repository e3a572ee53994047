"""An import job's page and its report's download are audited; so is a refused one."""

from __future__ import annotations

import pytest

from haven.audit.models import AuditEvent
from haven.core import clock
from haven.intake.models import ImportJob
from haven.testing.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(users, sites):
    return ImportJob.objects.create(
        file_name="day 1.csv", file_digest="0" * 64, site=sites["goris"], status="done",
        report="row,column,problem\r\n7,family_name,is required\r\n",
        created_by=users["registrar"], created_at=clock.now())


def _events(action: str) -> list[tuple[str, str, str, list[str]]]:
    return [(e.username, e.outcome, e.site, [t.target_id for t in e.targets.all()])
            for e in AuditEvent.objects.filter(action=action).order_by("id")]


def test_the_job_page_and_the_report_download_are_audited(users, job):
    client = signed_in(users["registrar"])
    assert client.get(f"/imports/{job.pk}/").status_code == 200
    assert client.get(f"/imports/{job.pk}/report.csv").status_code == 200
    assert client.get(f"/imports/{job.pk}/progress/").status_code == 200  # polled: not
    assert _events("import.view") == [("registrar-goris", "allowed", "goris", [str(job.pk)])]
    assert _events("import.report") == [("registrar-goris", "allowed", "goris", [str(job.pk)])]


def test_a_job_at_another_site_is_refused_and_audited_as_denied(users, job):
    client = signed_in(users["registrar_vayk"])
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.get(f"/imports/{job.pk}/report.csv").status_code == 404
    assert client.get(f"/imports/{job.pk + 1000}/report.csv").status_code == 404
    assert _events("import.view") == [("registrar-vayk", "denied", "", [str(job.pk)])]
    assert _events("import.report") == [
        ("registrar-vayk", "denied", "", [str(job.pk)]),
        ("registrar-vayk", "denied", "", [str(job.pk + 1000)])]
