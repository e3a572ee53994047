"""Device credentials: a QR code ODK Collect reads; forms and submissions for one site only;
refused by the API and the pages; cut off in one click."""

import base64
import io
import json
import re
import zlib

import pytest
import zxingcpp
from django.test import Client
from PIL import Image

from haven.accounts.models import DeviceCredential, User
from haven.accounts.services import device_create, device_revoke
from haven.audit.models import AuditAction, AuditEvent
from haven.core.errors import NotFound, PermissionDenied
from haven.intake.tests.test_openrosa_recordings import Device, basic, collect_submission
from haven.registry.models import Household
from haven.testing.factories import actor_for, signed_in

pytestmark = pytest.mark.django_db


def qr_payload(page: str) -> dict:
    """Read the page's QR code as a phone's camera would, and decode Collect's settings."""
    found = re.search(r'id="device-qr" src="data:image/png;base64,([^"]+)"', page)
    assert found, "no QR code on the page"
    image = Image.open(io.BytesIO(base64.b64decode(found.group(1))))
    codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode
    return json.loads(zlib.decompress(base64.b64decode(codes[0].text)))


@pytest.fixture(autouse=True)
def _public_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "haven.example.org"]


def create_on_the_page(user, site="goris", label="tablet 3, triage tent"):
    response = signed_in(user).post(f"/devices/{site}/", {"action": "create", "label": label},
                                    HTTP_HOST="haven.example.org", secure=True)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_the_qr_code_carries_collect_s_settings_for_this_site(users):
    page = create_on_the_page(users["administrator"])
    settings = qr_payload(page)
    device = DeviceCredential.objects.get()
    general = settings["general"]
    assert general["server_url"].startswith("https://haven.example.org/openrosa/key/hvd_")
    assert general["server_url"].endswith("/goris")
    secret = general["server_url"].split("/")[-2]
    assert general["username"] == device.user.username
    assert general["password"] == secret
    assert settings["project"]["name"] == "Haven · Goris"
    assert settings["admin"] == {}
    assert general["server_url"] in page  # the address is shown for typing in, too
    assert device.label == "tablet 3, triage tent"
    assert (device.site.slug, device.user.role, device.created_by) == (
        "goris", "device", users["administrator"])
    assert secret not in json.dumps(list(DeviceCredential.objects.values()), default=str)
    # The phone, set up from the code, fetches the form and sends a registration.
    phone = Device(token=secret)
    assert phone.get("/formList").status_code == 200
    assert phone.submit(collect_submission()).status_code == 201
    assert Household.objects.get().registered_at.slug == "goris"
    # Its user name and key work as Basic credentials too (Collect over HTTPS).
    basic_phone = Device(username=general["username"], password=secret)
    assert basic_phone.get("/formList").status_code == 200


def test_the_secret_is_shown_once(users):
    create_on_the_page(users["administrator"])
    again = signed_in(users["administrator"]).get("/devices/goris/").content.decode()
    assert "device-qr" not in again
    assert "hvd_" not in again
    assert "tablet 3, triage tent" in again


def test_a_device_works_only_for_its_own_site(users):
    issued = device_create(actor=None, site="goris", label="phone")
    assert Device(token=issued.secret, site="vayk").get("/formList").status_code == 403
    assert Device(token=issued.secret, site="vayk").submit(
        collect_submission()).status_code == 403
    assert Household.objects.count() == 0


def test_a_device_credential_is_refused_by_the_api_and_the_pages(users):
    issued = device_create(actor=None, site="goris", label="phone")
    bearer = {"Authorization": f"Bearer {issued.secret}"}
    for path in ("/api/v1/sites", "/api/v1/households", "/api/v1/persons"):
        assert Client().get(path, headers=bearer).status_code == 401, path
    assert Client().get("/api/v1/sites", headers={
        "Authorization": basic(issued.username, issued.secret)}).status_code == 401
    login = Client().post("/login/", {"username": issued.username, "password": issued.secret})
    assert login.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in login.client.session


def test_a_revoked_device_is_refused_form_list_and_submission(users):
    issued = device_create(actor=None, site="goris", label="lost phone")
    phone = Device(token=issued.secret)
    assert phone.get("/formList").status_code == 200
    page = signed_in(users["coordinator"]).post(
        "/devices/goris/", {"action": "revoke", "device": str(issued.credential.pk)})
    assert page.status_code == 302
    assert phone.get("/formList").status_code == 403
    assert phone.submit(collect_submission()).status_code == 403
    assert Device(username=issued.username,
                  password=issued.secret).get("/formList").status_code == 401
    assert Household.objects.count() == 0
    credential = DeviceCredential.objects.get()
    assert credential.revoked_by == users["coordinator"]
    assert not User.objects.get(pk=credential.user_id).is_active
    event = AuditEvent.objects.get(action=AuditAction.DEVICE_REVOKE)
    assert (event.username, event.site, event.outcome) == ("coordinator", "goris", "allowed")


def test_only_device_managers_issue_and_revoke(users):
    for role in ("registrar", "protection_officer", "auditor", "viewer", "tracing_officer"):
        with pytest.raises(PermissionDenied):
            device_create(actor=actor_for(users[role]), site="goris", label="phone")
        assert signed_in(users[role]).get("/devices/goris/").status_code == 403
    issued = device_create(actor=None, site="goris", label="phone")
    with pytest.raises(PermissionDenied):
        device_revoke(actor=actor_for(users["registrar"]), device=issued.credential.pk)
    with pytest.raises(NotFound):
        device_revoke(actor=actor_for(users["coordinator"]), device=issued.credential.pk + 99)


def test_issuing_is_audited_without_the_secret(users):
    issued = device_create(actor=actor_for(users["administrator"]), site="goris", label="p")
    event = AuditEvent.objects.get(action=AuditAction.DEVICE_CREATE)
    assert (event.username, event.site) == ("admin", "goris")
    assert [t.target_id for t in event.targets.all()] == [str(issued.credential.user_id)]
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert issued.secret not in everything


def test_a_label_is_required(users):
    response = signed_in(users["administrator"]).post("/devices/goris/",
                                                      {"action": "create", "label": "  "})
    assert response.status_code == 422
    assert DeviceCredential.objects.count() == 0


def test_device_identities_are_not_in_the_user_list(users):
    issued = device_create(actor=None, site="goris", label="phone")
    page = signed_in(users["administrator"]).get("/users/").content.decode()
    assert "registrar-goris" in page
    assert issued.username not in page
