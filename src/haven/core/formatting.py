"""One way to write dates, times and numbers for people, in the active language.

Templates use Django's localisation (`{{ value }}`, `|date:"SHORT_DATE_FORMAT"`,
`|intcomma`), and every format name of a language gives the same shape of date
(haven/formats/<lang>/formats.py): "4 Dec 2026, 23:17" in English, "04.12.2026 23:17" in
Armenian and Russian. Python code that writes for people (chart axes, messages, files
read by people) calls the functions below instead of `strftime`, which is always English.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.dateformat import format as date_pattern
from django.utils.translation import get_language


def date_text(day: dt.date) -> str:
    """Return a date as the active language writes it (4 Dec 2026, 04.12.2026)."""
    return formats.date_format(day, "DATE_FORMAT")


def datetime_text(moment: dt.datetime) -> str:
    """Return a local date and time as the active language writes it."""
    from django.utils import timezone  # noqa: PLC0415 - beside its one use

    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def day_month(day: dt.date) -> str:
    """Return a short day and month for axes: 24 Sep, 24 սեպ, 24 сен (the month in words)."""
    if (get_language() or "en").startswith("en"):
        return date_pattern(day, "j M")
    return date_pattern(day, "j b")


def number_text(value: float, decimals: int = 0) -> str:
    """Return a number grouped by thousands the active language's way (12,345 / 12 345)."""
    return formats.number_format(round(value, decimals), decimal_pos=decimals or None,
                                 use_l10n=True, force_grouping=True)
