"""Open-data tables, cut from the publication: HXL-tagged, numbers only, no personal data.

Two tables, each written as CSV, XLSX or JSON with an HXL hashtag row under the headers:

- `sites`: one row per geography for the report date — each site, each province, all
  sites — with persons who reached it by sex and age group, deaths and injuries;
- `dtm`: one row per geography and day in the layout of IOM's Displacement Tracking
  Matrix (admin levels, site, date, individuals, households, new arrivals,
  registrations).

Every count column holds numbers only: a withheld count is an empty cell, named in the
row's `#meta+suppressed` column (`Female <5; Male x`), whose header explains the marks.
HXL tools then read every count as a number (`hxlvalidate` with HXL's core schema finds
no error) and never sum a `<5`. Every text cell goes through
`haven.core.spreadsheets.spreadsheet_text`, and XLSX cells are typed (text as strings,
dates as dates, counts as numbers).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from haven.core.spreadsheets import csv_cells, xlsx_append
from haven.registry.provinces import province_iso_code

if TYPE_CHECKING:
    from haven.registry.models import Site
    from haven.reports.publication import Cell, Geography, Publication

TABLES = ("sites", "dtm")
FORMATS = ("csv", "xlsx", "json")
SOURCE = "Haven registry (persons counted once after de-duplication)"
SUPPRESSED_HASHTAG = "#meta+suppressed"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    hashtag: str
    numeric: bool = True


@dataclass
class OpenTable:
    name: str
    columns: list[Column]
    # key -> value as published: a count (int) or None when withheld, text, or a date
    rows: list[dict[str, Any]]
    suppressed_below: int

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def hashtags(self) -> list[str]:
        return [c.hashtag for c in self.columns]


def suppressed_column(threshold: int) -> Column:
    """Return the column that names a row's withheld counts; its header is the note."""
    return Column("suppressed", _suppressed_note(threshold), SUPPRESSED_HASHTAG, numeric=False)


def _suppressed_note(threshold: int) -> str:
    # Not translated: the tables' headers are English, as HXL's hashtags are.
    return (f"Suppressed counts (left empty; <{threshold}: a count from 1 to "
            f"{threshold - 1}; x: withheld so that a small count cannot be worked out "
            f"from the totals)")


SITE_COLUMNS = [
    Column("date", "Date", "#date+reported", numeric=False),
    Column("site", "Site", "#loc+name", numeric=False),
    Column("province", "Province", "#adm1+name", numeric=False),
    Column("site_code", "Site code", "#loc+code", numeric=False),
    Column("province_code", "Province code", "#adm1+code", numeric=False),
    Column("level", "Level (site, province, all)", "#meta+level", numeric=False),
    Column("individuals", "Persons arrived", "#affected+displaced+ind"),
    Column("female", "Female", "#affected+displaced+ind+f"),
    Column("male", "Male", "#affected+displaced+ind+m"),
    Column("sex_unknown", "Sex not recorded", "#affected+displaced+ind+unknown_sex"),
    Column("children", "Children (0-17)", "#affected+displaced+ind+children"),
    Column("adults", "Adults (18-59)", "#affected+displaced+ind+adults"),
    Column("elderly", "Elderly (60+)", "#affected+displaced+ind+elderly"),
    Column("age_unknown", "Age not recorded", "#affected+displaced+ind+unknown_age"),
    Column("killed", "Deaths", "#affected+killed"),
    Column("injured", "Injured", "#affected+injured"),
]
DTM_COLUMNS = [
    Column("admin1", "Admin 1 (province)", "#adm1+name", numeric=False),
    Column("admin2", "Admin 2 (settlement)", "#adm2+name", numeric=False),
    Column("site", "Site name", "#loc+name", numeric=False),
    Column("site_code", "Site code", "#loc+code", numeric=False),
    Column("site_type", "Site type", "#loc+type", numeric=False),
    Column("admin1_code", "Admin 1 code", "#adm1+code", numeric=False),
    Column("level", "Level (site, province, all)", "#meta+level", numeric=False),
    Column("date", "Date", "#date+reported", numeric=False),
    Column("individuals", "Individuals", "#affected+ind"),
    Column("households", "Households", "#affected+hh"),
    Column("new_arrivals", "New arrivals", "#affected+ind+new"),
    Column("registrations", "Registrations", "#affected+ind+registered"),
]
_SOURCE_COLUMN = Column("source", "Source", "#meta+source", numeric=False)


def codes(site: Site | None) -> tuple[str, str]:
    """Return (site code, province code) as open data publishes them (HAVEN_OPEN_DATA_CODES)."""
    if site is None:
        return "", ""
    if settings.OPEN_DATA_CODES == "pcode":
        return site.pcode, site.province_pcode
    return site.slug, site.province_code or province_iso_code(site.province)


def _place(publication: Publication, geography: Geography) -> dict[str, Any]:
    """Return a geography's names and codes: site, province, their codes, the level."""
    sites = publication.sites
    first = sites.get(geography.sites[0]) if geography.sites else None
    if geography.level == "site" and first is not None:
        site_code, province_code = codes(first)
        return {"site": first.name, "site_code": site_code, "province": first.province,
                "province_code": province_code, "settlement": first.settlement,
                "site_type": first.kind, "level": "site"}
    if geography.level == "province":
        province_code = next((code for slug in geography.sites
                              if (code := codes(sites.get(slug))[1])), "")
        return {"site": "", "site_code": "", "province": geography.province,
                "province_code": province_code, "settlement": "", "site_type": "",
                "level": "province"}
    provinces = {sites[slug].province for slug in geography.sites if slug in sites}
    province = provinces.pop() if len(provinces) == 1 else ""
    return {"site": _("All sites"), "site_code": "", "province": province,
            "province_code": "", "settlement": "", "site_type": "", "level": "all"}


def _counts(publication: Publication, row: dict[str, Any], columns: list[Column],
            cell: Any) -> None:
    """Put each count of a row in it, None when withheld, and name the withheld ones."""
    marks = []
    for column in columns:
        if not column.numeric:
            continue
        key: Cell = cell(column.key)
        row[column.key] = publication.value(key)
        if mark := publication.mark(key):
            marks.append(f"{column.header} {mark}")
    row["suppressed"] = "; ".join(marks)


def sites_table(publication: Publication, geographies: list[Geography]) -> OpenTable:
    """Return the table of the report date: one row per geography."""
    day = publication.date.isoformat()
    rows = []
    for geography in geographies:
        place = _place(publication, geography)
        row: dict[str, Any] = {"date": publication.date, "source": SOURCE,
                               **{k: place[k] for k in ("site", "province", "site_code",
                                                        "province_code", "level")}}
        _counts(publication, row, SITE_COLUMNS, lambda m, g=geography.key: (g, day, m))
        rows.append(row)
    columns = [*SITE_COLUMNS, suppressed_column(publication.threshold), _SOURCE_COLUMN]
    return OpenTable(name="sites", columns=columns, rows=rows,
                     suppressed_below=publication.threshold)


def dtm_table(publication: Publication, geographies: list[Geography]) -> OpenTable:
    """Return one row per geography per day with anyone there (DTM layout).

    A day before anyone reached the geography has no row, unless a cell of it is withheld:
    a missing row says "zero", which would give that cell away.
    """
    values = publication.figures.values
    hidden = publication.hidden.cells
    rows = []
    for geography in geographies:
        place = _place(publication, geography)
        for date in publication.figures.days:
            day = date.isoformat()
            cells = [(geography.key, day, c.key) for c in DTM_COLUMNS if c.numeric]
            anyone = values.get((geography.key, day, "individuals")) \
                or values.get((geography.key, day, "registrations"))
            if not anyone and not any(cell in hidden for cell in cells):
                continue
            row: dict[str, Any] = {
                "admin1": place["province"], "admin2": place["settlement"],
                "site": place["site"], "site_code": place["site_code"],
                "site_type": place["site_type"], "admin1_code": place["province_code"],
                "level": place["level"], "date": date, "source": SOURCE}
            _counts(publication, row, DTM_COLUMNS, lambda m, g=geography.key, d=day: (g, d, m))
            rows.append(row)
    columns = [*DTM_COLUMNS, suppressed_column(publication.threshold), _SOURCE_COLUMN]
    return OpenTable(name="dtm", columns=columns, rows=rows,
                     suppressed_below=publication.threshold)


def open_table(publication: Publication, table: str,
               geographies: list[Geography]) -> OpenTable:
    if table == "sites":
        return sites_table(publication, geographies)
    return dtm_table(publication, geographies)


def table_csv(table: OpenTable, *, bom: bool = False) -> str:
    """Return the table as CSV: headers, the HXL hashtag row, then the rows.

    With `bom`, the text starts with a UTF-8 byte-order mark, so that Excel reads the
    Armenian and Cyrillic names right.
    """
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_cells(table.headers))
    writer.writerow(csv_cells(table.hashtags))
    for row in table.rows:
        writer.writerow(csv_cells(_text_dates(row[c.key]) for c in table.columns))
    return out.getvalue()


def table_xlsx(table: OpenTable) -> bytes:
    """Return the table as an XLSX workbook of one sheet, with the HXL hashtag row.

    Counts are numbers, dates are dates, text is text (never a formula).
    """
    from openpyxl import Workbook  # noqa: PLC0415 - only when writing a workbook
    from openpyxl.comments import Comment  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    sheet.title = table.name
    xlsx_append(sheet, table.headers)
    xlsx_append(sheet, table.hashtags)
    for row in table.rows:
        xlsx_append(sheet, [row[c.key] for c in table.columns])
    suppressed = table.hashtags.index(SUPPRESSED_HASHTAG) + 1
    sheet.cell(row=1, column=suppressed).comment = Comment(
        _suppressed_note(table.suppressed_below), "Haven")
    for index, column in enumerate(table.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 12 if column.numeric else 20
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_json(table: OpenTable) -> dict[str, Any]:
    return {"table": table.name, "suppressed_below": table.suppressed_below,
            "columns": [{"key": c.key, "header": c.header, "hashtag": c.hashtag}
                        for c in table.columns],
            "rows": [{k: _text_dates(v) for k, v in row.items()} for row in table.rows]}


def _text_dates(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
