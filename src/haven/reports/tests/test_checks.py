"""The suppression threshold: 5 by default, never below 3 (system check haven.E020)."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.registry.models import Site
from haven.reports.checks import (
    check_open_data_codes,
    check_open_data_codes_setting,
    check_suppression_threshold,
)
from haven.reports.exports import sites_table
from haven.reports.publication import geographies_for, publication_build
from haven.testing.factories import actor_for


def test_the_default_passes(settings):
    assert settings.REPORT_SUPPRESS_BELOW == 5
    assert check_suppression_threshold(None) == []


@pytest.mark.parametrize("value", [2, 0, -1])
def test_below_three_is_refused(settings, value):
    settings.REPORT_SUPPRESS_BELOW = value
    errors = check_suppression_threshold(None)
    assert [e.id for e in errors] == ["haven.E020"]
    assert "HAVEN_REPORT_SUPPRESS_BELOW" in errors[0].msg


@pytest.mark.django_db
def test_a_higher_threshold_is_used_by_the_exports(settings, registry, users):
    settings.REPORT_SUPPRESS_BELOW = 10
    publication = publication_build(date=dt.date(2023, 9, 25))
    table = sites_table(publication, geographies_for(publication,
                                                     actor=actor_for(users["viewer"])))
    assert table.suppressed_below == 10
    assert {row["site"]: row["suppressed"] for row in table.rows}["Kornidzor"] \
        .startswith("Persons arrived <10;")


def test_open_data_codes_are_iso_or_pcode(settings):
    assert check_open_data_codes_setting(None) == []
    settings.OPEN_DATA_CODES = "fips"
    assert [e.id for e in check_open_data_codes_setting(None)] == ["haven.E021"]


@pytest.mark.django_db
def test_p_codes_chosen_but_missing_warn_by_site(settings, sites):
    assert check_open_data_codes(None) == []  # ISO codes: nothing to set
    settings.OPEN_DATA_CODES = "pcode"
    Site.objects.exclude(slug="goris").update(pcode="AM09X", province_pcode="AM09")
    warnings = check_open_data_codes(None)
    assert [w.id for w in warnings] == ["haven.W022"]
    assert "goris" in warnings[0].msg
    assert "vayk" not in warnings[0].msg
