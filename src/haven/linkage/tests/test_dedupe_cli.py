"""`haven link dedupe`: any CSV in, one row per record out, clear errors, no half files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from haven.cli import link
from haven.cli.main import cli

HEADER = ("record_id,given_name,family_name,patronymic,sex,birth_date,place_of_origin,"
          "phone,document_number,notes\n")
ROWS = (
    "k-1,Անահիտ,Վարդանյան,,female,1948-03-12,Ստեփանակերտ,,,\n"
    "g-7,Анаит,Варданян,,ж,1948-03-12,Степанакерт,,,from passport\n"
    "v-3,Anahit,Vardanian,,f,1948-03-12,Stepanakert,,,\n"
    "x-1,Armen,Petrosyan,,male,1990,Martuni,,,\n"
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["link", "dedupe", *args])


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def read_output(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_writes_every_record_with_its_cluster(tmp_path: Path, encoding: str) -> None:
    source = write(tmp_path / "in.csv", HEADER + ROWS, encoding)
    output = tmp_path / "clusters.csv"
    result = run("--input", str(source), "--output", str(output))
    assert result.exit_code == 0, result.output
    rows = read_output(output)
    assert list(rows[0]) == ["record_id", "cluster_id", "match_probability"]
    assert [r["record_id"] for r in rows] == ["k-1", "g-7", "v-3", "x-1"]
    clusters = {r["record_id"]: r["cluster_id"] for r in rows}
    assert clusters["k-1"] == clusters["g-7"] == clusters["v-3"] != clusters["x-1"]
    assert clusters["x-1"] == "x-1"  # the singleton is written too
    assert float(rows[0]["match_probability"]) >= 0.95
    assert "preparing records" in result.stderr
    assert "4 records, 2 persons" in result.stderr


def test_columns_may_be_missing_or_empty(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", "record_id,family_name\n1,Vardanyan\n2,\n3,Petrosyan\n")
    output = tmp_path / "out.csv"
    assert run("--input", str(source), "--output", str(output)).exit_code == 0
    assert len(read_output(output)) == 3


def test_saved_model_is_reused(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", HEADER + ROWS)
    model = tmp_path / "model.json"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run("--input", str(source), "--output", str(first),
               "--save-model", str(model)).exit_code == 0
    assert "comparisons" in json.loads(model.read_text())
    result = run("--input", str(source), "--output", str(second), "--model", str(model))
    assert result.exit_code == 0
    assert "reusing the stored model" in result.stderr
    assert read_output(first) == read_output(second)


def test_thresholds_from_options(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", HEADER + ROWS)
    output = tmp_path / "out.csv"
    result = run("--input", str(source), "--output", str(output), "--auto-threshold", "0.5",
                 "--review-threshold", "0.9")
    assert result.exit_code != 0
    assert "above the auto threshold" in result.output


@pytest.mark.parametrize(("text", "message"), [
    ("given_name,family_name\nAnahit,Vardanyan\n", "missing column record_id"),
    ("record_id,given_name\n1,Anahit\n1,Aram\n", "duplicate record_id '1'"),
    ("record_id,birth_date\n1,1948\n2,12/03/1948\n", "row 2, column birth_date"),
])
def test_bad_input_is_one_line_and_leaves_the_output_alone(
        tmp_path: Path, text: str, message: str) -> None:
    source = write(tmp_path / "in.csv", text)
    output = write(tmp_path / "out.csv", "earlier output\n")
    result = run("--input", str(source), "--output", str(output))
    assert result.exit_code == 1
    [error] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert message in error
    assert output.read_text() == "earlier output\n"
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_bad_birth_date_names_the_csv_line(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", "record_id,birth_date\n1,1948\n2,12/03/1948\n")
    result = run("--input", str(source), "--output", str(tmp_path / "out.csv"))
    assert "CSV line 3" in result.output


def test_missing_file_and_unknown_engine(tmp_path: Path) -> None:
    missing = run("--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o.csv"))
    assert missing.exit_code != 0
    assert "does not exist" in missing.output
    source = write(tmp_path / "in.csv", HEADER + ROWS)
    engine = run("--input", str(source), "--output", str(tmp_path / "o.csv"),
                 "--engine", "oracle")
    assert engine.exit_code != 0
    assert "'oracle' is not one of" in engine.output
    assert not (tmp_path / "o.csv").exists()


def test_interrupted_run_writes_no_half_file(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path / "in.csv", HEADER + ROWS)
    output = tmp_path / "out.csv"

    def broken_writerow(self: object, row: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(link.csv, "writer", lambda handle: type(
        "W", (), {"writerow": broken_writerow})())
    result = run("--input", str(source), "--output", str(output))
    assert result.exit_code != 0
    assert not output.exists()
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_help_teaches_the_columns() -> None:
    result = CliRunner().invoke(cli, ["link", "dedupe", "--help"])
    assert "haven link dedupe --input arrivals.csv" in result.output
    for column in ("record_id", "birth_date", "place_of_origin", "document_number"):
        assert column in result.output


def test_the_command_offers_exactly_the_engines_there_are():
    """The choice list is spelled out so `haven` starts without importing the engine."""
    from haven.cli.link import ENGINE_CHOICES  # noqa: PLC0415
    from haven.linkage.engine import ENGINES  # noqa: PLC0415

    assert tuple(ENGINE_CHOICES) == tuple(ENGINES)


def test_haven_starts_without_importing_the_linkage_engine():
    """Every command would pay for pandas and Splink otherwise (1.5 s, 100 MB)."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = ("import sys\nfrom haven.cli.main import main\nsys.argv = ['haven', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = ('pandas', 'splink', 'duckdb')\n"
            "print('LOADED', sorted(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().endswith("LOADED []")
