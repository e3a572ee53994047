"""The FTS-style HXL export: valid for libhxl's own validator, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from haven.aid import selectors, services
from haven.aid.exports import fts_csv, fts_xlsx
from haven.testing.factories import signed_in

pytestmark = pytest.mark.django_db

HXLVALIDATE = Path(sys.executable).with_name("hxlvalidate")


@pytest.fixture
def table(contribute, kits, coordinator):
    services.donor_create(actor=coordinator, name="=HYPERLINK(\"http://x\")", kind="private")
    contribute(donor="=HYPERLINK(\"http://x\")", need="+shelter @once", site="goris")
    return selectors.fts_rows(actor=coordinator)


def test_the_csv_has_the_issues_hashtags_and_passes_hxlvalidate(table, tmp_path):
    text = fts_csv(table)
    rows = list(csv.reader(io.StringIO(text)))
    for tag in ("#org+name", "#value+usd", "#status", "#sector", "#date"):
        assert tag in rows[1]
    path = tmp_path / "aid.csv"
    path.write_text(text, encoding="utf-8")
    assert shutil.which(str(HXLVALIDATE)) or HXLVALIDATE.exists()
    result = subprocess.run([str(HXLVALIDATE), str(path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout


def test_text_that_looks_like_a_formula_is_written_as_text(table):
    rows = list(csv.reader(io.StringIO(fts_csv(table))))
    donors = [r[0] for r in rows[2:]]
    assert "'=HYPERLINK(\"http://x\")" in donors
    assert any(r[13] == "'+shelter @once" for r in rows[2:])
    book = load_workbook(io.BytesIO(fts_xlsx(table)))
    sheet = book.active
    cells = [row[0] for row in sheet.iter_rows(min_row=3)]
    assert all(c.data_type == "s" for c in cells)
    dates = [row[4].value for row in sheet.iter_rows(min_row=3)]
    assert all(isinstance(d, dt.datetime) for d in dates)


def test_the_csv_may_start_with_a_byte_order_mark_for_excel(table):
    assert fts_csv(table, bom=True).startswith("\ufeff")
    assert not fts_csv(table).startswith("\ufeff")


def test_the_export_pages_download_for_roles_with_figures(table, users):
    response = signed_in(users["viewer"]).get("/aid/export.csv?bom=1")
    assert response.status_code == 200
    assert response.content.decode("utf-8").startswith("\ufeffDonor")
    assert signed_in(users["auditor"]).get("/aid/export.xlsx").status_code == 403
