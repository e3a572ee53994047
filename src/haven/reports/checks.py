"""System checks for the reports' settings (ids haven.E02x)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

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


OPEN_DATA_CODES = ("iso", "pcode")


@register()
def check_open_data_codes_setting(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Refuse an unknown code system for open data."""
    value = settings.OPEN_DATA_CODES
    if value in OPEN_DATA_CODES:
        return []
    return [Error(f"HAVEN_OPEN_DATA_CODES must be iso or pcode (got {value!r}).",
                  hint="Leave it unset for ISO 3166-2 province codes.", id="haven.E021")]


@register(Tags.database)
def check_open_data_codes(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Warn when p-codes are chosen for open data and an active site has none."""
    if settings.OPEN_DATA_CODES != "pcode":
        return []
    from django.db import DatabaseError  # noqa: PLC0415 - only when p-codes are chosen

    from haven.registry.selectors import site_list  # noqa: PLC0415

    try:
        missing = [s.slug for s in site_list() if s.is_active
                   and not (s.pcode and s.province_pcode)]
    except DatabaseError:  # no tables yet: `haven migrate` has not run
        return []
    if not missing:
        return []
    return [Warning(
        f"HAVEN_OPEN_DATA_CODES=pcode, but these sites have no p-code or province p-code: "
        f"{', '.join(missing[:10])}.",
        hint="Set them on each site's page (Sites); open data leaves those codes empty.",
        id="haven.W022")]
