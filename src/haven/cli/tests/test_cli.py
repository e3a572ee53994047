"""The `haven` command line: set up, create users and tokens, load the demo, check a deployment."""

import os
import secrets
import subprocess
import sys

import pytest
from click.testing import CliRunner

from haven.accounts.models import User
from haven.accounts.services import token_authenticate
from haven.cli import demo as _demo  # noqa: F401  (registers the command)
from haven.cli import server as _server  # noqa: F401
from haven.cli import users as _users  # noqa: F401
from haven.cli.main import cli
from haven.core.encryption import key_generate
from haven.registry.models import Arrival, Household, Person, Site

pytestmark = pytest.mark.django_db


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_migrate_reports_an_up_to_date_database():
    """`haven migrate` is safe to run again."""
    result = run("migrate")
    assert result.exit_code == 0, result.output
    assert result.output == "The database is up to date.\n"


def test_createuser_with_a_password_from_stdin(sites):
    """The user gets the role, the sites and the password typed on standard input."""
    result = run("createuser", "anna", "--role", "registrar", "--site", "goris",
                 "--site", "vayk", "--password-stdin", stdin="a long passphrase\n")
    assert result.exit_code == 0, result.output
    assert result.output == "Created anna (registrar, goris, vayk).\n"
    anna = User.objects.get(username="anna")
    assert anna.check_password("a long passphrase")
    assert sorted(anna.sites.values_list("slug", flat=True)) == ["goris", "vayk"]


def test_createuser_without_a_password_makes_a_token_only_user(sites):
    """Without --password-stdin the user cannot log in to the web."""
    result = run("createuser", "tablet-3", "--role", "registrar", "--site", "goris")
    assert result.exit_code == 0, result.output
    assert not User.objects.get(username="tablet-3").has_usable_password()


def test_createuser_refuses_a_nine_character_password_in_one_line(sites):
    """A short password is a one-line message and a non-zero exit; no user is made."""
    result = run("createuser", "anna", "--role", "registrar", "--site", "goris",
                 "--password-stdin", stdin="nine-char\n")
    assert result.exit_code == 1
    assert result.output == ("Error: password: This password is too short. "
                             "It must contain at least 10 characters.\n")
    assert not User.objects.filter(username="anna").exists()


def test_createuser_refuses_an_unknown_site(sites):
    """An unknown site is named in the message; the exit is non-zero."""
    result = run("createuser", "anna", "--role", "registrar", "--site", "stepanakert")
    assert result.exit_code == 1
    assert result.output == "Error: sites: unknown site 'stepanakert'\n"
    assert not User.objects.filter(username="anna").exists()


def test_createuser_refuses_an_unknown_role(sites):
    """The role must be one of the seven."""
    result = run("createuser", "anna", "--role", "superuser")
    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output


def test_token_create_prints_a_working_token(users):
    """The printed token authenticates its user."""
    result = run("token", "create", "registrar-goris", "--label", "tablet 3")
    assert result.exit_code == 0, result.output
    assert token_authenticate(result.output.strip()) == users["registrar"]


def test_token_create_for_an_unknown_user_fails(users):
    """No token for a user who does not exist."""
    result = run("token", "create", "nobody")
    assert result.exit_code == 1
    assert result.output == "Error: No active user named nobody.\n"


def test_demo_twice_changes_nothing():
    """The second run finds everything in place and creates nothing."""
    first = run("demo")
    assert first.exit_code == 0, first.output
    assert "Demo loaded: 3 sites, 9 users, 42 households created" in first.output
    assert "4 merged as the same person" in first.output  # the second registrations
    assert "430 casualties of 2023" in first.output  # haven.protection's demo
    counts = [Site.objects.count(), User.objects.count(), Household.objects.count(),
              Person.objects.count(), Arrival.objects.count()]
    second = run("demo")
    assert second.exit_code == 0, second.output
    assert "Demo loaded: 0 sites, 0 users, 0 households created" in second.output
    assert [Site.objects.count(), User.objects.count(), Household.objects.count(),
            Person.objects.count(), Arrival.objects.count()] == counts
    # haven.protection's demo adds two hospitals with their protection officers, and two
    # households (people left behind, moved to Goris in January 2026); haven.reception's
    # adds the households of 28 September 2023's buses (and no further site or user).
    assert User.objects.count() == 9 + 2
    assert Site.objects.exclude(kind="hospital").count() == 3
    assert Household.objects.filter(created_by__username__startswith="registrar-").count() == 42
    assert "46 bus runs and 23 ambulance runs" in first.output
    assert "0 bus runs and 0 ambulance runs" in second.output


def check_deploy(tmp_path, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    """Run `haven check --deploy` in a fresh process with a production environment."""
    # The test run's own settings (HAVEN_*, and the async switch conftest.py sets for
    # Playwright) stay out; the database URL stays, though the checks never connect.
    env = {k: v for k, v in os.environ.items()
           if (not k.startswith("HAVEN_") or k == "HAVEN_DATABASE_URL")
           and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(HAVEN_VAR_DIR=str(tmp_path), HAVEN_SECRET_KEY=secrets.token_urlsafe(50),
               HAVEN_ALLOWED_HOSTS="haven.example.org", HAVEN_HTTPS="1",
               HAVEN_FIELD_KEY=key_generate())
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "-m", "haven.cli.main", "check", "--deploy"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_passes_with_the_production_environment(tmp_path):
    """Secret key, host, HTTPS set and debug off: no error and no warning."""
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"HAVEN_SECRET_KEY": None}, "haven.E001"),
        ({"HAVEN_SECRET_KEY": "short"}, "security.W009"),
        ({"HAVEN_HTTPS": None}, "security.W004"),
        ({"HAVEN_DEBUG": "1"}, "security.W018"),
        ({"HAVEN_FIELD_KEY": None}, "haven.E002"),
        ({"HAVEN_FIELD_KEY": "SGF2ZW4gZG9jcyBleGFtcGxlOiBuZXZlciB1c2UgaXQ="}, "haven.E003"),
        ({"HAVEN_FIELD_KEY": "hunter2"}, "haven.E004"),
        ({"HAVEN_ALLOWED_HOSTS": "*"}, "haven.E040"),
        ({"HAVEN_ALLOWED_HOSTS": "haven.example.org,*"}, "haven.E040"),
    ],
)
def test_check_deploy_fails_on_an_unsafe_environment(tmp_path, overrides, problem):
    """A missing secret key, a weak one, no HTTPS or debug on: non-zero exit naming the check."""
    result = check_deploy(tmp_path, **overrides)
    assert result.returncode != 0
    assert problem in result.stderr


def test_a_database_that_was_never_migrated_gets_a_one_line_message(tmp_path):
    """No traceback: one line that says what to do, and a non-zero exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env["HAVEN_VAR_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "haven.cli.main", "createuser", "anna",
                             "--role", "registrar"], env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "haven migrate" in result.stderr
    assert "Traceback" not in result.stderr
