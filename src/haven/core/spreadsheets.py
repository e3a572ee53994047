"""Cells that a spreadsheet shows as text and never runs: one rule for every export.

A CSV or XLSX file that Haven writes is opened in Excel or LibreOffice by someone else.
A text that starts with `=`, `+`, `-`, `@`, `|` or `%` is read there as a formula (or as
DDE, `|`), so a site, a file's column or a name typed as `=HYPERLINK("http://…","Click")`
would run in the reader's spreadsheet (CSV or formula injection). Spreadsheets skip
leading spaces, tabs, line breaks and a byte-order mark before deciding, so those do not
make a text safe either.

    spreadsheet_text(value)      the one rule: such a text gets a leading apostrophe,
                                 which spreadsheets take as "this cell is text"
    csv_cells(values)            a row for csv.writer: every text cell through the rule
    xlsx_append(sheet, values)   a row for an openpyxl sheet: every text cell through the
                                 rule and stored as a string (never a formula), dates as
                                 dates

Numbers are left as numbers: only text is a formula's way in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

# What makes a spreadsheet read a cell as a formula (or DDE): ASCII, and the full-width
# forms some spreadsheets fold to ASCII.
FORMULA_STARTS = frozenset("=+-@|%\uff1d\uff0b\uff0d\uff20")
# What a spreadsheet skips before it looks at the first character.
_SKIPPED = " \t\r\n\v\f\u00a0\ufeff\u200b"
DATE_FORMAT = "yyyy-mm-dd"


def spreadsheet_text(value: str) -> str:
    """Return `value` as a spreadsheet must show it: as text, never run as a formula.

    A text whose first character, after any spaces, tabs, line breaks or byte-order
    mark, is one of `= + - @ | %` (or a tab or carriage return itself) gets a leading
    apostrophe.
    """
    if not value:
        return value
    if value[0] in "\t\r" or value.lstrip(_SKIPPED)[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_cells(values: Iterable[Any]) -> list[Any]:
    """Return a row for `csv.writer`: text through `spreadsheet_text`, the rest as given."""
    return [spreadsheet_text(v) if isinstance(v, str) else v for v in values]


def xlsx_append(sheet: Any, values: Sequence[Any]) -> None:
    """Append a row to an openpyxl worksheet: text as strings, dates as dates, numbers as numbers.

    openpyxl stores a text that starts with `=` as a formula; here every text cell goes
    through `spreadsheet_text` and is typed as a string, so no cell is ever a formula.
    """
    from openpyxl.cell.cell import Cell  # noqa: PLC0415 - only when writing a workbook

    cells: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = Cell(sheet, value=spreadsheet_text(value))
            cell.data_type = "s"  # set after the value: openpyxl types "=..." as a formula
            cells.append(cell)
        elif isinstance(value, dt.date):
            cell = Cell(sheet, value=value)
            cell.number_format = DATE_FORMAT
            cells.append(cell)
        else:
            cells.append(value)
    sheet.append(cells)
