"""Open data: HXL-tagged CSV and XLSX read back through libhxl, suppressed, no personal data."""

from __future__ import annotations

import datetime as dt
import io
import re

import hxl
import openpyxl
import pytest

from haven.reports import exports
from haven.reports.services import sitrep_build
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db
SEP25 = dt.date(2023, 9, 25)


@pytest.fixture
def report(registry, users):
    return sitrep_build(actor=actor_for(users["coordinator"]), date=SEP25)


def read_hxl(path):
    """Parse the file with libhxl; read it whole (.cache()) so the file can be closed."""
    with open(path, "rb") as handle:
        data = hxl.data(handle, hxl.InputOptions(allow_local=True)).cache()
        assert data.values  # read every row now, while the file is open
        return data


def test_the_sites_csv_is_hxl_with_small_counts_suppressed(report, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(exports.table_csv(exports.sites_table(report, threshold=5)))
    data = read_hxl(path)
    tags = data.display_tags
    for tag in ("#date+reported", "#loc+name", "#adm1+name", "#affected+displaced+ind",
                "#affected+displaced+ind+f", "#affected+displaced+ind+m",
                "#affected+displaced+ind+children", "#affected+displaced+ind+elderly",
                "#affected+killed", "#affected+injured", "#meta+source"):
        assert tag in tags, tag
    rows = {row.get("#loc+name"): row for row in data}
    assert set(rows) == {"Kornidzor", "Goris", "Vayk", "All sites"}
    assert {row.get("#date+reported") for row in data} == {"2023-09-25"}
    # Goris' 3 persons are below 5; so that they cannot be subtracted out of the total,
    # a second cell of that column is withheld ("x"); Vayk's zeros stay zeros.
    persons = {site: row.get("#affected+displaced+ind") for site, row in rows.items()}
    assert persons["Goris"] == "<5"
    assert list(persons.values()).count("x") == 1
    assert rows["Kornidzor"].get("#affected+killed") == "<5"
    assert rows["Vayk"].get("#affected+displaced+ind") == "0"
    assert list(data.with_rows("#loc+name=Goris").gen_raw(show_headers=False))
    assert all(row.get("#adm1+name") == "Syunik" for row in data)


def test_with_a_threshold_of_three_small_cells_and_partners_are_withheld(report, tmp_path):
    table = exports.sites_table(report, threshold=3)
    rows = {row["site"]: row for row in table.rows}
    assert rows["Kornidzor"]["individuals"] == 5
    assert rows["Kornidzor"]["killed"] == "<3"
    assert rows["All sites"]["individuals"] == 5
    # Each line with one withheld cell gets a partner: no row group has exactly one.
    for row in table.rows:
        for group in (("female", "male", "sex_unknown", "individuals"),
                      ("children", "adults", "elderly", "age_unknown", "individuals")):
            hidden = [k for k in group if isinstance(row[k], str)]
            assert len(hidden) != 1, (row["site"], group, hidden)


# libhxl's XLSX reader imports a deprecated defusedxml module (not Haven's code).
@pytest.mark.filterwarnings("ignore:defusedxml.cElementTree is deprecated:DeprecationWarning")
def test_the_xlsx_carries_the_same_hashtag_row(report, tmp_path):
    path = tmp_path / "sites.xlsx"
    path.write_bytes(exports.table_xlsx(exports.sites_table(report, threshold=5)))
    data = read_hxl(path)
    assert "#affected+displaced+ind" in data.display_tags
    assert len(list(data)) == 4
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    assert [c.value for c in sheet[2]][:3] == ["#date+reported", "#loc+name", "#adm1+name"]


def test_the_dtm_series_has_a_row_per_site_and_day(report, tmp_path):
    path = tmp_path / "dtm.csv"
    path.write_text(exports.table_csv(exports.dtm_table(report, threshold=3)))
    data = read_hxl(path)
    rows = [(r.get("#loc+code"), r.get("#date+reported"), r.get("#affected+ind"),
             r.get("#affected+ind+new")) for r in data]
    assert ("goris", "2023-09-25", "3", "3") in rows
    # Kornidzor's 2 new on the 25th are small; the 24th's 3 would give them away
    # (5 - 3), so they are withheld too, and with them the 24th's new arrivals.
    assert ("kornidzor", "2023-09-25", "5", "<3") in rows
    assert ("kornidzor", "2023-09-24", "x", "x") in rows
    assert {r[0] for r in rows} == {"kornidzor", "goris"}
    assert all(r.get("#adm1+name") == "Syunik" for r in data)


def test_no_personal_data_in_any_export(registry, report):
    text = exports.table_csv(exports.sites_table(report)) + exports.table_csv(
        exports.dtm_table(report))
    for person in registry["a"].members.all():
        assert person.given_name not in text
        assert person.code not in text
    assert not re.search(r"HVN-", text)
