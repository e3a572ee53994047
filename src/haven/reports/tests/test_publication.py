"""One publication for every request: no combination of open-data requests recovers a cell.

The property test builds random registries' figures (sites in provinces, days, counts),
requests every table that can be requested — `sites` and `dtm`, with every set of
sites — gathers every count any answer carries, and then tries to recover each withheld
count from them with every sum a reader knows, by linear algebra written here, apart
from the implementation.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.registry.models import Site
from haven.reports import exports
from haven.reports.publication import (
    Figures,
    Geography,
    geographies_for,
    province_key,
    publication_suppress,
)

START = dt.date(2023, 9, 24)
SEXES = ("female", "male", "sex_unknown")
AGES = ("children", "adults", "elderly", "age_unknown")


@dataclass
class Policy:
    read_aggregates: bool = True


class Reader:
    """Anyone with figures and every site within reach (a viewer)."""

    policy = Policy()

    def may_see_site(self, site_id: object) -> bool:
        return True


@st.composite
def registries(draw):
    """Random figures: 2-4 sites in 1-2 provinces, 1-4 days, small counts."""
    n_sites = draw(st.integers(2, 4))
    provinces = [draw(st.sampled_from(["Syunik", "Vayots Dzor"])) for _ in range(n_sites)]
    days = [START + dt.timedelta(days=i) for i in range(draw(st.integers(1, 4)))]
    small = st.integers(0, 7)
    sites = {f"s{i}": Site(slug=f"s{i}", kind="reception_hub", name_en=f"Site {i}",
                           settlement=f"Town {i}", province=provinces[i])
             for i in range(n_sites)}
    figures = Figures(date=days[-1], days=days, geographies=[])
    values = figures.values
    date = days[-1].isoformat()
    site_keys = []
    for slug, site in sites.items():
        key = f"site:{slug}"
        site_keys.append(key)
        figures.geographies.append(Geography(key=key, level="site", sites=(slug,), slug=slug,
                                             province=site.province))
        cumulative = households = 0
        for day in days:
            new = draw(small)
            cumulative += new
            households += draw(st.integers(0, new))
            values[(key, day.isoformat(), "new_arrivals")] = new
            values[(key, day.isoformat(), "individuals")] = cumulative
            values[(key, day.isoformat(), "households")] = households
            values[(key, day.isoformat(), "registrations")] = draw(small)
        _split(draw, values, key, date, cumulative)
    groups: dict[str, list[str]] = {}
    for slug, site in sites.items():
        groups.setdefault(province_key(site), []).append(slug)
    totals = [*list(groups.items()), ("all", list(sites))]
    for key, slugs in totals:
        level = "all" if key == "all" else "province"
        figures.geographies.append(Geography(key=key, level=level, sites=tuple(slugs),
                                             province=sites[slugs[0]].province))
        # Sums, as if nobody reached two sites: the reader's own assumption, exact here.
        for (geo, day, measure), value in list(values.items()):
            if geo in {f"site:{s}" for s in slugs} and measure != "households":
                values[(key, day, measure)] = values.get((key, day, measure), 0) + value
    return figures, sites


def _split(draw, values, key, date, total):
    """Split a site's persons by sex and by age, and draw its deaths and injured."""
    for measures in (SEXES, AGES):
        left = total
        for measure in measures[:-1]:
            part = draw(st.integers(0, left))
            values[(key, date, measure)] = part
            left -= part
        values[(key, date, measures[-1])] = left
    values[(key, date, "killed")] = draw(st.integers(0, min(total, 3)))
    values[(key, date, "injured")] = draw(st.integers(0, min(total, 6)))


def known_sums(figures: Figures) -> list[list[tuple[str, str, str]]]:
    """Every sum a reader knows, total first, written apart from `figures_lines`."""
    date = figures.date.isoformat()
    geos = figures.geographies
    sites = [g for g in geos if g.level == "site"]
    provinces = [g for g in geos if g.level == "province"]
    whole = next(g for g in geos if g.level == "all")
    lines = []
    for g in geos:
        lines.append([(g.key, date, "individuals"), *((g.key, date, m) for m in SEXES)])
        lines.append([(g.key, date, "individuals"), *((g.key, date, m) for m in AGES)])
        previous = None
        for day in (d.isoformat() for d in figures.days):
            line = [(g.key, day, "individuals"), (g.key, day, "new_arrivals")]
            lines.append([*line, (g.key, previous, "individuals")] if previous else line)
            previous = day
    cells = {(day, m) for (_g, day, m) in figures.values if m != "households"}
    for day, measure in cells:
        lines.append([(whole.key, day, measure), *((s.key, day, measure) for s in sites)])
        lines.append([(whole.key, day, measure), *((p.key, day, measure) for p in provinces)])
        for p in provinces:
            lines.append([(p.key, day, measure),
                          *((f"site:{slug}", day, measure) for slug in p.sites)])
    return [line for line in lines if all(c in figures.values for c in line)]


def recoverable(values, lines, hidden) -> list:
    """Return the hidden cells that the published values and the sums fix (rank test)."""
    cells = sorted(hidden)
    column = {c: i for i, c in enumerate(cells)}
    rows = []
    for line in lines:
        row = np.zeros(len(cells))
        for position, cell in enumerate(line):
            if cell in column:
                row[column[cell]] += 1.0 if position == 0 else -1.0
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    fixed = []
    for cell, i in column.items():
        unit = np.zeros(len(cells))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            fixed.append(cell)
    return fixed


def every_answer(publication, sites):
    """Every table a reader can request: both tables, every set of sites, and no filter."""
    reader = Reader()
    filters = [None] + [list(c) for n in range(1, len(sites) + 1)
                        for c in itertools.combinations(sites, n)]
    for chosen in filters:
        geographies = geographies_for(publication, actor=reader, sites=chosen)
        yield exports.sites_table(publication, geographies)
        yield exports.dtm_table(publication, geographies)


def cell_of(row, column_key, figures):
    """Return the publication cell a table's cell shows."""
    level = row["level"]
    if level == "site":
        key = f"site:{row['site_code']}"
    elif level == "all":
        key = "all"
    else:
        key = next(g.key for g in figures.geographies
                   if g.level == "province" and g.province == (row.get("province")
                                                               or row.get("admin1")))
    return (key, row["date"].isoformat(), column_key)


@pytest.mark.django_db  # Site objects are only built, never saved
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries(), st.integers(3, 6))
def test_no_combination_of_requests_recovers_a_withheld_count(registry_figures, threshold):
    figures, sites = registry_figures
    publication = publication_suppress(figures, threshold=threshold, sites=sites)
    published: dict[tuple[str, str, str], int] = {}
    withheld: set[tuple[str, str, str]] = set()
    for table in every_answer(publication, sites):
        for row in table.rows:
            for column in (c for c in table.columns if c.numeric):
                cell = cell_of(row, column.key, figures)
                if cell not in figures.values:
                    assert row[column.key] is None  # not published at all (households)
                    continue
                if row[column.key] is None:
                    withheld.add(cell)
                else:
                    # The same figure, whichever request it came from.
                    assert published.setdefault(cell, row[column.key]) == row[column.key]
    assert not withheld & set(published)  # withheld in one answer, shown in none
    for cell in withheld:
        assert not 0 < figures.values[cell] < threshold or cell in publication.hidden.primary
    small = {c for c, v in figures.values.items() if 0 < v < threshold}
    assert not small & set(published)  # no small count is ever shown
    # Every other cell is known: shown, or zero on a day without a row. Solve for the rest.
    assert recoverable(figures.values, known_sums(figures), withheld) == []


@pytest.mark.django_db
def test_a_publication_is_kept_until_the_next_audited_write(registry, make_household):
    from haven.reports.publication import publication_build  # noqa: PLC0415

    first = publication_build(date=dt.date(2023, 9, 25))
    assert publication_build(date=dt.date(2023, 9, 25)) is first
    assert publication_build(date=dt.date(2023, 9, 25), threshold=3) is not first
    make_household(site="vayk", arrived_at=dt.datetime(2023, 9, 25, 9, tzinfo=dt.UTC))
    again = publication_build(date=dt.date(2023, 9, 25))
    assert again is not first
    assert again.figures.values[("site:vayk", "2023-09-25", "individuals")] == 1
