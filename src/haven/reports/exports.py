"""Open-data tables from a Sitrep: HXL-tagged, small cells suppressed, no personal data.

Two tables, each written as CSV, XLSX or JSON with a hashtag row under the headers:

- `sites`: one row per site for the report date (persons who reached the site by sex and
  age group, deaths, injuries), and an all-sites row when there are several sites;
- `dtm`: one row per site per day in the layout of IOM's Displacement Tracking Matrix
  (admin levels, site, date, individuals, households, new arrivals, registrations).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from haven.reports.sitrep import Demography, Sitrep
from haven.reports.suppression import Suppressed, shown, suppress

TABLES = ("sites", "dtm")
FORMATS = ("csv", "xlsx", "json")
SOURCE = "Haven registry (persons counted once after de-duplication)"


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
    rows: list[dict[str, Any]]  # key -> value as published ("<5" and "x" for withheld)
    suppressed_below: int

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def hashtags(self) -> list[str]:
        return [c.hashtag for c in self.columns]


def suppress_threshold() -> int:
    return int(settings.REPORT_SUPPRESS_BELOW)


SITE_COLUMNS = [
    Column("date", "Date", "#date+reported", numeric=False),
    Column("site", "Site", "#loc+name", numeric=False),
    Column("province", "Province", "#adm1+name", numeric=False),
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
    Column("source", "Source", "#meta+source", numeric=False),
]
_SEX = ("female", "male", "sex_unknown")
_AGE = ("children", "adults", "elderly", "age_unknown")


def _counts(figures: Demography, deaths: int, injured: int) -> dict[str, int]:
    return {"individuals": figures.total, "female": figures.female, "male": figures.male,
            "sex_unknown": figures.sex_unknown, "children": figures.children,
            "adults": figures.adults, "elderly": figures.elderly,
            "age_unknown": figures.age_unknown, "killed": deaths, "injured": injured}


def sites_table(report: Sitrep, *, threshold: int | None = None) -> OpenTable:
    """Return the per-site table for the report date, suppressed for publication."""
    threshold = threshold or suppress_threshold()
    labels: list[tuple[str, str, str]] = []  # (row key, site name, province)
    counts: dict[str, dict[str, int]] = {}
    for site in report.sites:
        last = report.site_totals.get(site.slug)
        counts[site.slug] = (_counts(last.cumulative, last.deaths, last.injured) if last
                             else _counts(Demography(), 0, 0))
        labels.append((site.slug, site.name, site.province))
    if len(report.sites) > 1:
        counts["*"] = _counts(report.demography, report.deaths, report.injured)
        provinces = {s.province for s in report.sites}
        labels.append(("*", _("All sites"), provinces.pop() if len(provinces) == 1 else ""))
    values = {(row, key): n for row, figures in counts.items() for key, n in figures.items()}
    lines: list[list[tuple[str, str]]] = []
    for row in counts:
        lines.append([(row, "individuals"), *((row, k) for k in _SEX)])
        lines.append([(row, "individuals"), *((row, k) for k in _AGE)])
    if "*" in counts:
        # Conservatively as if the sites added up to the total (a person who passed two
        # sites is counted at both, so they need not).
        for key in (*_SEX, *_AGE, "individuals", "killed", "injured"):
            lines.append([("*", key), *((row, key) for row in counts if row != "*")])
    hidden = suppress(values, lines, threshold=threshold)
    rows = []
    for row, name, province in labels:
        published: dict[str, Any] = {"date": report.date.isoformat(), "site": name,
                                     "province": province, "source": SOURCE}
        for key, n in counts[row].items():
            published[key] = _cell(n, (row, key), hidden, threshold)
        rows.append(published)
    return OpenTable(name="sites", columns=SITE_COLUMNS, rows=rows, suppressed_below=threshold)


DTM_COLUMNS = [
    Column("admin1", "Admin 1 (province)", "#adm1+name", numeric=False),
    Column("admin2", "Admin 2 (settlement)", "#adm2+name", numeric=False),
    Column("site", "Site name", "#loc+name", numeric=False),
    Column("site_code", "Site code", "#loc+code", numeric=False),
    Column("site_type", "Site type", "#loc+type", numeric=False),
    Column("date", "Date", "#date+reported", numeric=False),
    Column("individuals", "Individuals", "#affected+ind"),
    Column("households", "Households", "#affected+hh"),
    Column("new_arrivals", "New arrivals", "#affected+ind+new"),
    Column("registrations", "Registrations", "#affected+ind+registered"),
    Column("source", "Source", "#meta+source", numeric=False),
]


def dtm_table(report: Sitrep, *, threshold: int | None = None) -> OpenTable:
    """Return one row per site per day (DTM layout), suppressed for publication."""
    threshold = threshold or suppress_threshold()
    entries = [d for d in report.site_days if d.cumulative_arrivals or d.registrations]
    values: dict[tuple[str, str, str], int] = {}
    lines: list[list[tuple[str, str, str]]] = []
    previous: dict[str, str] = {}  # site -> the date of its last row
    for entry in entries:
        day = entry.date.isoformat()
        values[(entry.site, day, "individuals")] = entry.cumulative_arrivals
        values[(entry.site, day, "households")] = entry.cumulative_households
        values[(entry.site, day, "new_arrivals")] = entry.new_arrivals
        values[(entry.site, day, "registrations")] = entry.registrations
        # individuals today = new arrivals today + individuals on the site's previous row.
        line = [(entry.site, day, "individuals"), (entry.site, day, "new_arrivals")]
        if entry.site in previous:
            line.append((entry.site, previous[entry.site], "individuals"))
        lines.append(line)
        previous[entry.site] = day
    hidden = suppress(values, lines, threshold=threshold)
    sites = {s.slug: s for s in report.sites}
    rows = []
    for entry in entries:
        site, day = sites[entry.site], entry.date.isoformat()
        row: dict[str, Any] = {"admin1": site.province, "admin2": site.settlement,
                               "site": site.name, "site_code": site.slug,
                               "site_type": site.kind, "date": day, "source": SOURCE}
        for key in ("individuals", "households", "new_arrivals", "registrations"):
            row[key] = _cell(values[(entry.site, day, key)], (entry.site, day, key), hidden,
                             threshold)
        rows.append(row)
    return OpenTable(name="dtm", columns=DTM_COLUMNS, rows=rows, suppressed_below=threshold)


def _cell(value: int, key: Any, hidden: Suppressed[Any], threshold: int) -> int | str:
    text = shown(value, key, hidden, threshold=threshold)
    return value if text == str(value) else text


def open_table(report: Sitrep, table: str, *, threshold: int | None = None) -> OpenTable:
    return sites_table(report, threshold=threshold) if table == "sites" \
        else dtm_table(report, threshold=threshold)


def table_csv(table: OpenTable) -> str:
    """Return the table as CSV: headers, the HXL hashtag row, then the rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.headers)
    writer.writerow(table.hashtags)
    for row in table.rows:
        writer.writerow([row[c.key] for c in table.columns])
    return out.getvalue()


def table_xlsx(table: OpenTable) -> bytes:
    """Return the table as an XLSX workbook of one sheet, with the HXL hashtag row."""
    from openpyxl import Workbook  # noqa: PLC0415 - only when writing a workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.name
    sheet.append(table.headers)
    sheet.append(table.hashtags)
    for row in table.rows:
        sheet.append([row[c.key] for c in table.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_json(table: OpenTable) -> dict[str, Any]:
    return {"table": table.name, "suppressed_below": table.suppressed_below,
            "columns": [{"key": c.key, "header": c.header, "hashtag": c.hashtag}
                        for c in table.columns],
            "rows": table.rows}
