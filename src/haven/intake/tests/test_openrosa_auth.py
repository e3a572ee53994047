"""Device sign-in: HTTP Basic as ODK Collect sends it, and tokens in the server address."""

from __future__ import annotations

from django.test import Client

from haven.accounts.models import DeviceCredential
from haven.accounts.services import device_create, token_create
from haven.audit.models import AuditAction, AuditEvent
from haven.core import clock
from haven.intake.tests.test_openrosa_recordings import Device, openrosa_message


def test_no_credentials_asks_for_them_as_collect_needs(users):
    """Collect prompts for a username and password only on 401 with a Basic challenge."""
    response = Device().head("/submission")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="Haven"')
    assert response["X-OpenRosa-Version"] == "1.0"


def test_a_wrong_password_is_refused_and_written_to_the_audit_log(users):
    response = Device(username="registrar-goris", password="wrong-password").get("/formList")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert openrosa_message(response) == ("error", "Wrong username or password.")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.username, event.channel, event.outcome) == ("registrar-goris", "odk", "denied")


def test_garbled_basic_credentials_are_asked_for_again(users):
    client = Client()
    for header in ("Basic !!!", "Basic " + "bm9jb2xvbg==", "Bearer hvn_x"):  # "nocolon"
        response = client.get("/openrosa/goris/formList", secure=True,
                              headers={"X-OpenRosa-Version": "1.0", "Authorization": header})
        assert response.status_code == 401, header


def test_guessing_locks_the_user_out_with_an_openrosa_answer(users):
    """django-axes counts device sign-ins like the login page; the answer stays OpenRosa."""
    guesser = Device(username="registrar-goris", password="guess-guess")
    statuses = [guesser.get("/formList").status_code for _ in range(6)]
    assert statuses[:4] == [401] * 4
    assert statuses[-1] == 429
    locked = guesser.get("/formList")
    assert locked["Content-Type"] == "text/xml; charset=utf-8"
    assert "Too many failed sign-ins" in openrosa_message(locked)[1]
    # Even the right password waits out the lockout.
    assert Device(username="registrar-goris").get("/formList").status_code == 429


def test_a_changed_password_stops_the_old_one_at_once(users):
    device = Device(username="registrar-goris")
    assert device.get("/formList").status_code == 200
    assert device.get("/formList").status_code == 200  # remembered, not hashed again
    user = users["registrar"]
    user.set_password("a-new-long-password")
    user.save(update_fields=["password"])
    assert device.get("/formList").status_code == 401
    assert Device(username="registrar-goris",
                  password="a-new-long-password").get("/formList").status_code == 200


def test_a_deactivated_user_is_refused_at_once(users):
    device = Device(username="registrar-goris")
    assert device.get("/formList").status_code == 200
    users["registrar"].is_active = False
    users["registrar"].save(update_fields=["is_active"])
    assert device.get("/formList").status_code == 401


def test_a_device_key_in_the_address_signs_the_device_in(users):
    issued = device_create(actor=None, site="goris", label="phone 7")
    assert Device(token=issued.secret).get("/formList").status_code == 200
    assert Device(token=issued.secret).head("/submission").status_code == 204
    # The device's one site, whatever the address names.
    assert Device(token=issued.secret, site="vayk").get("/formList").status_code == 403


def test_a_revoked_or_unknown_key_is_refused(users):
    issued = device_create(actor=None, site="goris", label="phone 7")
    DeviceCredential.objects.update(revoked_at=clock.now())
    for candidate in (issued.secret, "hvd_unknown", "not-a-token"):
        response = Device(token=candidate).get("/formList")
        assert response.status_code == 403, candidate
        assert "key" in openrosa_message(response)[1]
        assert "WWW-Authenticate" not in response  # a password would not help


def test_an_api_token_in_the_address_is_refused(users):
    """The address's key is a device credential: an API token there opens nothing."""
    token = token_create(actor=None, username="registrar-goris", label="phone 7")
    assert Device(token=token).get("/formList").status_code == 403
    assert Device(token=token).submit(b"<data/>").status_code == 403


def test_other_methods_are_refused(users):
    client = Client()
    response = client.put("/openrosa/goris/formList", secure=True,
                          headers={"X-OpenRosa-Version": "1.0"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_a_refused_key_is_written_to_the_audit_log(users):
    Device(token="hvd_guessed-key").get("/formList")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.channel, event.outcome, event.username) == ("odk", "denied", "")


def test_a_temporary_password_does_not_open_collect(users):
    """After a reset the user must first choose a password on the web, as on every page."""
    user = users["registrar"]
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    response = Device(username="registrar-goris").get("/formList")
    assert response.status_code == 403
    assert "temporary" in openrosa_message(response)[1]
