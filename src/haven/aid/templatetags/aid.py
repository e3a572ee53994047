"""Numbers of the aid pages, in the reader's language."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format

from haven.aid.models import Unit

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    """Write 1500000.000 as 1,500,000 and 12.500 as 12.5 (grouped as the language does)."""
    if value is None:
        return "—"
    plain = value.normalize() if value != value.to_integral_value() else value.quantize(1)
    return str(number_format(plain, use_l10n=True, force_grouping=True))


@register.filter
def usd(value: Decimal | None) -> str:
    """Write a sum in US dollars, whole dollars, grouped: $11,500,000."""
    if value is None:
        return "—"
    return "$" + str(intcomma(int(value.quantize(Decimal(1)))))


@register.filter
def unit_label(code: str) -> str:
    try:
        return str(Unit(code).label)
    except ValueError:
        return code
