"""`haven import households`: exit status, summary, report, dry run."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from haven.cli import intake as _intake  # noqa: F401  (registers the command)
from haven.cli.main import cli
from haven.intake.importing.samples import sample_csv
from haven.intake.models import ImportJob, Submission
from haven.registry.models import Household

pytestmark = pytest.mark.django_db


def run(*args: str):
    return CliRunner().invoke(cli, ["import", "households", *args])


def test_a_good_file_exits_0_with_a_summary(users, tmp_path):
    path = tmp_path / "arrivals.csv"
    rows = sample_csv(path, 12)
    result = run(str(path), "--site", "goris", "--user", "coordinator")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{rows} rows (12 households) stored, 0 imported before, 0 refused.\n"
    assert "Importing rows" in result.stderr
    assert Household.objects.filter(channel="import").count() == 12
    assert ImportJob.objects.get().created_by == users["coordinator"]
    assert not (tmp_path / "arrivals-report.csv").exists()
    again = run(str(path), "--site", "goris", "--user", "coordinator")
    assert again.exit_code == 0
    assert again.stdout == f"0 rows (0 households) stored, {rows} imported before, 0 refused.\n"


def test_refused_rows_exit_1_and_write_the_report_beside_the_file(users, tmp_path):
    path = tmp_path / "arrivals.csv"
    path.write_text("household_key,given_name,family_name,sex,relationship\n"
                    "A,Anahit,Vardanyan,f,head\nB,Aram,,m,head\n", encoding="utf-8")
    result = run(str(path), "--site", "goris", "--user", "coordinator")
    assert result.exit_code == 1
    assert result.stdout == "1 rows (1 households) stored, 0 imported before, 1 refused.\n"
    report = tmp_path / "arrivals-report.csv"
    assert f"Report of refused rows: {report}" in result.stderr
    with report.open(encoding="utf-8-sig") as handle:
        assert list(csv.reader(handle)) == [["row", "column", "problem"],
                                            ["3", "family_name", "is required"]]


def test_the_report_goes_where_asked(users, tmp_path):
    path = tmp_path / "arrivals.csv"
    path.write_text("household_key,given_name,family_name,sex,relationship\nB,Aram,,m,head\n",
                    encoding="utf-8")
    report = tmp_path / "out" / "problems.csv"
    report.parent.mkdir()
    result = run(str(path), "--site", "goris", "--user", "coordinator", "--report", str(report))
    assert result.exit_code == 1
    assert "family_name,is required" in report.read_text(encoding="utf-8-sig")


def test_an_unreadable_file_exits_2_with_the_reason(users, tmp_path):
    path = tmp_path / "arrivals.xlsx"
    path.write_text("household_key,given_name\n", encoding="utf-8")
    result = run(str(path), "--site", "goris", "--user", "coordinator")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: arrivals.xlsx: The file is named .xlsx but is not")
    assert not ImportJob.objects.exists()


def test_a_bad_header_exits_2_and_reports_it(users, tmp_path):
    path = tmp_path / "arrivals.csv"
    path.write_text("household_key,given_name,family_name,sex,relationship,colour\n",
                    encoding="utf-8")
    result = run(str(path), "--site", "goris", "--user", "coordinator")
    assert result.exit_code == 2
    assert "colour: unknown column" in result.stderr
    assert "arrivals-report.csv" in result.stderr
    assert ImportJob.objects.get().status == "failed"


def test_a_dry_run_stores_nothing(users, tmp_path):
    path = tmp_path / "arrivals.csv"
    rows = sample_csv(path, 5)
    result = run(str(path), "--site", "goris", "--user", "coordinator", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Dry run: {rows} rows (5 households) would be stored")
    assert not Household.objects.exists()
    assert not Submission.objects.exists()
    assert not ImportJob.objects.exists()


def test_an_unknown_user_or_a_site_not_theirs_is_a_usage_error(users, tmp_path):
    path = tmp_path / "arrivals.csv"
    sample_csv(path, 1)
    result = run(str(path), "--site", "goris", "--user", "nobody")
    assert result.exit_code == 2
    assert "no active user 'nobody'" in result.output
    result = run(str(path), "--site", "vayk", "--user", "registrar-goris")
    assert result.exit_code == 2
    assert "Invalid value for --site: you do not act for this site" in result.output


def test_a_role_that_may_not_register_is_refused(users, tmp_path):
    path = tmp_path / "arrivals.csv"
    sample_csv(path, 1)
    result = run(str(path), "--site", "goris", "--user", "viewer")
    assert result.exit_code == 1
    assert result.output == "Error: Your role does not allow this.\n"
