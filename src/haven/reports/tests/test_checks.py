"""The suppression threshold: 5 by default, never below 3 (system check haven.E020)."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.reports.checks import check_suppression_threshold
from haven.reports.exports import sites_table
from haven.reports.services import sitrep_build
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
    report = sitrep_build(actor=actor_for(users["viewer"]), date=dt.date(2023, 9, 25))
    table = sites_table(report)
    assert table.suppressed_below == 10
    assert {row["site"]: row["individuals"] for row in table.rows}["Goris"] == "<10"
