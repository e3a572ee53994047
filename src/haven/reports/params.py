"""Read a report's date and sites from a request's query, the same way for pages and API."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from haven.core import clock, http
from haven.core.errors import ValidationFailed
from haven.reports.exports import FORMATS, TABLES
from haven.reports.services import report_zone

MAX_SITES = 50


def report_today() -> dt.date:
    """Return today's local date in the report's time zone."""
    return clock.now().astimezone(report_zone()).date()


def parse_date(text: str | None) -> dt.date:
    """Return the report date from YYYY-MM-DD ('' means today); ValidationFailed names `date`."""
    return http.parse_date(text, field="date", default=report_today())


def parse_sites(values: list[str]) -> list[str]:
    sites = [v.strip().lower() for v in values if v.strip()]
    if len(sites) > MAX_SITES:
        raise ValidationFailed.single("site", _("too many sites"))
    return sites


def parse_table(text: str | None) -> str:
    table = (text or "sites").strip().lower()
    if table not in TABLES:
        raise ValidationFailed.single("table", _("use sites or dtm"))
    return table


def parse_format(text: str | None) -> str:
    fmt = (text or "json").strip().lower()
    if fmt not in FORMATS:
        raise ValidationFailed.single("format", _("use json, csv or xlsx"))
    return fmt


def parse_flag(text: str | None, *, field: str) -> bool:
    """Return a yes/no query value (1, true, yes, on / 0, false, no, off, empty)."""
    value = (text or "").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    raise ValidationFailed.single(field, _("use 1 or 0"))
