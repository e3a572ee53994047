"""`haven user …`, `haven token list|revoke`, `haven device …`: the services the pages use."""

import pytest
from click.testing import CliRunner
from django.test import Client

from haven.accounts.models import ApiToken, DeviceCredential, User
from haven.accounts.services import token_authenticate, token_create
from haven.audit.models import AuditEvent
from haven.cli import devices as _devices  # noqa: F401  (registers the commands)
from haven.cli import users as _users  # noqa: F401
from haven.cli.main import cli
from haven.intake.tests.test_openrosa_recordings import Device
from haven.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_user_list_shows_role_sites_and_state(users):
    User.objects.filter(username="viewer").update(is_active=False)
    result = run("user", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["user", "role", "sites", "state", "last", "login"]
    goris = next(line for line in lines if line.startswith("registrar-goris "))
    assert goris.split()[:4] == ["registrar-goris", "registrar", "goris", "active"]
    assert next(line for line in lines if line.startswith("viewer ")).split()[3] == "inactive"
    only = run("user", "list", "--role", "registrar", "--site", "vayk").output.splitlines()
    assert [line.split()[0] for line in only[1:]] == ["registrar-vayk"]
    assert run("user", "list", "--name", "nobody").output == "No users match.\n"


def test_user_create_with_a_temporary_password(sites):
    result = run("user", "create", "anna", "--role", "registrar", "--site", "goris",
                 "--temporary-password")
    assert result.exit_code == 0, result.output
    password = result.output.splitlines()[-1].rsplit(": ", 1)[1]
    anna = User.objects.get(username="anna")
    assert anna.check_password(password)
    assert anna.must_change_password
    assert AuditEvent.objects.get(action="user.create").channel == "cli"


def test_user_update_changes_role_and_sites(users):
    result = run("user", "update", "registrar-goris", "--role", "tracing_officer",
                 "--site", "vayk")
    assert result.exit_code == 0, result.output
    assert result.output == "Updated registrar-goris (tracing_officer, vayk).\n"
    assert run("user", "update", "registrar-goris").exit_code == 2  # nothing to change
    refused = run("user", "update", "registrar-goris", "--site", "atlantis")
    assert refused.exit_code == 1
    assert "sites: unknown site 'atlantis'" in refused.output


def test_user_deactivate_ends_tokens_and_reactivate_lets_them_in_again(users):
    token = token_create(actor=None, username="registrar-goris")
    assert run("user", "deactivate", "registrar-goris").exit_code == 0
    assert token_authenticate(token) is None
    refused = Client().post("/login/", {"username": "registrar-goris", "password": PASSWORD})
    assert refused.status_code == 200  # the form again: a deactivated user cannot log in
    assert run("user", "reactivate", "registrar-goris").exit_code == 0
    assert User.objects.get(username="registrar-goris").is_active
    assert run("user", "deactivate", "nobody").exit_code == 1


def test_user_unlock_after_a_lockout(users, settings):
    guesser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guesser.post("/login/", {"username": "registrar-goris", "password": "a-wrong-guess"})
    assert guesser.post("/login/", {"username": "registrar-goris",
                                    "password": PASSWORD}).status_code == 429
    assert "locked" in run("user", "list", "--status", "locked").output
    result = run("user", "unlock", "registrar-goris")
    assert result.exit_code == 0, result.output
    assert guesser.post("/login/", {"username": "registrar-goris",
                                    "password": PASSWORD}).status_code == 302


def test_user_set_password(users):
    made_up = run("user", "set-password", "registrar-goris")
    assert made_up.exit_code == 0, made_up.output
    password = made_up.output.splitlines()[0].rsplit(": ", 1)[1]
    user = User.objects.get(username="registrar-goris")
    assert user.check_password(password)
    assert user.must_change_password
    typed = run("user", "set-password", "registrar-goris", "--password-stdin", "--permanent",
                stdin="another long passphrase\n")
    assert typed.exit_code == 0, typed.output
    assert "another long passphrase" not in typed.output
    user.refresh_from_db()
    assert user.check_password("another long passphrase")
    assert not user.must_change_password
    weak = run("user", "set-password", "registrar-goris", "--password-stdin", stdin="123\n")
    assert weak.exit_code == 1
    assert weak.output.startswith("Error: password:")


def test_user_sign_out(users):
    token_create(actor=None, username="registrar-goris")
    result = run("user", "sign-out", "registrar-goris")
    assert result.output == "Ended every session of registrar-goris and revoked 1 token(s).\n"


def test_token_list_and_revoke(users):
    token = token_create(actor=None, username="registrar-goris", label="export")
    listed = run("token", "list")
    assert listed.exit_code == 0, listed.output
    row = listed.output.splitlines()[1].split()
    assert row[1:4] == [f"{token[:12]}…", "registrar-goris", "export"]
    assert row[-1] == "active"
    revoked = run("token", "revoke", token[:12])
    assert revoked.exit_code == 0, revoked.output
    assert token_authenticate(token) is None
    assert "No live tokens" in run("token", "list").output
    assert run("token", "list", "--all").output.splitlines()[1].split()[-1] == "revoked"
    assert run("token", "revoke", "hvn_nothere").exit_code == 1


def test_token_create_for_fewer_days(users):
    result = run("token", "create", "registrar-goris", "--days", "3")
    assert result.exit_code == 0, result.output
    stored = ApiToken.objects.get()
    assert (stored.expires_at - stored.created_at).days == 3
    assert run("token", "create", "registrar-goris", "--days", "9999").exit_code == 1


def test_device_create_list_and_revoke(users):
    result = run("device", "create", "--site", "goris", "--label", "tablet 3",
                 "--server", "https://haven.example.org/", "--no-qr")
    assert result.exit_code == 0, result.output
    url = next(line for line in result.output.splitlines()
               if line.startswith("Server URL")).split(": ", 1)[1]
    assert url.startswith("https://haven.example.org/openrosa/key/hvd_")
    secret = url.split("/")[-2]
    assert Device(token=secret).get("/formList").status_code == 200
    listed = run("device", "list", "--site", "goris").output
    assert "tablet 3" in listed
    assert "active" in listed
    number = str(DeviceCredential.objects.get().pk)
    assert run("device", "revoke", number).exit_code == 0
    assert Device(token=secret).get("/formList").status_code == 403
    assert "revoked" in run("device", "list", "--site", "goris").output


def test_device_create_draws_the_qr_code_in_the_terminal(users):
    result = run("device", "create", "--site", "goris", "--label", "t",
                 "--server", "http://10.0.0.2:8000")
    assert result.exit_code == 0, result.output
    assert "█" in result.output or "▀" in result.output
