"""Submissions and requests shaped exactly as ODK Collect and Enketo send them.

`COLLECT_SUBMISSION` is a household registration as ODK Collect (v2023.2, JavaRosa)
writes it to the device and sends it: single-quoted XML declaration, no default
namespace, no whitespace between elements, every question present (the ones not asked
left empty), a `month-year` date as the first of the month, `select_multiple` answers
separated by spaces. `ENKETO_EDIT` is an edit as Enketo sends it, with the XForms
namespace as default and `orx:` meta. `Device` speaks to the server as Collect's
OkHttp client does: `X-OpenRosa-Version`, `Date`, Basic auth, and a multipart body whose
parts carry their own Content-Type and Content-Length.

The other test modules import these; the tests here check the recordings themselves
against the form, so a form change that would break real devices breaks them first.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils.http import http_date

from haven.intake.openrosa.form import household_xform
from haven.testing.factories import PASSWORD

INSTANCE_ID = "uuid:6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
START = "2023-09-28T10:15:03.412+04:00"

# Anahit (Armenian script, year of birth only), her husband (age estimated), their son
# (Russian spelling from a Soviet passport, full date, burned at Berkadzor) and their
# granddaughter (year and month).
COLLECT_SUBMISSION = (
    "<?xml version='1.0' ?>"
    '<data id="household_registration" version="{version}" '
    'xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" '
    'xmlns:orx="http://openrosa.org/xforms" xmlns:odk="http://www.opendatakit.org/xforms" '
    'xmlns:ev="http://www.w3.org/2001/xml-events" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
    "<start>{start}</start><end>2023-09-28T10:16:41.087+04:00</end><intro/>"
    "<household><place_of_origin>Ստեփանակերտ</place_of_origin>"
    "<phone>+374 97 123456</phone><size/></household>"
    "<members><given_name>Անահիտ</given_name><family_name>Վարդանյան</family_name>"
    "<patronymic/><sex>female</sex><birth_date_precision>year</birth_date_precision>"
    "<birth_date/><birth_month/><birth_year>1948</birth_year><estimated_age/>"
    "<relationship>head</relationship><document_type>internal_passport</document_type>"
    "<document_number>IV-АГ 123456</document_number>"
    "<vulnerabilities>chronic_illness</vulnerabilities></members>"
    "<members><given_name>Սերգեյ</given_name><family_name>Վարդանյան</family_name>"
    "<patronymic/><sex>male</sex><birth_date_precision>estimated</birth_date_precision>"
    "<birth_date/><birth_month/><birth_year/><estimated_age>78</estimated_age>"
    "<relationship>spouse</relationship><document_type>none</document_type>"
    "<document_number/><vulnerabilities/></members>"
    "<members><given_name>Тигран</given_name><family_name>Варданян</family_name>"
    "<patronymic>Сергеевич</patronymic><sex>male</sex>"
    "<birth_date_precision>day</birth_date_precision><birth_date>1975-03-15</birth_date>"
    "<birth_month/><birth_year/><estimated_age/><relationship>child</relationship>"
    "<document_type>passport</document_type><document_number>AN0123456</document_number>"
    "<vulnerabilities>injured burns</vulnerabilities></members>"
    "<members><given_name>Nare</given_name><family_name>Vardanyan</family_name>"
    "<patronymic/><sex>female</sex><birth_date_precision>month</birth_date_precision>"
    "<birth_date/><birth_month>2016-05-01</birth_month><birth_year/><estimated_age/>"
    "<relationship>grandchild</relationship><document_type>none</document_type>"
    "<document_number/><vulnerabilities/></members>"
    "<meta><instanceID>{instance_id}</instanceID>"
    "<instanceName>Վարդանյան Անահիտ</instanceName></meta></data>"
)

# Enketo's edit of a submission: the same household, the head's place of origin
# corrected; `deprecatedID` names the submission it replaces.
ENKETO_EDIT = (
    '<data xmlns="http://www.w3.org/2002/xforms" xmlns:jr="http://openrosa.org/javarosa" '
    'xmlns:orx="http://openrosa.org/xforms" id="household_registration" version="{version}">'
    "<start>2023-09-28T11:02:10.001+04:00</start><end>2023-09-28T11:03:00.250+04:00</end>"
    "<intro/><household><place_of_origin>{place}</place_of_origin>"
    "<phone>+374 97 123456</phone><size>{size}</size></household>"
    "<members><given_name>Անահիտ</given_name><family_name>Վարդանյան</family_name>"
    "<patronymic/><sex>female</sex><birth_date_precision>year</birth_date_precision>"
    "<birth_date/><birth_month/><birth_year>1948</birth_year><estimated_age/>"
    "<relationship>head</relationship><document_type>internal_passport</document_type>"
    "<document_number>IV-АГ 123456</document_number>"
    "<vulnerabilities>chronic_illness</vulnerabilities></members>"
    "<members><given_name>Սերգեյ</given_name><family_name>Վարդանյան</family_name>"
    "<patronymic/><sex>male</sex><birth_date_precision>estimated</birth_date_precision>"
    "<birth_date/><birth_month/><birth_year/><estimated_age>78</estimated_age>"
    "<relationship>spouse</relationship><document_type>none</document_type>"
    "<document_number/><vulnerabilities/></members>"
    "<members><given_name>{son}</given_name><family_name>Варданян</family_name>"
    "<patronymic>Сергеевич</patronymic><sex>male</sex>"
    "<birth_date_precision>day</birth_date_precision><birth_date>1975-03-15</birth_date>"
    "<birth_month/><birth_year/><estimated_age/><relationship>child</relationship>"
    "<document_type>passport</document_type><document_number>AN0123456</document_number>"
    "<vulnerabilities>{son_vulnerabilities}</vulnerabilities></members>"
    "<members><given_name>Nare</given_name><family_name>Vardanyan</family_name>"
    "<patronymic/><sex>female</sex><birth_date_precision>month</birth_date_precision>"
    "<birth_date/><birth_month>2016-05-01</birth_month><birth_year/><estimated_age/>"
    "<relationship>grandchild</relationship><document_type>none</document_type>"
    "<document_number/><vulnerabilities/></members>{extra_member}"
    "<orx:meta><orx:instanceID>{instance_id}</orx:instanceID>"
    "<orx:instanceName>Վարդանյան Անահիտ</orx:instanceName>"
    "<orx:deprecatedID>{deprecated_id}</orx:deprecatedID></orx:meta></data>"
)

EXTRA_MEMBER = (
    "<members><given_name>Gor</given_name><family_name>Vardanyan</family_name>"
    "<patronymic/><sex>male</sex><birth_date_precision>year</birth_date_precision>"
    "<birth_date/><birth_month/><birth_year>2019</birth_year><estimated_age/>"
    "<relationship>grandchild</relationship><document_type>none</document_type>"
    "<document_number/><vulnerabilities/></members>"
)


def collect_submission(*, instance_id: str = INSTANCE_ID, version: str | None = None,
                       start: str = START, replace: dict[str, str] | None = None) -> bytes:
    """Return the recorded Collect submission, with the current form version by default."""
    text = COLLECT_SUBMISSION.format(
        version=household_xform().version if version is None else version,
        instance_id=instance_id, start=start)
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.encode("utf-8")


def enketo_edit(*, deprecated_id: str = INSTANCE_ID, instance_id: str = "",
                place: str = "Stepanakert", son: str = "Тигран",
                son_vulnerabilities: str = "injured burns", size: str = "",
                extra_member: bool = False) -> bytes:
    return ENKETO_EDIT.format(
        version=household_xform().version, instance_id=instance_id or f"uuid:{uuid.uuid4()}",
        deprecated_id=deprecated_id, place=place, son=son,
        son_vulnerabilities=son_vulnerabilities, size=size,
        extra_member=EXTRA_MEMBER if extra_member else "",
    ).encode("utf-8")


def basic(username: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class Device:
    """A phone running ODK Collect, pointed at one site's server address."""

    USER_AGENT = ("org.odk.collect.android/v2023.2.4 okhttp/4.11.0 Dalvik/2.1.0 "
                  "(Linux; U; Android 11; SM-A125F Build/RP1A.200720.012)")

    def __init__(self, *, username: str | None = None, password: str = PASSWORD,
                 site: str = "goris", token: str | None = None,
                 openrosa_version: str | None = "1.0") -> None:
        self.client = Client()
        self.server = f"/openrosa/key/{token}/{site}" if token else f"/openrosa/{site}"
        self.headers: dict[str, str] = {"User-Agent": self.USER_AGENT,
                                        "Accept-Encoding": "gzip"}
        if openrosa_version is not None:
            self.headers["X-OpenRosa-Version"] = openrosa_version
        if username is not None:
            self.headers["Authorization"] = basic(username, password)

    def _headers(self) -> dict[str, str]:
        return {**self.headers, "Date": http_date()}

    def get(self, path: str) -> Any:
        """GET a path under the server address, or an absolute URL the server gave."""
        url = path if path.startswith("http") else self.server + path
        return self.client.get(url, headers=self._headers(), secure=True)

    def head(self, path: str) -> Any:
        return self.client.head(self.server + path, headers=self._headers(), secure=True)

    def submit(self, xml: bytes, *, attachments: Sequence[tuple[str, str, bytes]] = (),
               incomplete: bool = False,
               filename: str = "Haven household registration_2023-09-28_10-15-03.xml") -> Any:
        """POST the form as Collect does: multipart, the XML first, then each file."""
        boundary = str(uuid.uuid4())
        parts = [("xml_submission_file", filename, "text/xml", xml)]
        parts += [(name, name, content_type, data) for name, content_type, data in attachments]
        body = b""
        for name, file_name, content_type, data in parts:
            body += (f"--{boundary}\r\n"
                     f'Content-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                     f"Content-Type: {content_type}\r\n"
                     f"Content-Length: {len(data)}\r\n\r\n").encode() + data + b"\r\n"
        if incomplete:  # Collect splits a submission that is over the server's limit
            body += (f"--{boundary}\r\n"
                     'Content-Disposition: form-data; name="*isIncomplete*"\r\n'
                     "Content-Length: 3\r\n\r\nyes\r\n").encode()
        body += f"--{boundary}--\r\n".encode()
        return self.client.generic(
            "POST", self.server + "/submission", data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
            headers=self._headers(), secure=True)


def openrosa_message(response: Any) -> tuple[str, str]:
    """Return (nature, text) of an OpenRosaResponse."""
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own server's answer
    assert root.tag == "{http://openrosa.org/http/response}OpenRosaResponse"
    message = root.find("{http://openrosa.org/http/response}message")
    assert message is not None
    return message.get("nature", ""), message.text or ""


def _instance_paths(element: ElementTree.Element, prefix: str = "") -> set[str]:
    paths = set()
    for child in element:
        name = child.tag.rsplit("}", 1)[-1]
        path = f"{prefix}/{name}"
        paths.add(path)
        paths |= _instance_paths(child, path)
    return paths


def _form_instance() -> ElementTree.Element:
    form = ElementTree.fromstring(household_xform().xml)  # noqa: S314 - our own form
    instance = form.find(".//{http://www.w3.org/2002/xforms}instance")
    assert instance is not None
    return instance[0]


@pytest.mark.parametrize("recording", [
    pytest.param(collect_submission, id="collect"),
    pytest.param(lambda: enketo_edit(instance_id="uuid:x"), id="enketo-edit"),
])
def test_recordings_have_exactly_the_form_s_elements(recording):
    """Every element the form's instance has is in the recording, and nothing else."""
    form_paths = _instance_paths(_form_instance())
    recorded = _instance_paths(ElementTree.fromstring(recording()))  # noqa: S314
    assert recorded - {"/meta/deprecatedID"} == form_paths


def test_recordings_name_the_form_and_its_current_version():
    root = ElementTree.fromstring(collect_submission())  # noqa: S314
    instance = _form_instance()
    assert root.get("id") == instance.get("id") == "household_registration"
    assert root.get("version") == instance.get("version") == household_xform().version
