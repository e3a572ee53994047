"""The hub arrival form: cards scanned on a phone arrive at the device's site, exactly once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from haven.core import clock
from haven.core.ids import parse_code
from haven.intake.models import Submission
from haven.intake.openrosa.form import hub_arrival_xform
from haven.intake.tests.test_openrosa_recordings import Device, openrosa_message
from haven.registry.models import Arrival
from haven.testing.factories import member

RECEIVED = dt.datetime(2023, 9, 28, 6, 25, tzinfo=dt.UTC)
STARTED = "2023-09-28T10:15:03.412+04:00"  # ten minutes before, at Goris


@pytest.fixture(autouse=True)
def _the_day():
    with clock.frozen_at(RECEIVED):
        yield


@pytest.fixture
def device(users) -> Device:
    return Device(username="registrar-goris")


def arrival_form(*scans: tuple[str, str], instance: str | None = None,
                 version: str | None = None, deprecated: str = "") -> bytes:
    """Return the XML ODK Collect sends for the hub arrival form: (scanned, typed) per card."""
    cards = "".join(f"<scans><code>{scanned}</code><typed>{typed}</typed></scans>"
                    for scanned, typed in scans)
    edit = f"<deprecatedID>{deprecated}</deprecatedID>" if deprecated else ""
    return (
        f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="hub_arrival" '
        f'version="{version or hub_arrival_xform().version}">'
        f"<start>{STARTED}</start><end>2023-09-28T10:16:40.001+04:00</end><intro/>"
        f'<scans jr:template=""><code/><typed/></scans>{cards}'
        f"<meta><instanceID>{instance or 'uuid:' + str(uuid.uuid4())}</instanceID>"
        f"<instanceName>Arrivals: {len(scans)}</instanceName>{edit}</meta></data>"
    ).encode()


def mistyped(code: str) -> str:
    last = code[-1]
    wrong = next(c for c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" if c != last)
    assert parse_code(code[:-1] + wrong) is None
    return code[:-1] + wrong


def test_the_form_is_listed_and_asks_for_a_barcode(device):
    listed = device.get("/formList").content.decode()
    assert "<formID>hub_arrival</formID>" in listed
    form = device.get("/forms/hub_arrival/form.xml")
    assert form.status_code == 200
    assert 'type="barcode"' in form.content.decode()
    assert device.get("/forms/hub_arrival/manifest").status_code == 200


def test_scanned_cards_arrive_at_the_devices_site_when_the_form_was_started(
        device, make_household):
    border = make_household(site="kornidzor", members=[
        member(given_name="Anahit"), member(given_name="Tigran", relationship="child"),
        member(given_name="Narine", relationship="child")])
    other = make_household(site="kornidzor", members=[
        member(given_name="Armen"), member(given_name="Mariam", relationship="spouse")])
    alone = other.members.get(given_name="Mariam")
    response = device.submit(arrival_form((border.code, ""), ("", alone.code.lower())))
    assert response.status_code == 201, response.content
    assert openrosa_message(response) == ("submit_success",
                                          "Recorded the arrival of 4 people.")
    goris = Arrival.objects.filter(site__slug="goris")
    assert {a.person.given_name for a in goris} == {"Anahit", "Tigran", "Narine", "Mariam"}
    assert {(a.channel, a.arrived_at) for a in goris} == {
        ("odk", dt.datetime(2023, 9, 28, 6, 15, 3, 412000, tzinfo=dt.UTC))}
    submission = Submission.objects.get()
    assert submission.source == "odk:hub_arrival"


def test_a_resend_stores_nothing_and_a_clash_is_refused(device, make_household):
    household = make_household(site="kornidzor")
    xml = arrival_form((household.code, ""), instance="uuid:resent")
    assert device.submit(xml).status_code == 201
    again = device.submit(xml)
    assert again.status_code == 201
    assert openrosa_message(again) == ("submit_success",
                                       "Already received: these arrivals were recorded.")
    clash = device.submit(arrival_form((household.code, ""), ("", household.code),
                                       instance="uuid:resent"))
    assert clash.status_code == 409
    assert Arrival.objects.filter(site__slug="goris").count() == 1
    assert Submission.objects.count() == 1


def test_a_mistyped_card_is_named_and_nothing_is_stored(device, make_household):
    household = make_household(site="kornidzor")
    response = device.submit(arrival_form((household.code, ""), ("", mistyped(household.code))))
    assert response.status_code == 400
    assert openrosa_message(response)[1] == "scans[1].code: this code has a typing error"
    nobody = device.submit(arrival_form(("HVN-0000-0000-0000", "")))
    assert nobody.status_code == 400
    assert "no household or person has this code" in openrosa_message(nobody)[1]
    assert not Arrival.objects.filter(site__slug="goris").exists()
    assert not Submission.objects.exists()


def test_an_arrival_is_not_edited_and_an_old_version_is_refused(device, make_household):
    household = make_household(site="kornidzor")
    edit = device.submit(arrival_form((household.code, ""), deprecated="uuid:first"))
    assert edit.status_code == 400
    assert "meta/deprecatedID" in openrosa_message(edit)[1]
    old = device.submit(arrival_form((household.code, ""), version="20230901"))
    assert old.status_code == 400
    assert "version" in openrosa_message(old)[1]
    assert not Arrival.objects.filter(site__slug="goris").exists()


def test_a_device_of_a_role_that_does_not_register_is_refused(users, make_household):
    household = make_household(site="kornidzor")
    response = Device(username="tracing").submit(arrival_form((household.code, "")))
    assert response.status_code == 403
    assert not Arrival.objects.filter(site__slug="goris").exists()
