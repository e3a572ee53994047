"""Contributions as an HXL table for OCHA Financial Tracking Service-style reporting.

One row per contribution, its status and the date of that status; numbers as numbers,
text cells neutralised against spreadsheet formulas. Donor money carries no personal
data, so nothing is suppressed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from haven.aid.models import Contribution, ContributionKind
from haven.core.spreadsheets import spreadsheet_text


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # a lazy translation
    hashtag: str


COLUMNS = [
    Column("donor", _("Donor"), "#org+name"),
    Column("donor_kind", _("Donor type"), "#org+type"),
    Column("donor_country", _("Donor country"), "#country+code"),
    Column("status", _("Status"), "#status"),
    Column("date", _("Date"), "#date"),
    Column("value_usd", _("Value (USD)"), "#value+usd"),
    Column("amount", _("Amount in its currency"), "#value+original"),
    Column("currency", _("Currency"), "#currency"),
    Column("item", _("Item"), "#item+name"),
    Column("quantity", _("Quantity"), "#item+num"),
    Column("unit", _("Unit"), "#item+unit"),
    Column("sector", _("Sector"), "#sector"),
    Column("site", _("Earmarked site"), "#loc+name"),
    Column("need", _("Need"), "#description"),
]

def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def fts_table(contributions: list[Contribution]) -> list[dict[str, Any]]:
    """Return the export's rows (Python values; text already neutralised)."""
    rows = []
    for c in contributions:
        cash = c.kind == ContributionKind.CASH
        rows.append({
            "donor": spreadsheet_text(c.donor.name), "donor_kind": c.donor.kind,
            "donor_country": c.donor.country, "status": c.status,
            "date": c.status_date, "value_usd": _number(c.value_usd),
            "amount": _number(c.amount) if cash else None,
            "currency": c.currency if cash else "",
            "item": "" if cash else spreadsheet_text(c.item),
            "quantity": None if cash else _number(c.quantity),
            "unit": "" if cash else c.unit, "sector": c.sector,
            "site": c.site.slug if c.site else "", "need": spreadsheet_text(c.need),
        })
    return rows


def fts_csv(contributions: list[Contribution], *, bom: bool = False) -> str:
    """Return the table as CSV: headers, the HXL hashtag row, then one row per contribution."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([str(c.header) for c in COLUMNS])
    writer.writerow([c.hashtag for c in COLUMNS])
    for row in fts_table(contributions):
        writer.writerow(["" if row[c.key] is None else
                         row[c.key].isoformat() if hasattr(row[c.key], "isoformat")
                         else row[c.key] for c in COLUMNS])
    return ("\ufeff" if bom else "") + out.getvalue()


def fts_xlsx(contributions: list[Contribution]) -> bytes:
    """Return the table as an XLSX workbook: dates as dates, text always as text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = "contributions"
    sheet.append([str(c.header) for c in COLUMNS])
    sheet.append([c.hashtag for c in COLUMNS])
    for row in fts_table(contributions):
        values = [row[c.key] for c in COLUMNS]
        sheet.append(values)
        for cell, value in zip(sheet[sheet.max_row], values, strict=True):
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            elif hasattr(value, "isoformat"):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
