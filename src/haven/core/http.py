"""What every adapter shares at the HTTP edge: unknown parameters, strict values."""

from __future__ import annotations

import datetime as dt
import re

from django.http import HttpRequest
from django.utils.translation import gettext as _
from pydantic import BaseModel

from haven.core.errors import ValidationFailed


def reject_unknown_params(request: HttpRequest, schema: type[BaseModel]) -> None:
    """Refuse query parameters the endpoint does not know (a typo would silently widen a list)."""
    unknown = sorted(set(request.GET) - set(schema.model_fields))
    if unknown:
        raise ValidationFailed({name: ["is not a known parameter"] for name in unknown})


# ----- strict parsing of URL and query values -------------------------------------------
# One way to read a number or a date from a request, for pages and API alike. Python's
# int() and date.fromisoformat() accept more than a person types or a link carries:
# int("٣") is 3, "²".isdigit() is True yet int("²") fails, and year 1 passes
# fromisoformat only to overflow the first date arithmetic. These accept ASCII digits
# only, in bounded ranges, and raise ValidationFailed naming the field (a 400 on a page,
# haven.core.web.page; a 4xx JSON body on the API).

MAX_DIGITS = 18  # below 2**63: every database's integer column holds it
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_int(text: str | None, *, field: str, default: int | None = None, minimum: int = 0,
              maximum: int = 10**MAX_DIGITS - 1) -> int:
    """Return `text` as a whole number from `minimum` to `maximum` (ASCII digits only).

    Empty or missing gives `default` when there is one.
    """
    value = (text or "").strip()
    if not value and default is not None:
        return default
    if not value or len(value) > MAX_DIGITS or not (value.isascii() and value.isdigit()):
        raise ValidationFailed.single(field, _("must be a whole number"))
    number = int(value)
    if not minimum <= number <= maximum:
        raise ValidationFailed.single(
            field, _("must be from %(minimum)d to %(maximum)d")
            % {"minimum": minimum, "maximum": maximum})
    return number


def parse_page(text: str | None) -> int:
    """Return a page number (1 when absent)."""
    return parse_int(text, field="page", default=1, minimum=1, maximum=1_000_000)


def parse_date(text: str | None, *, field: str, default: dt.date | None = None,
               earliest: dt.date = EARLIEST, latest: dt.date = LATEST) -> dt.date:
    """Return `text` (YYYY-MM-DD, ASCII digits) as a date within [earliest, latest]."""
    value = (text or "").strip()
    if not value and default is not None:
        return default
    if not _ISO_DATE.fullmatch(value):
        raise ValidationFailed.single(field, _("use YYYY-MM-DD"))
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.single(field, _("is not a date in the calendar")) from None
    if not earliest <= day <= latest:
        raise ValidationFailed.single(
            field, _("must be from %(earliest)s to %(latest)s")
            % {"earliest": earliest.isoformat(), "latest": latest.isoformat()})
    return day


def parse_id(text: object) -> int | None:
    """Return a record number from a URL (ASCII digits, at most 18), else None: not found."""
    value = str(text).strip()
    if value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS:
        return int(value)
    return None


def parse_count(text: object, *, digits: int = 9) -> int | None:
    """Return a typed or posted count (ASCII digits, at most `digits`), else None."""
    value = str(text).strip()
    if value.isascii() and value.isdigit() and len(value) <= digits:
        return int(value)
    return None
