"""`haven reception`, through click's CliRunner: the same services as the pages and API."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from haven.cli.main import cli
from haven.reception.models import Stay

pytestmark = pytest.mark.django_db


def run(*args: str):
    from haven.cli import reception  # noqa: F401, PLC0415 - registers the group

    return CliRunner().invoke(cli, list(args))


def test_add_a_unit_place_a_household_and_read_the_occupancy(users, family):
    added = run("reception", "unit-add", "goris", "Hall A", "--beds", "5", "--user",
                "coordinator")
    assert added.exit_code == 0, added.output
    household = family(3)
    placed = run("reception", "place", household.code, "--site", "goris", "--user",
                 "registrar-goris")
    assert placed.exit_code == 0, placed.output
    assert "Placed 3 people" in placed.output
    figures = run("reception", "occupancy", "goris", "--user", "viewer")
    assert "goris: 5 beds, 3 present, 0 expected, 2 free" in figures.output


def test_a_refusal_is_one_line_and_a_non_zero_exit(users, family):
    run("reception", "unit-add", "goris", "Room", "--beds", "2", "--user", "coordinator")
    refused = run("reception", "place", family(3).code, "--site", "goris", "--user",
                  "coordinator")
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: Goris has 2 free beds; the household needs 3.")
    assert not Stay.objects.exists()


def test_cards_are_written_to_a_file(users, family, tmp_path):
    household = family(2)
    target = tmp_path / "card.pdf"
    done = run("reception", "cards", household.code, "-o", str(target), "--user",
               "registrar-goris")
    assert done.exit_code == 0, done.output
    assert target.read_bytes().startswith(b"%PDF")
