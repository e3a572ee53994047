"""Two-factor authentication: required for administrators, coordinators and auditors."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.accounts.services import token_create
from haven.audit.models import AuditEvent
from haven.cli import users as _users  # noqa: F401  (registers the commands)
from haven.cli.main import cli
from haven.testing.factories import PASSWORD, force_login_unverified, signed_in

pytestmark = pytest.mark.django_db


def _log_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _enrol(client: Client, username: str) -> list[str]:
    page = client.get("/account/two-factor/")
    assert b"data-otp-secret" in page.content
    assert b"<svg" in page.content  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    done = client.post("/account/two-factor/", {"token": _code(device)})
    assert done.status_code == 200
    return re.findall(r"data-recovery-code>([^<]+)<", done.content.decode())


@pytest.mark.parametrize("role", ["administrator", "coordinator", "auditor"])
def test_the_roles_that_must_are_sent_to_enrol_and_the_api_refuses_them_until(users, role):
    client = _log_in(users[role].username)
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/account/two-factor/?next=")
    assert client.get("/api/v1/sites").status_code == 401
    wrong = client.post("/account/two-factor/", {"token": "000000"})
    assert wrong.status_code == 422
    # A wrong code makes the device wait a second before the next try (django-otp's
    # throttling); the test does not wait.
    TOTPDevice.objects.get(user=users[role], confirmed=False).throttle_reset()
    codes = _enrol(client, users[role].username)
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/sites").status_code == 200
    assert AuditEvent.objects.filter(action="otp.enrol", username=users[role].username).exists()


def test_after_enrolment_each_login_asks_for_a_code_and_a_recovery_code_works_once(users):
    first = _log_in("coordinator")
    codes = _enrol(first, "coordinator")
    second = _log_in("coordinator")
    assert second.get("/persons/")["Location"].startswith("/account/two-factor/verify/")
    refused = second.post("/account/two-factor/verify/", {"token": "123456"})
    assert refused.status_code == 422
    assert AuditEvent.objects.filter(action="otp.failed", outcome="denied").exists()
    for device in TOTPDevice.objects.filter(user=users["coordinator"]):
        device.throttle_reset()
    StaticToken.objects.get(token=codes[0]).device.throttle_reset()
    assert second.post("/account/two-factor/verify/", {"token": codes[0].upper()}
                       ).status_code == 302
    assert second.get("/persons/").status_code == 200
    third = _log_in("coordinator")
    assert third.post("/account/two-factor/verify/", {"token": codes[0]}).status_code == 422
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_other_roles_may_enrol_and_are_then_asked_too(users):
    client = _log_in("registrar-goris")
    assert client.get("/").status_code == 200  # no second factor owed
    _enrol(client, "registrar-goris")
    again = _log_in("registrar-goris")
    assert again.get("/")["Location"].startswith("/account/two-factor/verify/")


def test_bearer_tokens_are_not_asked_for_a_code(users):
    token = token_create(actor=None, username="coordinator")
    response = Client().get("/api/v1/sites", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_an_administrator_resets_a_lost_phone_and_the_sessions_end(users):
    coordinator = signed_in(users["coordinator"])
    assert coordinator.get("/").status_code == 200
    assert TOTPDevice.objects.filter(user=users["coordinator"]).exists()
    admin = signed_in(users["administrator"])
    done = admin.post("/users/coordinator/", {"action": "reset_two_factor"})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=users["coordinator"]).exists()
    assert coordinator.get("/")["Location"].startswith("/login/")
    assert AuditEvent.objects.filter(action="otp.reset", username="admin").exists()
    # Nobody resets their own (a stolen session could otherwise drop the factor).
    assert admin.post("/users/admin/", {"action": "reset_two_factor"}).status_code == 403


def test_the_cli_resets_two_factor(users):
    signed_in(users["auditor"])
    result = CliRunner().invoke(cli, ["user", "reset-2fa", "auditor"])
    assert result.exit_code == 0, result.output
    assert not TOTPDevice.objects.filter(user__username="auditor").exists()


def test_a_session_without_the_second_factor_reaches_only_the_two_factor_pages(users):
    client = Client()
    force_login_unverified(client, users["auditor"])
    TOTPDevice.objects.create(user=users["auditor"], name="phone", confirmed=True)
    assert client.get("/audit/")["Location"].startswith("/account/two-factor/verify/")
    assert client.get("/account/two-factor/verify/").status_code == 200
    assert User.objects.get(username="auditor").is_active
