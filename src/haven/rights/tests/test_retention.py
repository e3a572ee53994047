"""Retention: each kind of data expires on its schedule; the clock is moved forward."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from click.testing import CliRunner

from haven.audit.models import AuditEvent
from haven.cli import rights as _rights  # noqa: F401  (registers the commands)
from haven.cli.main import cli
from haven.core import clock
from haven.intake.models import ImportJob
from haven.registry.models import Person, Site
from haven.registry.services import arrival_record
from haven.rights.models import Erasure
from haven.rights.retention import retention_run
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    for folder in ("imports", "exports", "reports", "backups"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "old.bin").write_bytes(b"personal data")
    return tmp_path


def _later(days: int) -> dt.datetime:
    return clock.now() + dt.timedelta(days=days)


def test_files_expire_each_after_their_own_period(settings, var):
    settings.RETAIN_IMPORT_FILES_DAYS, settings.RETAIN_EXPORTS_DAYS = 30, 7
    settings.RETAIN_BACKUPS_DAYS = 35
    with clock.frozen_at(_later(8)):
        assert retention_run().counts == {"records": 0, "import_files": 0, "import_reports": 0,
                                          "exports": 2, "backups": 0}
    assert not (var / "exports" / "old.bin").exists()
    assert not (var / "reports" / "old.bin").exists()
    assert (var / "imports" / "old.bin").exists()
    with clock.frozen_at(_later(31)):
        assert retention_run().counts["import_files"] == 1
    assert (var / "backups" / "old.bin").exists()
    with clock.frozen_at(_later(36)):
        assert retention_run().counts["backups"] == 1
    assert not (var / "backups" / "old.bin").exists()
    assert AuditEvent.objects.filter(action="retention.run").count() == 3


def test_a_dry_run_counts_and_deletes_nothing(settings, var):
    settings.RETAIN_EXPORTS_DAYS = 7
    with clock.frozen_at(_later(8)):
        assert retention_run(dry_run=True).counts["exports"] == 2
    assert (var / "exports" / "old.bin").exists()
    assert not AuditEvent.objects.filter(action="retention.run").exists()


def test_zero_keeps_everything(settings, var):
    settings.RETAIN_IMPORT_FILES_DAYS = settings.RETAIN_EXPORTS_DAYS = 0
    settings.RETAIN_BACKUPS_DAYS = settings.RETAIN_RECORDS_DAYS = 0
    with clock.frozen_at(_later(3650)):
        assert set(retention_run().counts.values()) == {0}
    assert len(list(var.rglob("*.bin"))) == 4


def test_an_import_jobs_row_report_is_blanked_after_the_period(settings, var, users):
    settings.RETAIN_IMPORT_FILES_DAYS = 30
    job = ImportJob.objects.create(
        file_name="households.csv", file_digest="0" * 64, site=Site.objects.get(slug="goris"),
        created_by=users["coordinator"], created_at=clock.now(), finished_at=clock.now(),
        status="done", report="row,column,problem\n3,given_name,Qanarikz is too long\n")
    with clock.frozen_at(_later(29)):
        retention_run()
    job.refresh_from_db()
    assert "Qanarikz" in job.report
    with clock.frozen_at(_later(31)):
        retention_run()
    job.refresh_from_db()
    assert job.report == ""
    assert job.rows_total == 0  # the job itself, and its counts, stay


def test_records_are_erased_after_a_period_without_activity(settings, var, users,
                                                           make_household):
    settings.RETAIN_RECORDS_DAYS = 365
    quiet = make_household(site="goris").members.get()
    with clock.frozen_at(_later(300)):  # the other arrives at the border 300 days on
        busy = make_household(site="goris", members=None).members.get()
        arrival_record(actor=actor_for(users["coordinator"]), person=busy.code,
                       site="kornidzor")
    with clock.frozen_at(_later(366)):
        assert retention_run(dry_run=True).counts["records"] == 1
        retention_run()
    assert not Person.objects.filter(pk=quiet.pk).exists()
    assert Person.objects.filter(pk=busy.pk).exists()
    erasure = Erasure.objects.get()
    assert erasure.by is None
    assert "365 days" in erasure.reason


def test_the_cli_runs_and_dry_runs(settings, var):
    settings.RETAIN_EXPORTS_DAYS = 7
    os.utime(var / "exports" / "old.bin", (time.time() - 8 * 86400,) * 2)
    dry = CliRunner().invoke(cli, ["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would delete 2 exports" not in dry.output  # reports/old.bin is still new
    assert "Would delete 1 exports" in dry.output
    done = CliRunner().invoke(cli, ["retention", "run"])
    assert "Deleted 1 exports" in done.output
    assert not (var / "exports" / "old.bin").exists()
