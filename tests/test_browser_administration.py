"""In Chromium: an administrator adds a clerk, sets up a phone for Goris from its QR code,
and revokes it when the phone is lost."""

from __future__ import annotations

import base64
import io
import json
import re
import zlib

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from haven.accounts.models import DeviceCredential, User
from haven.intake.tests.test_openrosa_recordings import Device
from haven.testing.browser import log_in, menu_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_adds_a_user_and_a_device_then_revokes_it(page: Page, live_server,
                                                                   users):
    base = live_server.url
    log_in(page, base, "admin")

    menu_open(page, "Users")
    page.click("text=Add a user")
    page.fill("input[name=username]", "narine.goris")
    page.select_option("select[name=role]", "registrar")
    page.check("input[name=sites][value=goris]")
    page.click("button:has-text('Create the user')")
    expect(page.locator(".notice")).to_contain_text("Created narine.goris")
    password = page.locator("#temporary-password").inner_text()
    narine = User.objects.get(username="narine.goris")
    assert narine.check_password(password)
    assert [s.slug for s in narine.sites.all()] == ["goris"]

    menu_open(page, "Devices")
    page.click("text=Goris")
    page.fill("input[name=label]", "tablet 3, triage tent")
    page.click("button:has-text('Create credentials and show the QR code')")
    qr = page.locator("#device-qr")
    expect(qr).to_be_visible()
    # The code, as the browser draws it, read back as a phone's camera would.
    shot = Image.open(io.BytesIO(qr.screenshot()))
    codes = zxingcpp.read_barcodes(shot)
    assert len(codes) == 1
    settings = json.loads(zlib.decompress(base64.b64decode(codes[0].text)))
    server_url = settings["general"]["server_url"]
    assert re.fullmatch(rf"{re.escape(base)}/openrosa/key/hvd_[\w-]+/goris", server_url)
    expect(page.locator("#server-url")).to_have_text(server_url)
    secret = server_url.split("/")[-2]
    assert Device(token=secret).get("/formList").status_code == 200

    page.goto(f"{base}/devices/goris/")
    row = page.locator("tr", has_text="tablet 3, triage tent")
    expect(row).to_contain_text("active")
    row.locator("button:has-text('Revoke')").click()
    expect(page.locator(".notice")).to_contain_text("can no longer fetch forms")
    expect(page.locator("tr", has_text="tablet 3, triage tent")).to_contain_text("revoked")
    assert DeviceCredential.objects.get().revoked_at is not None
    assert Device(token=secret).get("/formList").status_code == 403
