"""POST /submission with recorded ODK Collect and Enketo submissions: stored once, or refused."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from haven.accounts.services import device_create
from haven.audit.models import AuditAction, AuditEvent
from haven.core import clock
from haven.intake.models import Submission
from haven.intake.openrosa import services
from haven.intake.openrosa.views import MAX_SUBMISSION_BYTES
from haven.intake.tests.test_openrosa_recordings import (
    INSTANCE_ID,
    Device,
    collect_submission,
    openrosa_message,
)
from haven.registry.models import Arrival, Household, Person, RecordChange

# Ten minutes after the recorded form was started at the Goris theatre (+04:00).
RECEIVED = dt.datetime(2023, 9, 28, 6, 25, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _the_day_of_the_recording():
    with clock.frozen_at(RECEIVED):
        yield


@pytest.fixture
def device(users) -> Device:
    return Device(username="registrar-goris")


def stored() -> tuple[int, int, int, int]:
    return (Household.objects.count(), Person.objects.count(), Arrival.objects.count(),
            Submission.objects.count())


def test_head_and_get_say_where_and_how_much_to_send(device):
    for response in (device.head("/submission"), device.get("/submission")):
        assert response.status_code == 204
        assert response["X-OpenRosa-Version"] == "1.0"
        assert response["X-OpenRosa-Accept-Content-Length"] == str(MAX_SUBMISSION_BYTES)


def test_a_recorded_collect_submission_registers_the_household(device):
    xml = collect_submission()
    response = device.submit(xml)
    assert response.status_code == 201, response.content
    assert response["X-OpenRosa-Version"] == "1.0"
    household = Household.objects.get()
    assert openrosa_message(response) == (
        "submit_success", f"Registered household {household.code} (4 members).")
    assert (household.channel, household.registered_at.slug) == ("odk", "goris")
    assert (household.place_of_origin, household.phone_e164) == ("Ստեփանակերտ", "+37497123456")
    members = list(household.members.order_by("position"))
    assert [(m.given_name, m.family_name, m.patronymic, m.sex, m.relationship)
            for m in members] == [
        ("Անահիտ", "Վարդանյան", "", "female", "head"),
        ("Սերգեյ", "Վարդանյան", "", "male", "spouse"),
        ("Тигран", "Варданян", "Сергеевич", "male", "child"),
        ("Nare", "Vardanyan", "", "female", "grandchild"),
    ]
    assert [(m.birth_date, m.birth_date_precision) for m in members] == [
        ("1948", "year"), ("1945", "estimated"), ("1975-03-15", "day"), ("2016-05", "month")]
    assert [(m.document_type, m.document_number) for m in members][:3] == [
        ("internal_passport", "IV-АГ 123456"), ("none", ""), ("passport", "AN0123456")]
    assert sorted(v.code for v in members[2].vulnerabilities.all()) == ["burns", "injured"]
    # They arrived when the clerk started the form, not when the phone found a network.
    arrivals = Arrival.objects.filter(person__household=household)
    assert {(a.site.slug, a.channel, a.arrived_at) for a in arrivals} == {
        ("goris", "odk", dt.datetime(2023, 9, 28, 6, 15, 3, 412000, tzinfo=dt.UTC))}
    submission = Submission.objects.get()
    assert (submission.source, submission.key) == ("odk:household_registration", INSTANCE_ID)
    assert submission.digest == hashlib.sha256(xml).hexdigest()
    assert (submission.household, submission.received_by.username) == (household,
                                                                       "registrar-goris")
    assert submission.received_at == RECEIVED
    event = AuditEvent.objects.get(action=AuditAction.HOUSEHOLD_CREATE)
    assert (event.channel, event.site, event.target_count) == ("odk", "goris", 5)


def test_the_same_submission_sent_again_is_acknowledged_and_stores_nothing(device):
    """Collect resends when an answer is lost; the household must not be counted twice."""
    first = device.submit(collect_submission())
    before = stored()
    again = device.submit(collect_submission())
    assert again.status_code == 201
    code = Household.objects.get().code
    assert openrosa_message(again) == ("submit_success", f"Already received: household {code}.")
    assert stored() == before == (1, 4, 4, 1)
    assert first.status_code == 201


def test_different_xml_under_the_same_instance_id_is_a_conflict(device):
    device.submit(collect_submission())
    before = stored()
    response = device.submit(collect_submission(replace={"Nare": "Narek"}))
    assert response.status_code == 409
    assert INSTANCE_ID in openrosa_message(response)[1]
    assert stored() == before
    assert not Person.objects.filter(given_name="Narek").exists()


def test_two_sends_racing_store_one_household(device, monkeypatch):
    """The second send passes the first look-up, then meets the unique (source, key)."""
    assert device.submit(collect_submission()).status_code == 201
    before = stored()
    real = services._stored
    calls: list[str] = []

    def late(source: str, key: str) -> Submission | None:
        calls.append(key)
        return None if len(calls) == 1 else real(source, key)

    monkeypatch.setattr(services, "_stored", late)
    response = device.submit(collect_submission())
    assert response.status_code == 201
    assert openrosa_message(response)[1].startswith("Already received")
    assert stored() == before
    assert len(calls) == 2


def test_attachments_are_accepted_and_not_kept(device):
    photo = b"\xff\xd8\xff\xe0" + b"\0" * 2048
    response = device.submit(collect_submission(),
                             attachments=[("1695878103412.jpg", "image/jpeg", photo)])
    assert response.status_code == 201
    assert stored() == (1, 4, 4, 1)


def test_a_submission_split_in_parts_is_stored_once(device):
    """Over the size limit, Collect sends the XML with each batch of files."""
    one = device.submit(collect_submission(), incomplete=True,
                        attachments=[("a.jpg", "image/jpeg", b"\xff\xd8a")])
    two = device.submit(collect_submission(), attachments=[("b.jpg", "image/jpeg", b"\xff\xd8b")])
    assert (one.status_code, two.status_code) == (201, 201)
    assert stored() == (1, 4, 4, 1)


def test_a_device_with_a_key_submits_like_a_password_device(users):
    issued = device_create(actor=None, site="goris", label="phone 7")
    response = Device(token=issued.secret).submit(collect_submission())
    assert response.status_code == 201
    # The registration and its audit row name the phone it came from.
    assert Submission.objects.get().received_by.username == issued.username
    assert Household.objects.get().registered_at.slug == "goris"


@pytest.mark.parametrize(("username", "site"), [("coordinator", "vayk"),
                                                ("protection-goris", "goris")])
def test_other_registering_roles_submit_for_their_sites(users, username, site):
    response = Device(username=username, site=site).submit(collect_submission())
    assert response.status_code == 201
    assert Household.objects.get().registered_at.slug == site


def test_a_device_user_cannot_submit_for_another_site(users):
    response = Device(username="registrar-goris", site="vayk").submit(collect_submission())
    assert response.status_code == 403
    assert stored() == (0, 0, 0, 0)
    unknown = Device(username="coordinator", site="stepanakert").submit(collect_submission())
    assert unknown.status_code == 404


def test_a_start_time_the_clock_cannot_have_meant_falls_back_to_the_end(device):
    """A phone whose battery ran flat may think it is 1970 when the form is opened."""
    response = device.submit(collect_submission(start="1970-01-01T00:00:07.000+00:00"))
    assert response.status_code == 201
    assert set(Arrival.objects.values_list("arrived_at", flat=True)) == {
        dt.datetime(2023, 9, 28, 6, 16, 41, 87000, tzinfo=dt.UTC)}


def test_without_believable_times_the_household_arrived_when_received(device):
    response = device.submit(collect_submission(
        start="1970-01-01T00:00:07.000+00:00",
        replace={"<end>2023-09-28T10:16:41.087+04:00</end>": "<end>2031-01-01T00:00:00Z</end>"}))
    assert response.status_code == 201
    assert set(Arrival.objects.values_list("arrived_at", flat=True)) == {RECEIVED}


# ------------------------------------------------------------------ refusals
DOCTYPES = {
    "doctype": b'<?xml version="1.0"?><!DOCTYPE data [<!ELEMENT data ANY>]><data/>',
    "billion-laughs": (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                       b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                       b'<data id="household_registration">&lol2;</data>'),
    "external-entity": (b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY x SYSTEM '
                        b'"file:///etc/passwd">]><data id="household_registration">&x;</data>'),
}


@pytest.mark.parametrize("xml", list(DOCTYPES.values()), ids=list(DOCTYPES))
def test_a_doctype_or_entity_is_refused(device, xml):
    response = device.submit(xml)
    assert response.status_code == 400
    assert "DOCTYPE" in openrosa_message(response)[1]
    assert stored() == (0, 0, 0, 0)


def test_a_doctype_inside_a_real_submission_is_refused(device):
    xml = collect_submission().replace(b"?>", b'?><!DOCTYPE data [<!ENTITY e "x">]>', 1)
    assert device.submit(xml).status_code == 400
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize("xml", [b"", b"<data", b"not xml at all", b"<data></dat>",
                                 b"\xff\xfe<\x00d\x00", collect_submission()[:-10]])
def test_malformed_xml_is_refused(device, xml):
    response = device.submit(xml)
    assert response.status_code == 400
    assert openrosa_message(response)[0] == "error"
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize(("replace", "field"), [
    ({'id="household_registration"': 'id="tracing_request"'}, "form"),
    ({'registration" version=': 'registration" data-version='}, "version"),
])
def test_a_submission_for_another_form_or_version_is_refused(device, replace, field):
    response = device.submit(collect_submission(replace=replace))
    assert response.status_code == 400
    assert openrosa_message(response)[1].startswith(f"{field}: ")
    assert stored() == (0, 0, 0, 0)


def test_an_old_version_of_the_form_is_refused_with_what_to_do(device):
    response = device.submit(collect_submission(version="2023092401"))
    assert response.status_code == 400
    assert "download the form again" in openrosa_message(response)[1]


def test_a_submission_without_instance_id_is_refused(device):
    xml = collect_submission(replace={f"<instanceID>{INSTANCE_ID}</instanceID>": ""})
    response = device.submit(xml)
    assert response.status_code == 400
    assert openrosa_message(response)[1] == "meta/instanceID: is missing"


def test_what_the_registry_refuses_is_refused_naming_the_field(device):
    xml = collect_submission(replace={"<birth_date>1975-03-15</birth_date>":
                                      "<birth_date>2024-03-15</birth_date>",
                                      "<phone>+374 97 123456</phone>": "<phone>call me</phone>"})
    response = device.submit(xml)
    assert response.status_code == 400
    message = openrosa_message(response)[1]
    assert "members[2].birth_date: is in the future" in message
    assert "phone: " in message
    assert stored() == (0, 0, 0, 0)


def test_a_size_that_is_not_a_number_is_refused(device):
    xml = collect_submission(replace={"<size/>": "<size>four</size>"})
    response = device.submit(xml)
    assert response.status_code == 400
    assert openrosa_message(response)[1] == "size: is not a whole number"


def test_a_body_over_the_limit_is_refused_before_it_is_read(device):
    big = b"\0" * (MAX_SUBMISSION_BYTES + 1)
    response = device.submit(collect_submission(), attachments=[("v.mp4", "video/mp4", big)])
    assert response.status_code == 413
    assert "MB" in openrosa_message(response)[1]
    assert stored() == (0, 0, 0, 0)


def test_a_form_over_one_megabyte_is_refused(device):
    padding = "<!--" + "x" * (1024 * 1024) + "-->"
    response = device.submit(collect_submission(replace={"<intro/>": "<intro/>" + padding}))
    assert response.status_code == 413
    assert stored() == (0, 0, 0, 0)


def test_a_submission_without_the_openrosa_header_is_refused(users):
    response = Device(username="registrar-goris", openrosa_version=None).submit(
        collect_submission())
    assert response.status_code == 400
    assert stored() == (0, 0, 0, 0)


def test_a_post_that_is_not_multipart_or_lacks_the_xml_part_is_refused(device):
    plain = device.client.post("/openrosa/goris/submission", collect_submission(),
                               content_type="text/xml", headers=device._headers(), secure=True)
    assert plain.status_code == 400
    assert "multipart/form-data" in openrosa_message(plain)[1]
    only_a_photo = device.client.post(
        "/openrosa/goris/submission", {"photo.jpg": b"\xff\xd8"},
        headers=device._headers(), secure=True)
    assert only_a_photo.status_code == 400
    assert "xml_submission_file" in openrosa_message(only_a_photo)[1]
    broken = device.client.generic(
        "POST", "/openrosa/goris/submission", data=b"--x\r\nnonsense",
        content_type="multipart/form-data; boundary=x", headers=device._headers(),
        secure=True)
    assert broken.status_code == 400


def test_the_form_sent_as_a_plain_field_is_taken_too(device):
    response = device.client.post(
        "/openrosa/goris/submission", {"xml_submission_file": collect_submission().decode()},
        headers=device._headers(), secure=True)
    assert response.status_code == 201
    assert stored() == (1, 4, 4, 1)


def test_nothing_is_written_to_history_for_a_refused_submission(device):
    device.submit(collect_submission(replace={"<sex>female</sex>": "<sex>f</sex>"}))
    assert not RecordChange.objects.exists()
