"""One strict parser for URL, query and posted numbers and dates (haven.core.http)."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.core.errors import ValidationFailed
from haven.core.http import parse_count, parse_date, parse_id, parse_int, parse_page


@pytest.mark.parametrize("text", ["²", "٣", "１", "9" * 19, "-1", "1.0", "x", " ", "1e3"])
def test_only_ascii_digits_within_bounds_are_numbers(text):
    with pytest.raises(ValidationFailed) as refused:
        parse_int(text, field="row")
    assert list(refused.value.errors) == ["row"]
    assert parse_id(text) is None
    assert parse_count(text) is None


def test_numbers_and_pages():
    assert parse_int("42", field="row") == 42
    assert parse_int("", field="row", default=1) == 1
    assert parse_page(None) == 1
    assert parse_page("3") == 3
    with pytest.raises(ValidationFailed):
        parse_page("0")
    with pytest.raises(ValidationFailed):
        parse_page("²")
    assert parse_id("12") == 12
    assert parse_id("9" * 30) is None
    assert parse_count("12") == 12
    assert parse_count("9" * 10) is None


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "2023-02-31", "2023-9-1",
                                  "２０２３-09-01", "2023-09-01T00:00", "x" * 10_000])
def test_dates_are_iso_ascii_and_bounded(text):
    with pytest.raises(ValidationFailed) as refused:
        parse_date(text, field="date")
    assert list(refused.value.errors) == ["date"]


def test_a_date_and_its_default():
    assert parse_date("2023-09-28", field="date") == dt.date(2023, 9, 28)
    assert parse_date("", field="date", default=dt.date(2023, 9, 1)) == dt.date(2023, 9, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "٣", "9" * 30])
def test_posted_counts_never_crash_a_page(users, sites, value):
    """A registration with a Unicode-digit age or size is refused or ignored, not a 500."""
    from haven.testing.factories import signed_in  # noqa: PLC0415

    response = signed_in(users["registrar"]).post("/households/new/", {
        "site": "goris", "size": value, "members-0-given_name": "Anahit",
        "members-0-family_name": "Vardanyan", "members-0-sex": "female",
        "members-0-relationship": "head", "members-0-estimated_age": value})
    assert response.status_code in {302, 422}
