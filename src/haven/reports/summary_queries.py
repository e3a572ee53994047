"""The full report's figures from the registry's arrival summaries: a scan, not a regrouping.

Every person and household row carries its first arrival and site, the first arrival at
any other site (`second_*`), its last arrival and site, and how many sites it reached
(haven.registry.summaries). For a report over every site that is nearly all a report
needs: a record that reached at most two sites, all before the report's end, has each
site's first arrival and its latest site on its own row. So the figures are

    every representative, counted from its row
    − the representatives of the *slow* clusters, counted the same way
    + the slow clusters, regrouped in Python from their records' rows

where a cluster is slow when it has merged records (its first arrival is the earliest of
all its records'), when one of its records reached three sites or more, or when one has
arrivals both before and after the report's end (the latest site at the end is not on
the row). That is 2.5% of persons (5% of records) on the benchmark's last day; the
subtraction uses the very query that added them, so the two cancel exactly.
Registrations (records) and households come from rows alone: their per-site first
arrivals do not depend on merges, and only households whose members reached three sites
or more read arrivals.

On SQLite the two big passes are grouped by the leading expressions of the tally
indexes (registry migration 0004), which SQLite reads in order: it groups as it walks
the index, with no sort and no read of the wide rows; age bands are sums within each
group, since they depend on the report's date. 1,000,000 persons: 0.3 s.
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

from haven.registry.birth_dates import BirthDate, age_on
from haven.reports import queries
from haven.reports.queries import Window, local_date_sql

SLOW_TABLES = ("hv_slow", "hv_slow_record")
INJURED = "('injured', 'burns')"
# Records whose arrivals are read one query at a time (the IN list's length).
ARRIVALS_PER_QUERY = 500


class DayKey:
    """SQL for a cheap key of a UTC timestamp's local date, and the date of each key.

    SQLite's date() costs 0.3 s per million rows. Where every UTC offset of the
    report's zone (and every change between them) falls on a whole hour, the UTC hour
    ('2023-09-24 22', a prefix of the stored text) says the local date; Python turns the
    few hundred distinct hours into dates. The same prefix leads SQLite's tally indexes,
    and "arrived before the end" is then a range of it. Elsewhere (PostgreSQL, zones such
    as +05:30) the key is the local date itself, from `local_date_sql`.
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

    def before_end(self, column: str, params: list[Any]) -> str:
        """Return SQL true when `column` is before the report's end, appending its param."""
        if self.by_hour:
            params.append(self.window.end.astimezone(dt.UTC).strftime("%Y-%m-%d %H"))
            return f"substr({column}, 1, 13) < %s"
        params.append(queries.adapt(self.window.end))
        return f"{column} < %s"

    def date_of(self, moment: Any) -> dt.date:
        """Return the local date of a timestamp as the database returns it."""
        if isinstance(moment, str):  # SQLite's UTC text
            if self.by_hour:
                return self.date(moment[:13])
            moment = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
        return moment.astimezone(self.window.zone).date()

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


def band_counts_sql(date: dt.date) -> list[str]:
    """Return aggregates that count a group's persons by age band on `date`.

    The known birth years, then those born on or before each threshold date (60, 18 and
    5 years before `date`); `bands` turns them into the bands' counts. The same rule as
    `queries.band_sql` (a year alone is 1 July, a year and month the 15th; a birthday not
    yet reached that year counts as not yet a year older), decided by the birth year
    alone except in the threshold's own year, where month and day are compared as mmdd.
    Aggregates, not a grouping column: the groups then follow SQLite's tally index.
    """
    month_day = ("(COALESCE(p.birth_month, 7) * 100 + COALESCE(p.birth_day, "
                 "CASE WHEN p.birth_month IS NULL THEN 1 ELSE 15 END))")
    counts = ["COUNT(p.birth_year)"]
    for years in (60, 18, 5):
        year = date.year - years
        counts.append(f"SUM(CASE WHEN p.birth_year < {year:d} OR (p.birth_year = {year:d} "
                      f"AND {month_day} <= {date.month * 100 + date.day:d}) THEN 1 ELSE 0 END)")
    return counts


def bands(n: int, known: int, by_60: int, by_18: int, by_5: int) -> dict[str, int]:
    """Return the count of each age band from `band_counts_sql`'s aggregates of n persons."""
    return {"unknown": n - known, "0-4": known - by_5, "5-17": by_5 - by_18,
            "18-59": by_18 - by_60, "60+": by_60}


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
        _count_slow_clusters(cursor, window, figures)
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
            yield cursor
        finally:
            _drop(cursor)


@dataclass
class _Cluster:
    """A slow cluster, as its records' arrivals before the end add up."""

    sex: str = ""
    band: str = "unknown"
    status: str = ""
    injured: bool = False
    site_first: dict[int, Any] = field(default_factory=dict)  # site id -> first arrival
    last: tuple[Any, int] | None = None  # (latest arrival, -site id): ties go to the lowest

    def arrive(self, site: int, moment: Any) -> None:
        first = self.site_first.get(site)
        if first is None or moment < first:
            self.site_first[site] = moment
        if self.last is None or (moment, -site) > self.last:
            self.last = (moment, -site)


def _count_slow_clusters(cursor: CursorWrapper, window: Window, figures: Figures) -> None:
    """Add the slow clusters, regrouped in Python from their records' rows.

    Most slow records are slow only for being merged: they reached at most two sites and
    arrived wholly before the end or wholly after it. Their first, second and last
    arrivals stand in for all of them: each site's first and the record's last arrival
    are among those, and the report reads nothing else (a site's other arrivals are
    earlier than the record's last, which alone decides where the person is). The rest
    (three sites or more, or arrivals on both sides of the end) bring their arrivals.
    A cluster counts with its representative's sex, age band and status, on the day of
    its first arrival, at each site from its first arrival there, as present at the site
    of its latest arrival, and as injured if any of its records that arrived is: as
    `queries` counts.
    """
    days = DayKey(window)
    end = queries.adapt(window.end)
    # SQLite's timestamps stay the UTC text they are stored as (they sort as the moments
    # do, and say their hour): parsing 160,000 of them would cost more than the rest.
    as_text = "({} || '')" if connection.vendor == "sqlite" else "{}"
    cursor.execute(
        "SELECT p.id, p.merged_into_id, p.sex, p.birth_year, p.birth_month, p.birth_day, "  # noqa: S608
        f"p.status, p.first_site_id, {as_text.format('p.first_arrived_at')}, p.second_site_id, "
        f"{as_text.format('p.second_arrived_at')}, p.last_site_id, "
        f"{as_text.format('p.last_arrived_at')}, p.site_count "
        "FROM hv_slow_record x CROSS JOIN registry_person p WHERE p.id = x.pid")
    rows = cursor.fetchall()
    cursor.execute("SELECT DISTINCT person_id FROM registry_personvulnerability "  # noqa: S608
                   f"WHERE code IN {INJURED}")
    injured = {pid for (pid,) in cursor.fetchall()}
    clusters: dict[Any, _Cluster] = {}
    unsummarised: dict[Any, _Cluster] = {}
    for (pid, merged_into, sex, year, month, day, status, first_site, first_at, second_site,
         second_at, last_site, last_at, site_count) in rows:
        cluster = clusters.setdefault(merged_into or pid, _Cluster())
        if merged_into is None:
            age = age_on(BirthDate(year=year, month=month, day=day), window.date)
            cluster.sex, cluster.band, cluster.status = sex, _band(age), status
        if first_at is None or first_at >= end:
            continue
        cluster.injured = cluster.injured or pid in injured  # a record that has arrived
        if site_count > 2 or last_at >= end:
            unsummarised[pid] = cluster
            continue
        cluster.arrive(int(first_site), first_at)
        if second_site is not None:
            cluster.arrive(int(second_site), second_at)
        cluster.arrive(int(last_site), last_at)
    pids = list(unsummarised)
    for start in range(0, len(pids), ARRIVALS_PER_QUERY):
        chunk = pids[start:start + ARRIVALS_PER_QUERY]
        cursor.execute(
            f"SELECT person_id, site_id, {as_text.format('arrived_at')} "  # noqa: S608
            "FROM registry_arrival "
            f"WHERE person_id IN ({', '.join(['%s'] * len(chunk))}) AND arrived_at < %s",
            [*chunk, end])
        for pid, site, moment in cursor.fetchall():
            unsummarised[pid].arrive(int(site), moment)
    for cluster in clusters.values():
        if cluster.last is None:
            continue
        first = days.date_of(min(cluster.site_first.values()))
        figures.persons[(first, cluster.sex, cluster.band, cluster.status)] += 1
        for site, moment in cluster.site_first.items():
            figures.site_persons[(site, days.date_of(moment), cluster.sex, cluster.band,
                                  cluster.status)] += 1
            if cluster.injured:
                figures.injured_at[site] += 1
        if cluster.status == "present":
            figures.present_at[-cluster.last[1]] += 1


def _band(age: int | None) -> str:
    if age is None:
        return "unknown"
    return "0-4" if age < 5 else "5-17" if age < 18 else "18-59" if age < 60 else "60+"


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
    columns = [days.sql("p.first_arrived_at", params), "p.first_site_id", "p.registered_at_id",
               "(p.merged_into_id IS NULL)", days.sql("p.second_arrived_at", params),
               "p.second_site_id", "p.last_site_id", "p.sex", "p.status"]
    source = ("hv_slow s CROSS JOIN registry_person p WHERE p.id = s.cid AND " if slow
              else "registry_person p WHERE ")
    source += days.before_end("p.first_arrived_at", params)
    sign = -1 if slow else 1
    for (day, site, registered_at, representative, second, second_site, last_site, sex,
         status), (n, *by_threshold) in _grouped(
            cursor, columns, ["COUNT(*)", *band_counts_sql(window.date)], source, params):
        first = days.date(day)
        if not slow:
            figures.registrations[(int(registered_at), first)] += n
        if not int(representative):
            continue
        second_date = days.date(second) if second is not None else None
        for age, count in bands(n, *by_threshold).items():
            if not count:
                continue
            figures.persons[(first, sex, age, status)] += sign * count
            figures.site_persons[(int(site), first, sex, age, status)] += sign * count
            if second_date is not None:
                figures.site_persons[(int(second_site), second_date, sex, age,
                                      status)] += sign * count
        if last_site is not None and status == "present":
            figures.present_at[int(last_site)] += sign * n


def _grouped(cursor: CursorWrapper, columns: list[str], aggregates: list[str], source: str,
             params: list[Any]) -> Iterator[tuple[tuple[Any, ...], tuple[int, ...]]]:
    """Yield (values of `columns`, values of `aggregates`) per distinct row over `source`.

    `params` are those of the columns, then the aggregates, then `source`, in that order.
    Over the registry's own tables SQLite walks the tally index, whose leading parts are
    these columns, and groups without sorting; PostgreSQL hashes.
    """
    cursor.execute(
        f"SELECT {', '.join(columns)}, {', '.join(aggregates)} "  # noqa: S608 - constant SQL
        f"FROM {source} GROUP BY {', '.join(str(i + 1) for i in range(len(columns)))}", params)
    width = len(columns)
    for row in cursor.fetchall():
        yield tuple(row[:width]), tuple(int(v or 0) for v in row[width:])


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
    columns = [days.sql("p.first_arrived_at", params), "p.first_site_id",
               days.sql("p.second_arrived_at", params), "p.second_site_id",
               "(p.site_count > 2)"]
    # Households are not merged, so each counts at its second site only if it got there
    # before the end.
    second_in_time = f"SUM(CASE WHEN {days.before_end('p.second_arrived_at', params)} " \
                     "THEN 1 ELSE 0 END)"
    source = "registry_household p WHERE " + days.before_end("p.first_arrived_at", params)
    for (day, site, second, second_site, roaming), (n, in_time) in _grouped(
            cursor, columns, ["COUNT(*)", second_in_time], source, params):
        figures.households += n
        if int(roaming):
            continue
        figures.site_households[(int(site), days.date(day))] += n
        if second is not None and in_time:
            figures.site_households[(int(second_site), days.date(second))] += in_time
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
