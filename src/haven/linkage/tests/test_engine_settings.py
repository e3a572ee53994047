"""The linkage thresholds are settings; a review threshold above the auto one is refused."""

from __future__ import annotations

import math
from typing import Any

import pytest

from haven.core.checks import check_link_thresholds


def _ids(settings: Any, upper: float, lower: float) -> list[str]:
    settings.LINK_AUTO_THRESHOLD = upper
    settings.LINK_REVIEW_THRESHOLD = lower
    return [error.id for error in check_link_thresholds(None)]


def test_defaults_pass(settings: Any) -> None:
    assert (settings.LINK_AUTO_THRESHOLD, settings.LINK_REVIEW_THRESHOLD) == (0.95, 0.80)
    assert check_link_thresholds(None) == []


def test_review_above_auto_is_refused(settings: Any) -> None:
    assert _ids(settings, 0.7, 0.8) == ["haven.E010"]
    assert _ids(settings, 0.8, 0.8) == []


@pytest.mark.parametrize("bad", [float("nan"), 1.5, -0.1])
def test_threshold_that_is_not_a_probability_is_refused(settings: Any, bad: float) -> None:
    assert _ids(settings, bad, 0.6) == ["haven.E011"]
    assert _ids(settings, 0.95, bad) == ["haven.E011"]


def test_environment_sets_the_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    from haven.config import settings as haven_settings  # noqa: PLC0415 - read per call

    monkeypatch.setenv("HAVEN_LINK_AUTO_THRESHOLD", "0.9")
    monkeypatch.setenv("HAVEN_LINK_REVIEW_THRESHOLD", "not a number")
    assert haven_settings._threshold("HAVEN_LINK_AUTO_THRESHOLD", 0.95) == 0.9
    value = haven_settings._threshold("HAVEN_LINK_REVIEW_THRESHOLD", 0.6)
    assert math.isnan(value)  # which haven.E011 reports
