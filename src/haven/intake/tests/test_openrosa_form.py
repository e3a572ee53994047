"""The XLSForm in the repository, the XForm built from it, and the form list devices read."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from haven.accounts.services import device_create
from haven.intake.forms import build_xlsform
from haven.intake.openrosa.form import household_xform
from haven.intake.tests.test_openrosa_recordings import Device, openrosa_message
from haven.registry import vocabulary

XLSX = build_xlsform.XLSFORM_PATH
LIST_NS = "{http://openrosa.org/xforms/xformsList}"
LANGUAGE_COLUMNS = ["label::English (en)", "label::Armenian (hy)", "label::Russian (ru)"]


def cells(name: str) -> list[list[str]]:
    """Return a sheet of the XLSX as rows of strings ('' for an empty cell)."""
    workbook = load_workbook(XLSX, read_only=True)
    try:
        return [["" if v is None else str(v) for v in row]
                for row in workbook[name].iter_rows(values_only=True)]
    finally:
        workbook.close()  # a read-only workbook keeps its file open until closed


def sheet(name: str) -> list[dict[str, str]]:
    rows = cells(name)
    header = rows[0]
    return [{h: "" if v is None else str(v) for h, v in zip(header, row, strict=True)}
            for row in rows[1:]]


# ------------------------------------------------------------------ the XLSForm
def test_the_xlsx_is_what_the_generator_writes_for_the_survey_and_settings():
    """Edit build_xlsform.py and run it; a hand edit of the XLSX alone fails here."""
    for name, rows in (("survey", build_xlsform.survey_rows()),
                       ("settings", build_xlsform.settings_rows())):
        assert cells(name) == rows, name


def test_the_choices_are_the_registry_vocabulary_with_the_same_names():
    rows = sheet("choices")
    assert list(rows[0]) == ["list_name", "name", *LANGUAGE_COLUMNS]
    for list_name, class_name in build_xlsform.CHOICE_LISTS.items():
        choices = getattr(vocabulary, class_name)
        listed = [r for r in rows if r["list_name"] == list_name]
        assert [r["name"] for r in listed] == list(choices.values), list_name
        assert [r["label::English (en)"] for r in listed] == [str(lb) for lb in choices.labels]
        assert all(r["label::Armenian (hy)"] and r["label::Russian (ru)"] for r in listed)


def test_every_question_has_three_labels_and_every_answer_an_hxl_tag():
    rows = sheet("survey")
    assert {"hxl", *LANGUAGE_COLUMNS} <= set(rows[0])
    for row in rows:
        if row["type"] in {"end group", "end repeat"}:
            continue
        if row["type"] not in {"start", "end"}:
            assert all(row[c] for c in LANGUAGE_COLUMNS), row["name"]
        if row["type"] not in {"note", "begin group", "begin repeat"}:
            assert row["hxl"].startswith("#"), row["name"]
    assert [r["name"] for r in rows if r["type"] == "begin repeat"] == ["members"]


def test_the_generator_writes_the_same_bytes_for_the_same_form(tmp_path):
    """So the version, taken from the file's hash, changes only when the form does."""
    sheets = [("survey", build_xlsform.survey_rows()),
              ("settings", build_xlsform.settings_rows())]
    assert build_xlsform.workbook_bytes(sheets) == build_xlsform.workbook_bytes(sheets)


# ------------------------------------------------------------------ the XForm
def test_the_xform_is_built_with_the_xlsx_hash_as_its_version():
    form = household_xform()
    digest = hashlib.sha256(XLSX.read_bytes()).hexdigest()
    assert form.form_id == "household_registration"
    assert form.title == "Haven household registration"
    assert form.version == digest[:12]
    assert form.md5 == hashlib.md5(form.xml, usedforsecurity=False).hexdigest()
    root = ElementTree.fromstring(form.xml)  # noqa: S314 - our own form
    instance = root.find(".//{http://www.w3.org/2002/xforms}instance")
    assert instance is not None
    assert instance[0].get("version") == form.version
    assert instance[0].get("id") == form.form_id
    languages = {t.get("lang") for t in root.iter("{http://www.w3.org/2002/xforms}translation")}
    assert languages == {"English (en)", "Armenian (hy)", "Russian (ru)"}
    assert form.hxl["given_name"] == "#beneficiary+name+given"


def test_the_form_is_built_once_and_again_when_the_xlsx_changes(tmp_path: Path):
    copy = tmp_path / "form.xlsx"
    shutil.copy(XLSX, copy)
    first = household_xform(copy)
    assert household_xform(copy) is first
    settings = build_xlsform.settings_rows()
    settings[1][settings[0].index("form_title")] = "Haven household registration (test)"
    copy.write_bytes(build_xlsform.workbook_bytes([
        ("survey", build_xlsform.survey_rows()), ("choices", cells("choices")),
        ("settings", settings)]))
    changed = household_xform(copy)
    assert changed.version != first.version
    assert changed.md5 != first.md5
    assert changed.title.endswith("(test)")


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_the_form():
    from pyxform.xls2xform import convert  # noqa: PLC0415

    warnings: list[str] = []
    convert(xlsform=str(XLSX), warnings=warnings, validate=True)
    assert warnings == []


# ------------------------------------------------------------------ formList, form, manifest
def test_the_form_list_announces_the_form_as_odk_collect_reads_it(users):
    device = Device(username="registrar-goris")
    response = device.get("/formList")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response["X-OpenRosa-Version"] == "1.0"
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own server's answer
    assert root.tag == f"{LIST_NS}xforms"
    entries = root.findall(f"{LIST_NS}xform")
    # Registration, and beside it the arrivals at a hub by scanned card (haven.reception).
    assert [e.findtext(f"{LIST_NS}formID") for e in entries] == ["household_registration",
                                                                  "hub_arrival"]
    fields = {child.tag.removeprefix(LIST_NS): child.text for child in entries[0]}
    form = household_xform()
    assert fields["formID"] == "household_registration"
    assert fields["name"] == "Haven household registration"
    assert fields["version"] == form.version
    assert fields["downloadUrl"] == ("https://testserver/openrosa/goris/forms/"
                                     "household_registration/form.xml")
    assert fields["manifestUrl"] == ("https://testserver/openrosa/goris/forms/"
                                     "household_registration/manifest")
    downloaded = device.get(fields["downloadUrl"])
    assert downloaded.status_code == 200
    assert fields["hash"] == "md5:" + hashlib.md5(downloaded.content,
                                                   usedforsecurity=False).hexdigest()
    manifest = device.get(fields["manifestUrl"])
    assert manifest.status_code == 200
    root = ElementTree.fromstring(manifest.content)  # noqa: S314
    assert root.tag == "{http://openrosa.org/xforms/xformsManifest}manifest"
    assert list(root) == []


def test_a_token_device_gets_urls_that_keep_its_token(users):
    token = device_create(actor=None, site="goris", label="phone 7").secret
    device = Device(token=token)
    response = device.get("/formList")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314
    url = root.findtext(f"{LIST_NS}xform/{LIST_NS}downloadUrl")
    assert url == f"https://testserver/openrosa/key/{token}/goris/forms/household_registration/form.xml"
    assert device.get(url).content == household_xform().xml


def test_the_form_list_filtered_by_another_form_id_is_empty(users):
    response = Device(username="registrar-goris").get("/formList?formID=other")
    root = ElementTree.fromstring(response.content)  # noqa: S314
    assert response.status_code == 200
    assert list(root) == []


def test_an_unknown_form_is_not_found(users):
    device = Device(username="registrar-goris")
    assert device.get("/forms/other/form.xml").status_code == 404
    assert device.get("/forms/other/manifest").status_code == 404


def test_an_unknown_site_is_not_found(users):
    response = Device(username="coordinator", site="stepanakert").get("/formList")
    assert response.status_code == 404
    assert "stepanakert" in openrosa_message(response)[1]


def test_every_request_must_say_openrosa_version_1_0(users):
    response = Device(username="registrar-goris", openrosa_version=None).get("/formList")
    assert response.status_code == 400
    assert "X-OpenRosa-Version" in openrosa_message(response)[1]
    wrong = Device(username="registrar-goris", openrosa_version="2.0").get("/formList")
    assert wrong.status_code == 400


@pytest.mark.parametrize(("username", "site", "status"), [
    ("registrar-goris", "goris", 200),
    ("registrar-goris", "vayk", 403),  # another site's registrar
    ("protection-goris", "goris", 200),
    ("coordinator", "vayk", 200),  # every site
    ("tracing", "goris", 403),  # reads, never registers
    ("viewer", "goris", 403),
    ("admin", "goris", 403),
])
def test_a_device_user_works_only_for_the_sites_they_register_for(users, username, site,
                                                                  status):
    response = Device(username=username, site=site).get("/formList")
    assert response.status_code == status
    if status == 403:
        assert openrosa_message(response)[0] == "error"
