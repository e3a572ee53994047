"""`haven scenario list|run` and `haven demo --scenario`, through click's CliRunner."""

import pytest
from click.testing import CliRunner

from haven.accounts.models import User
from haven.cli import demo as _demo  # noqa: F401  (registers the command)
from haven.cli import scenario as _scenario  # noqa: F401
from haven.cli.main import cli
from haven.registry.demo import DEMO_PASSWORD
from haven.registry.models import Household, Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    """Truth files go to a temporary HAVEN_VAR_DIR."""
    settings.VAR_DIR = tmp_path


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_scenario_list_shows_karabakh():
    """The list names each scenario with its people and dates."""
    result = run("scenario", "list")
    assert result.exit_code == 0, result.output
    assert "karabakh-2023" in result.output
    assert "100,617 people  24 Sep - 03 Oct 2023" in result.output


def test_scenario_run_prints_the_days_and_refuses_to_run_twice(tmp_path):
    """A half-percent replay prints one row per day and the truth file; a second is refused."""
    result = run("scenario", "run", "karabakh-2023", "--scale", "0.005", "--seed", "5")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("Replayed karabakh-2023 at scale 0.005 (seed 5)")
               for line in lines)
    assert lines[-1] == ("Truth file (which registrations are the same person): "
                         f"{tmp_path / 'scenarios' / 'karabakh-2023-truth.csv'}")
    (row,) = [line for line in lines if line.startswith("2023-09-27")]
    assert row.split()[1:3] == ["250", "250"]  # people so far, and the scaled tally
    assert (tmp_path / "scenarios" / "karabakh-2023-truth.csv").exists()
    households = Household.objects.count()
    result = run("scenario", "run", "karabakh-2023", "--scale", "0.005")
    assert result.exit_code == 1
    assert result.output.startswith("Error: this database already holds replayed households")
    assert Household.objects.count() == households


def test_scenario_run_names_an_unknown_scenario_and_a_bad_scale():
    """Unknown names and scales out of range are refused before anything is stored."""
    result = run("scenario", "run", "atlantis")
    assert result.exit_code == 1
    assert result.output == "Error: no scenario 'atlantis' (known: karabakh-2023)\n"
    result = run("scenario", "run", "karabakh-2023", "--scale", "0")
    assert result.exit_code == 2
    assert not Household.objects.exists()


def test_demo_with_a_scenario_replays_it_instead_of_the_demo_households():
    """The demo's users are there with the demo password; the households are the replay's."""
    result = run("demo", "--scenario", "karabakh-2023", "--scale", "0.002")
    assert result.exit_code == 0, result.output
    assert "Demo loaded: 0 sites" in result.output
    assert "0 households created" in result.output
    assert set(Household.objects.values_list("registered_at__slug", flat=True)) <= {
        "kornidzor", "goris", "vayk"}
    assert Person.objects.filter(arrivals__site__slug="kornidzor").count() == 201
    assert User.objects.get(username="registrar-kornidzor").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="coordinator").check_password(DEMO_PASSWORD)
    again = run("demo", "--scenario", "karabakh-2023", "--scale", "0.002")
    assert again.exit_code == 0, again.output
    assert "The scenario was not replayed: this database already holds" in again.output
