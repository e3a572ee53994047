"""Open data: HXL that HXL tools accept — numbers only, suppression in its own column, codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import hxl
import openpyxl
import pytest

from haven.registry.models import Site
from haven.reports import exports
from haven.reports.publication import geographies_for, publication_build
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db
SEP25 = dt.date(2023, 9, 25)
HXLVALIDATE = Path(sys.executable).with_name("hxlvalidate")
CORE_SCHEMA = Path(hxl.__file__).with_name("hxl-default-schema.json")
# libhxl's XLSX reader imports a deprecated defusedxml module (not Haven's code).
XLSX_WARNING = "ignore:defusedxml.cElementTree is deprecated:DeprecationWarning"


def tables(users, *, threshold: int = 5, role: str = "coordinator", date=SEP25):
    publication = publication_build(date=date, threshold=threshold)
    geographies = geographies_for(publication, actor=actor_for(users[role]))
    return (exports.sites_table(publication, geographies),
            exports.dtm_table(publication, geographies))


def cell(row, tag: str) -> str:
    """Return the row's value in the first column with `tag` (libhxl's `get` skips empty ones)."""
    return row.get(tag, index=0) or ""


def read_hxl(path):
    """Parse the file with libhxl; read it whole (.cache()) so the file can be closed."""
    with open(path, "rb") as handle:
        data = hxl.data(handle, hxl.InputOptions(allow_local=True)).cache()
        assert data.values  # read every row now, while the file is open
        return data


def test_the_sites_table_has_a_row_per_site_province_and_all(registry, users, tmp_path):
    sites, _dtm = tables(users)
    path = tmp_path / "sites.csv"
    path.write_text(exports.table_csv(sites))
    data = read_hxl(path)
    for tag in ("#date+reported", "#loc+name", "#loc+code", "#adm1+name", "#adm1+code",
                "#affected+displaced+ind", "#affected+displaced+ind+f",
                "#affected+displaced+ind+m", "#affected+displaced+ind+children",
                "#affected+displaced+ind+adults", "#affected+displaced+ind+elderly",
                "#affected+killed", "#affected+injured", "#meta+suppressed", "#meta+source"):
        assert tag in data.display_tags, tag
    rows = {(cell(r, "#meta+level"), cell(r, "#loc+name") or cell(r, "#adm1+name")): r
            for r in data}
    assert set(rows) == {("site", "Kornidzor"), ("site", "Goris"), ("site", "Vayk"),
                         ("province", "Syunik"), ("all", "All sites")}
    assert {cell(row, "#date+reported") for row in data} == {"2023-09-25"}
    assert cell(rows[("site", "Goris")], "#loc+code") == "goris"
    assert cell(rows[("province", "Syunik")], "#adm1+code") == "AM-SU"


def test_counts_are_numbers_and_suppression_has_its_own_column(registry, users, tmp_path):
    sites, _dtm = tables(users)
    path = tmp_path / "sites.csv"
    path.write_text(exports.table_csv(sites))
    data = read_hxl(path)
    counts = [i for i, column in enumerate(data.columns) if column.tag == "#affected"]
    assert len(counts) == 10
    for row in data:
        for index in counts:
            assert re.fullmatch(r"\d*", row.values[index] or ""), row.values
    goris = next(r for r in data if cell(r, "#loc+name") == "Goris")
    # Goris' 3 persons are below 5: the cell is empty and the suppressed column says why.
    assert cell(goris, "#affected+displaced+ind") == ""
    assert "Persons arrived <5" in cell(goris, "#meta+suppressed")
    vayk = next(r for r in data if cell(r, "#loc+name") == "Vayk")
    assert cell(vayk, "#affected+displaced+ind") == "0"  # zero is not sensitive
    assert cell(vayk, "#meta+suppressed") == ""
    # The header of the suppressed column is the note that explains the marks.
    header = next(csv.reader(io.StringIO(path.read_text())))
    assert "<5: a count from 1 to 4" in header[-2]
    assert "x: withheld" in header[-2]


def test_with_a_threshold_of_three_lines_never_hold_one_withheld_cell(registry, users):
    sites, _dtm = tables(users, threshold=3)
    rows = {(r["level"], r["site"] or r["province"]): r for r in sites.rows}
    assert rows[("site", "Kornidzor")]["individuals"] == 5
    assert rows[("site", "Kornidzor")]["killed"] is None
    assert "Deaths <3" in rows[("site", "Kornidzor")]["suppressed"]
    assert rows[("all", "All sites")]["individuals"] == 5
    for row in sites.rows:
        for group in (("female", "male", "sex_unknown", "individuals"),
                      ("children", "adults", "elderly", "age_unknown", "individuals")):
            hidden = [k for k in group if row[k] is None]
            assert len(hidden) != 1, (row["site"], group, hidden)


def test_the_dtm_series_has_a_row_per_geography_and_day(registry, users, tmp_path):
    _sites, dtm = tables(users, threshold=3)
    path = tmp_path / "dtm.csv"
    path.write_text(exports.table_csv(dtm))
    data = read_hxl(path)
    rows = [(cell(r, "#meta+level"), cell(r, "#loc+code"), cell(r, "#date+reported"),
             cell(r, "#affected+ind"), cell(r, "#affected+ind+new")) for r in data]
    assert ("site", "goris", "2023-09-25", "3", "3") in rows
    # Kornidzor's 2 new on the 25th are small; the 24th's 3 would give them away
    # (5 - 3), so they are withheld too, and with them the 24th's new arrivals.
    assert ("site", "kornidzor", "2023-09-25", "5", "") in rows
    assert ("site", "kornidzor", "2023-09-24", "", "") in rows
    assert {r[1] for r in rows if r[0] == "site"} == {"kornidzor", "goris"}
    assert {r[0] for r in rows} == {"site", "province", "all"}
    assert all(cell(r, "#adm1+name") == "Syunik" for r in data)


def test_xlsx_types_its_cells_dates_as_dates_counts_as_numbers(registry, users):
    sites, _dtm = tables(users)
    sheet = openpyxl.load_workbook(io.BytesIO(exports.table_xlsx(sites))).active
    assert [c.value for c in sheet[2]][:3] == ["#date+reported", "#loc+name", "#adm1+name"]
    header = [c.value for c in sheet[1]]
    vayk = next(row for row in sheet.iter_rows(min_row=3) if row[1].value == "Vayk")
    date = vayk[header.index("Date")]
    assert date.is_date
    assert date.value.date() == SEP25
    assert date.number_format == "yyyy-mm-dd"
    persons = vayk[header.index("Persons arrived")]
    assert persons.data_type == "n"
    assert persons.value == 0
    assert all(c.data_type == "s" for c in sheet[1])


def test_csv_has_a_byte_order_mark_on_request(registry, users):
    sites, _dtm = tables(users)
    assert not exports.table_csv(sites).startswith("\ufeff")
    text = exports.table_csv(sites, bom=True)
    assert text.startswith("\ufeffDate,Site,")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_p_codes_when_the_deployment_chooses_them(registry, users, settings):
    Site.objects.filter(slug="goris").update(pcode="AM09GORIS", province_pcode="AM09")
    sites, _dtm = tables(users)
    goris = next(r for r in sites.rows if r["site"] == "Goris")
    assert (goris["site_code"], goris["province_code"]) == ("goris", "AM-SU")
    settings.OPEN_DATA_CODES = "pcode"
    sites, dtm = tables(users)
    goris = next(r for r in sites.rows if r["site"] == "Goris")
    assert (goris["site_code"], goris["province_code"]) == ("AM09GORIS", "AM09")
    province = next(r for r in sites.rows if r["level"] == "province")
    assert province["province_code"] == "AM09"
    assert {r["admin1_code"] for r in dtm.rows if r["site_code"] == "AM09GORIS"} == {"AM09"}


@pytest.mark.filterwarnings(XLSX_WARNING)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", ["sites", "dtm"])
def test_hxlvalidate_with_the_core_schema_finds_no_error(registry, users, tmp_path, fmt, name):
    """libhxl's own command, with HXL's core schema: a count must be a number, a date a date."""
    sites, dtm = tables(users)
    table = sites if name == "sites" else dtm
    assert any(row["suppressed"] for row in table.rows)  # there is something to withhold
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "csv":
        path.write_text(exports.table_csv(table), encoding="utf-8")
    else:
        path.write_bytes(exports.table_xlsx(table))
    result = subprocess.run(
        [str(HXLVALIDATE), "-s", str(CORE_SCHEMA), "-e", "error", str(path)],
        capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout


def test_hxlvalidate_refuses_what_open_data_published_before(tmp_path):
    """The check above can fail: a '<5' in a count column is an error for the core schema."""
    path = tmp_path / "before.csv"
    path.write_text("Date,Persons\n#date+reported,#affected+displaced+ind\n2023-09-25,<5\n")
    result = subprocess.run(
        [str(HXLVALIDATE), "-s", str(CORE_SCHEMA), "-e", "error", str(path)],
        capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 1
    assert "Expected a number" in result.stdout


def test_no_personal_data_in_any_export(registry, users):
    sites, dtm = tables(users)
    text = exports.table_csv(sites) + exports.table_csv(dtm)
    for person in registry["a"].members.all():
        assert person.given_name not in text
        assert person.code not in text
    assert not re.search(r"HVN-", text)
