"""System checks for the reports' settings (ids haven.E02x)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from haven.config.environment import env_str
from haven.reports.suppression import MINIMUM_THRESHOLD


@register()
def check_suppression_threshold(app_configs: Any, **kwargs: Any) -> list[Error]:
    # Below 3 a published "<2" would say "exactly 1": the person is as good as named.
    value = settings.REPORT_SUPPRESS_BELOW
    if isinstance(value, int) and value >= MINIMUM_THRESHOLD:
        return []
    given = env_str("HAVEN_REPORT_SUPPRESS_BELOW") or value
    return [Error(
        f"HAVEN_REPORT_SUPPRESS_BELOW must be a whole number of at least {MINIMUM_THRESHOLD} "
        f"(got {given}).",
        hint="Leave it unset for the default 5, or raise it; open data never shows small "
             "counts exactly.", id="haven.E020")]
