"""The full report's figures from the registry's arrival summaries: a scan, not a regrouping.

Every person and household row carries its first arrival and site, the first arrival at
any other site (`second_*`), its last arrival and site, and how many sites it reached
(haven.registry.summaries). For a report over every site that is nearly all a report
needs: a record that reached at most two sites, all before the report's end, has each
site's first arrival and its latest site on its own row. So the figures are

    every representative, counted from its row
    − the representatives of the *slow* clusters, counted the same way
    + the slow clusters, counted from their arrivals (haven.reports.queries)

where a cluster is slow when it has merged records (its first arrival is the earliest of
all its records'), when one of its records reached three sites or more, or when one has
arrivals both before and after the report's end (the latest site at the end is not on
the row). That is 2.5% of persons (5% of records) on the benchmark's last day; the
subtraction uses the very query that added them, so the two cancel exactly.
Registrations (records) and households come from rows alone: their per-site first
arrivals do not depend on merges, and only households whose members reached three sites
or more read arrivals.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from haven.reports import queries
from haven.reports.queries import Window, local_date_sql

SLOW_TABLES = ("hv_slow", "hv_slow_record", "hv_slow_summary", "hv_slow_arrival")
INJURED = "('injured', 'burns')"
# Age bands by how many of the thresholds (60, 18, 5 years before the report date) a
# birth date is on or before: 0 -> '0-4' ... 3 -> '60+'.
BANDS_BY_THRESHOLDS = ("0-4", "5-17", "18-59", "60+")


class DayKey:
    """SQL for a cheap key of a UTC timestamp's local date, and the date of each key.

    SQLite's date() costs 0.3 s per million rows. Where every UTC offset of the
    report's zone (and every change between them) falls on a whole hour, the UTC hour
    ('2023-09-24 22', a prefix of the stored text) says the local date; Python turns the
    few hundred distinct hours into dates. Elsewhere (PostgreSQL, zones such as +05:30)
    the key is the local date itself, from `local_date_sql`.
    """

    def __init__(self, window: Window) -> None:
        self.window = window
        self.by_hour = connection.vendor == "sqlite" and all(
            offset.total_seconds() % 3600 == 0
            and (until.minute, until.second, until.microsecond) == (0, 0, 0)
            for until, offset in queries.offset_segments(window))
        self._dates: dict[Any, dt.date] = {}

    def sql(self, column: str, params: list[Any]) -> str:
        if self.by_hour:
            return f"substr({column}, 1, 13)"
        return local_date_sql(column, self.window, params)

    def date(self, key: Any) -> dt.date:
        found = self._dates.get(key)
        if found is None:
            if self.by_hour:
                hour = dt.datetime.strptime(str(key), "%Y-%m-%d %H").replace(tzinfo=dt.UTC)
                found = hour.astimezone(self.window.zone).date()
            else:
                found = queries.as_date(key)
            self._dates[key] = found
        return found


def band_index_sql(date: dt.date) -> str:
    """Return SQL for the age band of p.birth_* on `date`, as an index in BANDS_BY_THRESHOLDS.

    The same rule as `band_sql` (a year alone is 1 July, a year and month the 15th; a
    birthday not yet reached that year counts as not yet a year older), decided by the
    birth year alone except in the three years where a threshold falls; there the date
    is compared as one number yyyymmdd. Cheaper than the nested CASE, row by row.
    """
    born = ("(p.birth_year * 10000 + COALESCE(p.birth_month, 7) * 100 + COALESCE(p.birth_day, "
            "CASE WHEN p.birth_month IS NULL THEN 1 ELSE 15 END))")
    parts = ["CASE WHEN p.birth_year IS NULL THEN -1"]
    for index, years in enumerate((5, 18, 60)):
        year = date.year - years
        threshold = year * 10000 + date.month * 100 + date.day
        parts.append(f"WHEN p.birth_year > {year:d} THEN {index:d} "
                     f"WHEN p.birth_year = {year:d} THEN "
                     f"CASE WHEN {born} <= {threshold:d} THEN {index + 1:d} ELSE {index:d} END")
    return " ".join([*parts, "ELSE 3 END"])


def _band(index: Any) -> str:
    return "unknown" if int(index) < 0 else BANDS_BY_THRESHOLDS[int(index)]


@dataclass
class Figures:
    """The grouped counts `sitrep_build` reads, as the temporary-table queries return them."""

    persons: Counter[tuple[dt.date, str, str, str]] = field(default_factory=Counter)
    site_persons: Counter[tuple[int, dt.date, str, str, str]] = field(default_factory=Counter)
    registrations: Counter[tuple[int, dt.date]] = field(default_factory=Counter)
    site_households: Counter[tuple[int, dt.date]] = field(default_factory=Counter)
    households: int = 0
    present_at: Counter[int] = field(default_factory=Counter)
    injured_at: Counter[int] = field(default_factory=Counter)
    vulnerable: dict[str, int] = field(default_factory=dict)

    def persons_rows(self) -> list[tuple[dt.date, str, str, str, int]]:
        return [(*key, n) for key, n in sorted(self.persons.items()) if n]

    def site_persons_rows(self) -> list[tuple[int, dt.date, str, str, str, int]]:
        return [(*key, n) for key, n in sorted(self.site_persons.items()) if n]

    def registrations_rows(self) -> list[tuple[int, dt.date, int]]:
        return [(*key, n) for key, n in sorted(self.registrations.items()) if n]

    def site_households_rows(self) -> list[tuple[int, dt.date, int]]:
        return [(*key, n) for key, n in sorted(self.site_households.items()) if n]


def full_report_figures(window: Window) -> Figures:
    """Return every grouped count of a report over all sites, read from the summaries."""
    figures = Figures()
    with _slow_tables(window) as cursor:
        _count_rows(cursor, window, figures, slow=False)
        _count_rows(cursor, window, figures, slow=True)
        _count_injured(cursor, window, figures)
        _count_households(cursor, window, figures)
        figures.vulnerable = _vulnerabilities(cursor, window)
        with queries.temporary_tables(window, listed=True) as slow:
            figures.persons.update({(d, sex, b, st): n for d, sex, b, st, n
                                    in queries.persons_by_day(slow, window)})
            figures.site_persons.update({(site, d, sex, b, st): n for site, d, sex, b, st, n
                                         in queries.persons_by_site_day(slow, window)})
            figures.present_at.update(queries.occupancy(slow))
            figures.injured_at.update(queries.injured_by_site(slow))
    return figures


@contextmanager
def _slow_tables(window: Window) -> Iterator[CursorWrapper]:
    """Build hv_slow (the slow clusters) and hv_slow_record (their records); drop them after."""
    with connection.cursor() as cursor:
        _drop(cursor)
        try:
            end = queries.adapt(window.end)
            cursor.execute(
                "CREATE TEMPORARY TABLE hv_slow AS "
                "SELECT merged_into_id AS cid FROM registry_person "
                "WHERE merged_into_id IS NOT NULL "
                "UNION SELECT COALESCE(merged_into_id, id) FROM registry_person "
                "WHERE site_count > 2 "
                "UNION SELECT COALESCE(merged_into_id, id) FROM registry_person "
                "WHERE last_arrived_at >= %s AND first_arrived_at < %s", [end, end])
            cursor.execute("CREATE INDEX hv_slow_cid ON hv_slow (cid)")
            cursor.execute(
                "CREATE TEMPORARY TABLE hv_slow_record AS "
                "SELECT cid AS pid FROM hv_slow "
                "UNION ALL SELECT p.id FROM hv_slow s CROSS JOIN registry_person p "
                "WHERE p.merged_into_id = s.cid")
            _slow_arrivals(cursor, end)
            yield cursor
        finally:
            _drop(cursor)


def _slow_arrivals(cursor: CursorWrapper, end: Any) -> None:
    """Build hv_slow_arrival: the slow records' arrivals, or as many as their rows tell.

    Most slow records are slow only for being merged: they reached at most two sites and
    arrived wholly before the end or wholly after it. Their first, second and last
    arrivals stand in for all of them: each site's first and the record's last arrival
    are among those, and the report reads nothing else (a site's other arrivals are
    earlier than the record's last, which alone decides where the person is). The rest
    (three sites or more, or arrivals on both sides of the end) bring their arrivals.
    """
    # One read of each wide person row, then the narrow copy is read four times.
    cursor.execute(
        "CREATE TEMPORARY TABLE hv_slow_summary AS SELECT p.id, p.merged_into_id, "
        "p.household_id, p.sex, p.birth_year, p.birth_month, p.birth_day, p.status, "
        "p.first_site_id, p.first_arrived_at, p.second_site_id, p.second_arrived_at, "
        "p.last_site_id, p.last_arrived_at, CASE WHEN p.site_count <= 2 AND "
        "(p.last_arrived_at < %s OR p.first_arrived_at >= %s) THEN 1 ELSE 0 END AS summarised "
        "FROM hv_slow_record x CROSS JOIN registry_person p WHERE p.id = x.pid", [end, end])
    cursor.execute("CREATE INDEX hv_slow_summary_id ON hv_slow_summary (id)")
    cursor.execute(
        "CREATE TEMPORARY TABLE hv_slow_arrival AS "
        "SELECT id AS person_id, first_site_id AS site_id, first_arrived_at AS arrived_at "
        "FROM hv_slow_summary WHERE summarised = 1 UNION ALL "
        "SELECT id, second_site_id, second_arrived_at FROM hv_slow_summary "
        "WHERE summarised = 1 AND second_site_id IS NOT NULL UNION ALL "
        "SELECT id, last_site_id, last_arrived_at FROM hv_slow_summary "
        "WHERE summarised = 1 UNION ALL "
        "SELECT a.person_id, a.site_id, a.arrived_at "
        "FROM hv_slow_summary x CROSS JOIN registry_arrival a "
        "WHERE x.summarised = 0 AND a.person_id = x.id")


def _drop(cursor: CursorWrapper) -> None:
    for table in SLOW_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _count_rows(cursor: CursorWrapper, window: Window, figures: Figures, *, slow: bool) -> None:
    """Count persons, their sites, registrations and occupancy from the rows, in one scan.

    With `slow`, count only the slow clusters' representatives, and subtract them. A
    representative outside the slow clusters arrived, if at all, wholly before the end:
    its second and last arrivals need no test against it.
    """
    days = DayKey(window)
    params: list[Any] = []
    first_day = days.sql("p.first_arrived_at", params)
    second_day = days.sql("p.second_arrived_at", params)
    params.append(queries.adapt(window.end))
    source = ("hv_slow s CROSS JOIN registry_person p WHERE p.id = s.cid AND " if slow
              else "registry_person p WHERE ")
    columns = [first_day, "p.first_site_id", "p.registered_at_id",
               "CASE WHEN p.merged_into_id IS NULL THEN 1 ELSE 0 END", second_day,
               "p.second_site_id", "p.last_site_id", "p.sex", band_index_sql(window.date),
               "p.status"]
    sign = -1 if slow else 1
    for (day, site, registered_at, representative, second, second_site, last_site, sex,
         band, status), n in _grouped(cursor, columns, source, params):
        first = days.date(day)
        if not slow:
            figures.registrations[(int(registered_at), first)] += n
        if not int(representative):
            continue
        age = _band(band)
        figures.persons[(first, sex, age, status)] += sign * n
        figures.site_persons[(int(site), first, sex, age, status)] += sign * n
        if second is not None:
            figures.site_persons[(int(second_site), days.date(second), sex, age,
                                  status)] += sign * n
        if last_site is not None and status == "present":
            figures.present_at[int(last_site)] += sign * n


_NULL = "~"  # a key part that no column value spells


def _grouped(cursor: CursorWrapper, columns: list[str], source: str, params: list[Any], *,
             arrived: str = "p.first_arrived_at") -> Iterator[tuple[tuple[Any, ...], int]]:
    """Yield (values, n) for each distinct row of `columns` over `source` with `arrived` < end.

    PostgreSQL groups (a hash aggregate). SQLite would sort a million rows of ten columns
    for GROUP BY, which costs more than reading them: it returns each row as one text
    key, counted here (values come back as text then, or None).
    """
    if connection.vendor != "sqlite":
        cursor.execute(
            f"SELECT {', '.join(columns)}, COUNT(*) "  # noqa: S608 - constant SQL
            f"FROM {source}{arrived} < %s "
            f"GROUP BY {', '.join(str(i + 1) for i in range(len(columns)))}", params)
        for row in cursor.fetchall():
            yield tuple(row[:-1]), int(row[-1])
        return
    key = " || '|' || ".join(f"COALESCE({c}, '{_NULL}')" for c in columns)
    cursor.execute(f"SELECT {key} FROM {source}{arrived} < %s", params)  # noqa: S608
    counts: Counter[str] = Counter()
    while rows := cursor.fetchmany(50_000):
        counts.update(text for (text,) in rows)
    for text, n in counts.items():
        yield tuple(None if v == _NULL else v for v in text.split("|")), n


def _count_injured(cursor: CursorWrapper, window: Window, figures: Figures) -> None:
    """Count persons with an injury or burns at each site they reached, as _count_rows does."""
    end = queries.adapt(window.end)
    injured = ("(SELECT DISTINCT v.person_id FROM registry_personvulnerability v "  # noqa: S608
               f"WHERE v.code IN {INJURED}) i CROSS JOIN registry_person p "
               "WHERE p.id = i.person_id AND ")
    for slow, sign in ((False, 1), (True, -1)):
        source = injured + ("p.id IN (SELECT cid FROM hv_slow) AND " if slow else "")  # noqa: S608
        cursor.execute(
            "SELECT p.first_site_id, p.second_site_id, COUNT(*) "  # noqa: S608 - constant SQL
            f"FROM {source}p.merged_into_id IS NULL AND p.first_arrived_at < %s "
            "GROUP BY 1, 2", [end])
        for first_site, second_site, n in cursor.fetchall():
            figures.injured_at[int(first_site)] += sign * n
            if second_site is not None:
                figures.injured_at[int(second_site)] += sign * n


def _count_households(cursor: CursorWrapper, window: Window, figures: Figures) -> None:
    """Count households by the day they first reached each site, and those that arrived."""
    days = DayKey(window)
    end = queries.adapt(window.end)
    params: list[Any] = []
    first_day = days.sql("p.first_arrived_at", params)
    second_day = days.sql("p.second_arrived_at", params)
    params += [end, end]  # the second arrival's test, then `_grouped`'s own
    # Households are not merged, so each counts at its second site only if it got there
    # before the end.
    columns = [first_day, "p.first_site_id", second_day, "p.second_site_id",
               "CASE WHEN p.second_arrived_at < %s THEN 1 ELSE 0 END",
               "CASE WHEN p.site_count > 2 THEN 1 ELSE 0 END"]
    for (day, site, second, second_site, second_in_time, roaming), n in _grouped(
            cursor, columns, "registry_household p WHERE ", params):
        figures.households += n
        if int(roaming):
            continue
        figures.site_households[(int(site), days.date(day))] += n
        if second is not None and int(second_in_time):
            figures.site_households[(int(second_site), days.date(second))] += n
    # Households whose members reached three sites or more: from their arrivals.
    params = []
    day = local_date_sql("first_at", window, params)
    params.append(end)
    cursor.execute(
        f"SELECT site_id, {day}, COUNT(*) FROM ("  # noqa: S608 - constant SQL
        "SELECT h.id, a.site_id AS site_id, MIN(a.arrived_at) AS first_at "
        "FROM registry_household h CROSS JOIN registry_person p CROSS JOIN registry_arrival a "
        "WHERE h.site_count > 2 AND p.household_id = h.id AND a.person_id = p.id "
        "AND a.arrived_at < %s GROUP BY h.id, a.site_id) roaming GROUP BY 1, 2", params)
    for site, first, n in cursor.fetchall():
        figures.site_households[(int(site), queries.as_date(first))] += n


def _vulnerabilities(cursor: CursorWrapper, window: Window) -> dict[str, int]:
    """Return persons (clusters) per vulnerability code among the records that arrived."""
    end = queries.adapt(window.end)
    cursor.execute(
        "SELECT CASE WHEN v.code LIKE 'disability%%' THEN 'disability' ELSE v.code END, "
        "COUNT(DISTINCT COALESCE(p.merged_into_id, p.id)) "
        "FROM registry_personvulnerability v JOIN registry_person p ON p.id = v.person_id "
        "WHERE p.first_arrived_at < %s GROUP BY 1", [end])
    counts = {str(code): int(n) for code, n in cursor.fetchall()}
    cursor.execute(
        "SELECT COUNT(DISTINCT COALESCE(p.merged_into_id, p.id)) "  # noqa: S608 - constant SQL
        "FROM registry_personvulnerability v JOIN registry_person p ON p.id = v.person_id "
        f"WHERE p.first_arrived_at < %s AND v.code IN {INJURED}", [end])
    row = cursor.fetchone()
    counts["injured_or_burns"] = int(row[0]) if row else 0
    return counts
