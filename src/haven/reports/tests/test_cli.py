"""`haven report sitrep`: every format to a file, and one-line errors with a non-zero exit."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from haven.cli import report as _report  # noqa: F401  (registers the command)
from haven.cli.main import cli

pytestmark = pytest.mark.django_db


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_json_to_standard_output(registry):
    result = run("report", "sitrep", "--date", "2023-09-25", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["cumulative_arrivals"] for d in data["days"]] == [3, 5]
    assert data["totals"]["registrations"] == 6


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("html", b"<!doctype html>"),
                                            ("csv", b"Date,Site"), ("xlsx", b"PK")])
def test_each_format_to_its_default_file(registry, tmp_path, monkeypatch, fmt, magic):
    monkeypatch.chdir(tmp_path)
    result = run("report", "sitrep", "--date", "2023-09-25", "--format", fmt)
    assert result.exit_code == 0, result.output
    path = tmp_path / f"sitrep-2023-09-25.{fmt}"
    assert path.read_bytes().startswith(magic)
    assert "5 persons, 6 registrations up to 2023-09-25" in result.output


def test_sites_table_and_output(registry, tmp_path):
    target = tmp_path / "dtm.csv"
    result = run("report", "sitrep", "--date", "2023-09-25", "--format", "csv", "--table",
                 "dtm", "--site", "goris", "--output", str(target))
    assert result.exit_code == 0, result.output
    lines = target.read_text().splitlines()
    assert lines[1].startswith("#adm1+name")
    assert all(",goris," in line for line in lines[2:])


def test_a_user_limits_the_report_to_their_sites(registry):
    result = run("report", "sitrep", "--date", "2023-09-25", "--format", "json", "-o", "-",
                 "--user", "registrar-goris")
    assert result.exit_code == 0, result.output
    assert [s["slug"] for s in json.loads(result.output)["sites"]] == ["goris"]


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "29.09.2023"], "use YYYY-MM-DD"),
    (["--format", "docx"], "'docx' is not one of"),
    (["--site", "nowhere"], "site: unknown site: nowhere"),
    (["--user", "nobody"], "user: no user 'nobody'"),
])
def test_bad_input_is_one_line_and_non_zero(registry, args, message):
    result = run("report", "sitrep", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_help_has_examples():
    result = run("report", "sitrep", "--help")
    assert result.exit_code == 0
    assert "haven report sitrep --date 2023-09-29 --format pdf" in result.output


def test_a_viewer_gets_the_published_figures_and_no_printout(registry, tmp_path):
    result = run("report", "sitrep", "--date", "2023-09-25", "--format", "json", "-o", "-",
                 "--user", "viewer")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["suppressed_below"] == 5
    assert data["totals"]["registrations"] is None
    refused = run("report", "sitrep", "--date", "2023-09-25", "--format", "pdf",
                  "--user", "viewer", "-o", str(tmp_path / "x.pdf"))
    assert refused.exit_code != 0
    assert "published tables only" in refused.output
    assert not (tmp_path / "x.pdf").exists()


def test_csv_with_a_byte_order_mark_for_excel(registry, tmp_path):
    target = tmp_path / "sites.csv"
    result = run("report", "sitrep", "--date", "2023-09-25", "--format", "csv", "--bom",
                 "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"\xef\xbb\xbfDate,Site,")
