"""Reading submission XML into the registration input, and the arrival time it implies."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.core.errors import ValidationFailed
from haven.intake.openrosa.parsing import instance_form, instance_parse, submission_read
from haven.intake.openrosa.services import arrival_time
from haven.intake.tests.test_openrosa_recordings import (
    INSTANCE_ID,
    collect_submission,
    enketo_edit,
)


def read(xml: bytes):
    return submission_read(instance_parse(xml))


def test_a_collect_submission_becomes_the_registration_input():
    parsed = read(collect_submission(version="v1"))
    assert (parsed.form_id, parsed.version) == ("household_registration", "v1")
    assert (parsed.instance_id, parsed.deprecated_id) == (INSTANCE_ID, "")
    assert parsed.started_at == dt.datetime(2023, 9, 28, 6, 15, 3, 412000, tzinfo=dt.UTC)
    household = parsed.household
    assert (household.site, household.place_of_origin, household.phone, household.size) == (
        "", "Ստեփանակերտ", "+374 97 123456", None)
    assert [(m.birth_date, m.estimated_age) for m in household.members] == [
        ("1948", None), ("", 78), ("1975-03-15", None), ("2016-05", None)]
    assert [list(m.vulnerabilities) for m in household.members] == [
        ["chronic_illness"], [], ["injured", "burns"], []]
    assert household.members[2].patronymic == "Сергеевич"


def test_an_enketo_edit_with_a_default_namespace_and_orx_meta_is_read_alike():
    parsed = read(enketo_edit(instance_id="uuid:new", size="5"))
    assert (parsed.instance_id, parsed.deprecated_id) == ("uuid:new", INSTANCE_ID)
    assert parsed.household.size == 5
    assert len(parsed.household.members) == 4
    assert instance_form(instance_parse(enketo_edit()))[0] == "household_registration"


def test_a_repeat_template_left_in_the_xml_is_not_a_member():
    xml = collect_submission(replace={"<members>": '<members jr:template="">'})
    assert len(read(xml).household.members) == 3


@pytest.mark.parametrize(("replace", "key"), [
    ({"<estimated_age>78</estimated_age>": "<estimated_age>about 78</estimated_age>"},
     "members[1].estimated_age"),
    ({"<birth_date_precision>year</birth_date_precision>":
      "<birth_date_precision>decade</birth_date_precision>"}, "members[0].birth_date_precision"),
    ({f"<instanceID>{INSTANCE_ID}</instanceID>": f"<instanceID>uuid:{'x' * 200}</instanceID>"},
     "meta/instanceID"),
])
def test_values_of_the_wrong_kind_are_refused_by_name(replace, key):
    with pytest.raises(ValidationFailed) as refused:
        read(collect_submission(version="v1", replace=replace))
    assert key in refused.value.errors


def test_an_unknown_birth_precision_with_no_answer_leaves_the_date_unknown():
    xml = collect_submission(version="v1", replace={
        "<birth_date_precision>year</birth_date_precision>": "<birth_date_precision/>"})
    assert read(xml).household.members[0].birth_date == ""


RECEIVED = dt.datetime(2023, 9, 28, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("2023-09-28T10:15:00+04:00", "", dt.datetime(2023, 9, 28, 6, 15, tzinfo=dt.UTC)),
    ("", "2023-09-27T23:00:00+04:00", dt.datetime(2023, 9, 27, 19, 0, tzinfo=dt.UTC)),
    ("1970-01-01T00:00:00Z", "", RECEIVED),  # a reset clock
    ("2023-09-28T12:05:00Z", "", RECEIVED),  # a few minutes fast: not after the receipt
    ("2024-09-28T12:00:00Z", "", RECEIVED),  # a year fast
    ("2023-09-28T10:15:00", "", RECEIVED),  # no offset: when was that?
    ("yesterday", "", RECEIVED),
])
def test_the_arrival_is_when_the_form_was_started_if_the_clock_is_believable(start, end,
                                                                             expected):
    xml = collect_submission(version="v1", start=start, replace={
        "<end>2023-09-28T10:16:41.087+04:00</end>": f"<end>{end}</end>"})
    assert arrival_time(read(xml), RECEIVED) == expected
