"""The report's aggregate SQL: every figure comes from GROUP BY queries, never a loop over persons.

Three temporary tables, built once per report on the report's own connection, hold the
intermediate steps (they live in SQLite's temp database or PostgreSQL's session schema,
never in the registry):

    hv_stay     one row per (person record, site): first and last arrival there
    hv_record   one row per person record: its cluster (merged_into or itself), household,
                first arrival anywhere in scope
    hv_cluster  one row per person (cluster): first and last arrival in scope

Local dates are computed in SQL: `AT TIME ZONE` on PostgreSQL; on SQLite the UTC offset
of the report's time zone, split into one branch per offset change (DST) in the period,
because Django's own `TruncDate` calls back into Python for every row.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

TEMP_TABLES = ("hv_stay", "hv_record", "hv_cluster", "hv_site_cluster")


@dataclass(frozen=True)
class Window:
    """What the report covers: arrivals before `end` (UTC), at `site_ids` (None: all)."""

    start: dt.datetime  # the earliest moment a local day can begin in the period
    end: dt.datetime
    date: dt.date
    zone: zoneinfo.ZoneInfo
    site_ids: tuple[int, ...] | None


def adapt(moment: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def local_date_sql(column: str, window: Window, params: list[Any]) -> str:
    """Return SQL for the local date of `column` (a UTC timestamp), appending its params."""
    if connection.vendor == "postgresql":
        params.append(window.zone.key)
        return f"(({column}) AT TIME ZONE %s)::date"
    # SQLite stores UTC text; shift by the zone's offset, one branch per offset in force.
    branches = offset_segments(window)
    if len(branches) == 1:
        return f"date({column}, '{_minutes(branches[0][1])} minutes')"
    parts = []
    for until, offset in branches[:-1]:
        params.append(adapt(until))
        parts.append(f"WHEN {column} < %s THEN date({column}, '{_minutes(offset)} minutes')")
    return f"CASE {' '.join(parts)} ELSE date({column}, '{_minutes(branches[-1][1])} minutes') END"


def _minutes(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"{minutes:+d}"


@functools.lru_cache(maxsize=32)
def offset_segments(window: Window) -> tuple[tuple[dt.datetime, dt.timedelta], ...]:
    """Return (until, offset) for each UTC offset the zone uses over the report's period.

    Two years hour by hour take 15 ms, and one report asks for them several times (each
    local date in SQL, each pass of the summaries): computed once per window.
    """
    segments: list[tuple[dt.datetime, dt.timedelta]] = []
    # Step in UTC: an aware datetime in the zone itself adds wall-clock hours, which skip
    # or repeat an hour where the clocks change.
    moment = window.start.astimezone(dt.UTC)
    step = dt.timedelta(hours=1)
    current = moment.astimezone(window.zone).utcoffset() or dt.timedelta(0)
    while moment < window.end:
        nxt = moment + step
        offset = nxt.astimezone(window.zone).utcoffset() or dt.timedelta(0)
        if offset != current:
            segments.append((nxt, current))
            current = offset
        moment = nxt
    segments.append((window.end, current))
    return tuple(segments)


def _band_params(date: dt.date) -> list[Any]:
    return [date.year, date.month, date.month, date.day]


def band_sql(prefix: str, date: dt.date) -> tuple[str, list[Any]]:
    """Return SQL for the age band on `date` of `prefix`.birth_*, and its params in order.

    A partial birth date is taken at mid-period, as `registry.birth_dates.age_on` does:
    a year alone on 1 July, a year and month on the 15th.
    """
    month = f"COALESCE({prefix}.birth_month, 7)"
    day = (f"COALESCE({prefix}.birth_day, "
           f"CASE WHEN {prefix}.birth_month IS NULL THEN 1 ELSE 15 END)")
    age = (f"(%s - {prefix}.birth_year - CASE WHEN {month} > %s OR "
           f"({month} = %s AND {day} > %s) THEN 1 ELSE 0 END)")
    sql = ("CASE WHEN {p}.birth_year IS NULL THEN 'unknown' "
           "WHEN {age} < 5 THEN '0-4' WHEN {age} < 18 THEN '5-17' "
           "WHEN {age} < 60 THEN '18-59' ELSE '60+' END").replace("{p}", prefix)
    params: list[Any] = []
    pieces = sql.split("{age}")
    out = pieces[0]
    for piece in pieces[1:]:
        out += age + piece
        params.extend(_band_params(date))
    return out, params


def _scope(window: Window, params: list[Any]) -> str:
    if window.site_ids is None:
        return ""
    params.extend(window.site_ids)
    return f" AND a.site_id IN ({', '.join(['%s'] * len(window.site_ids))})"


# The arrivals the temporary tables are built from: every arrival, or (full report) the
# few records' in hv_slow_arrival (haven.reports.summary_queries). CROSS JOIN keeps SQLite
# from scanning the million persons to find them (PostgreSQL plans it as a join).
_EVERY_ARRIVAL = "registry_arrival a JOIN registry_person p ON p.id = a.person_id WHERE "
_EVERY_GROUP = "p.id, a.site_id"  # the other columns depend on p.id, the primary key
# hv_slow_summary holds the listed persons' columns the report reads (no primary key, so
# PostgreSQL is told they are grouped too).
_LISTED_ARRIVALS = "hv_slow_arrival a CROSS JOIN hv_slow_summary p WHERE p.id = a.person_id AND "
_LISTED_GROUP = ("p.id, a.site_id, p.merged_into_id, p.household_id, p.sex, p.birth_year, "
                 "p.birth_month, p.birth_day, p.status")


@contextmanager
def temporary_tables(window: Window, *, listed: bool = False) -> Iterator[CursorWrapper]:
    """Build hv_stay, hv_record and hv_cluster for `window`; drop them afterwards.

    With `listed`, only the arrivals in the temporary table hv_slow_arrival count.
    """
    with connection.cursor() as cursor:
        _drop(cursor)
        try:
            _build(cursor, window, *((_LISTED_ARRIVALS, _LISTED_GROUP) if listed
                                     else (_EVERY_ARRIVAL, _EVERY_GROUP)))
            yield cursor
        finally:
            _drop(cursor)


def _drop(cursor: CursorWrapper) -> None:
    for table in TEMP_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _build(cursor: CursorWrapper, window: Window, source: str, group: str) -> None:
    # Each record's sex, age band and status are read once, in the one join with the
    # registry; a cluster takes them from its representative's own rows (pid = cid).
    band, params = band_sql("p", window.date)
    params.append(adapt(window.end))
    scope = _scope(window, params)
    cursor.execute(
        "CREATE TEMPORARY TABLE hv_stay AS "  # noqa: S608 - only placeholders are interpolated
        "SELECT p.id AS pid, COALESCE(p.merged_into_id, p.id) AS cid, "
        "p.household_id AS hid, a.site_id AS site_id, "
        "MIN(a.arrived_at) AS first_at, MAX(a.arrived_at) AS last_at, "
        f"p.sex AS sex, {band} AS band, p.status AS status "
        f"FROM {source}a.arrived_at < %s{scope} GROUP BY {group}",
        params,
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE hv_record AS "
        "SELECT pid, cid, hid, MIN(first_at) AS first_at FROM hv_stay GROUP BY pid, cid, hid")
    cursor.execute("CREATE INDEX hv_record_pid ON hv_record (pid)")
    cursor.execute("CREATE INDEX hv_stay_cid ON hv_stay (cid, last_at)")
    representative = ("MAX(CASE WHEN pid = cid THEN sex END) AS sex, "
                      "MAX(CASE WHEN pid = cid THEN band END) AS band, "
                      "MAX(CASE WHEN pid = cid THEN status END) AS status")
    cursor.execute(
        "CREATE TEMPORARY TABLE hv_cluster AS "  # noqa: S608 - constant SQL
        f"SELECT cid, MIN(first_at) AS first_at, MAX(last_at) AS last_at, {representative} "
        "FROM hv_stay GROUP BY cid")
    # A representative without arrivals in scope (a site-limited report where only the
    # merged record arrived): read their sex, age and status from the registry.
    band, params = band_sql("p", window.date)
    cursor.execute(
        "UPDATE hv_cluster SET "  # noqa: S608 - constant SQL
        "sex = (SELECT p.sex FROM registry_person p WHERE p.id = hv_cluster.cid), "
        f"band = (SELECT {band} FROM registry_person p WHERE p.id = hv_cluster.cid), "
        "status = (SELECT p.status FROM registry_person p WHERE p.id = hv_cluster.cid) "
        "WHERE sex IS NULL", params)
    cursor.execute("CREATE INDEX hv_cluster_cid ON hv_cluster (cid)")
    cursor.execute(
        "CREATE TEMPORARY TABLE hv_site_cluster AS "  # noqa: S608 - constant SQL
        f"SELECT cid, site_id, MIN(first_at) AS first_at, {representative} "
        "FROM hv_stay GROUP BY cid, site_id")
    cursor.execute(
        "UPDATE hv_site_cluster SET "
        "sex = (SELECT c.sex FROM hv_cluster c WHERE c.cid = hv_site_cluster.cid), "
        "band = (SELECT c.band FROM hv_cluster c WHERE c.cid = hv_site_cluster.cid), "
        "status = (SELECT c.status FROM hv_cluster c WHERE c.cid = hv_site_cluster.cid) "
        "WHERE sex IS NULL")


def _rows(cursor: CursorWrapper, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    cursor.execute(sql, list(params))
    return list(cursor.fetchall())


def as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def persons_by_day(cursor: CursorWrapper, window: Window) -> list[tuple[dt.date, str, str, str,
                                                                        int]]:
    """Return (day, sex, band, status, n) for persons, by the day of their first arrival."""
    params: list[Any] = []
    day = local_date_sql("first_at", window, params)
    rows = _rows(cursor,
                 f"SELECT {day} AS day, sex, band, status, COUNT(*) "  # noqa: S608
                 "FROM hv_cluster GROUP BY 1, 2, 3, 4", params)
    return [(as_date(d), sex, b, status, int(n)) for d, sex, b, status, n in rows]


def persons_by_site_day(
    cursor: CursorWrapper, window: Window,
) -> list[tuple[int, dt.date, str, str, str, int]]:
    """Return (site id, day, sex, band, status, n), by the day persons first reached each site."""
    params: list[Any] = []
    day = local_date_sql("first_at", window, params)
    rows = _rows(cursor,
                 f"SELECT site_id, {day} AS day, sex, band, status, COUNT(*) "  # noqa: S608
                 "FROM hv_site_cluster GROUP BY 1, 2, 3, 4, 5", params)
    return [(int(site), as_date(d), sex, b, status, int(n))
            for site, d, sex, b, status, n in rows]


def injured_by_site(cursor: CursorWrapper) -> dict[int, int]:
    """Return persons with an injury or burns per site they reached."""
    rows = _rows(cursor,
                 "SELECT s.site_id, COUNT(*) FROM hv_site_cluster s WHERE s.cid IN ("
                 "SELECT r.cid FROM registry_personvulnerability v "
                 "JOIN hv_record r ON r.pid = v.person_id "
                 "WHERE v.code IN ('injured', 'burns')) GROUP BY 1", [])
    return {int(site): int(n) for site, n in rows}


def registrations_by_site_day(cursor: CursorWrapper,
                              window: Window) -> list[tuple[int, dt.date, int]]:
    """Return (registration site id, day, n): person records by their first arrival's day."""
    params: list[Any] = []
    day = local_date_sql("r.first_at", window, params)
    rows = _rows(cursor,
                 f"SELECT h.registered_at_id, {day} AS day, COUNT(*) "  # noqa: S608
                 "FROM hv_record r JOIN registry_household h ON h.id = r.hid "
                 "GROUP BY 1, 2", params)
    return [(int(site), as_date(d), int(n)) for site, d, n in rows]


def households_by_site_day(cursor: CursorWrapper,
                           window: Window) -> list[tuple[int, dt.date, int]]:
    """Return (site id, day, n): households by the day their first member reached the site."""
    params: list[Any] = []
    day = local_date_sql("first_at", window, params)
    rows = _rows(cursor,
                 f"SELECT site_id, {day} AS day, COUNT(*) FROM ("  # noqa: S608
                 "SELECT hid, site_id, MIN(first_at) AS first_at FROM hv_stay "
                 "GROUP BY hid, site_id) households GROUP BY 1, 2", params)
    return [(int(site), as_date(d), int(n)) for site, d, n in rows]


def households_total(cursor: CursorWrapper) -> int:
    cursor.execute("SELECT COUNT(DISTINCT hid) FROM hv_record")
    row = cursor.fetchone()
    return int(row[0]) if row else 0


def vulnerabilities(cursor: CursorWrapper) -> dict[str, int]:
    """Return persons (clusters) per vulnerability code; "disability" is any disability_*."""
    rows = _rows(cursor,
                 "SELECT CASE WHEN v.code LIKE 'disability%%' THEN 'disability' "
                 "ELSE v.code END AS code, "
                 "COUNT(DISTINCT r.cid) FROM registry_personvulnerability v "
                 "JOIN hv_record r ON r.pid = v.person_id GROUP BY 1", [])
    counts = {str(code): int(n) for code, n in rows}
    cursor.execute("SELECT COUNT(DISTINCT r.cid) FROM registry_personvulnerability v "
                   "JOIN hv_record r ON r.pid = v.person_id "
                   "WHERE v.code IN ('injured', 'burns')")
    row = cursor.fetchone()
    counts["injured_or_burns"] = int(row[0]) if row else 0
    return counts


def occupancy(cursor: CursorWrapper) -> dict[int, int]:
    """Return present persons per site of their latest arrival (ties: the lowest site id)."""
    rows = _rows(cursor,
                 "SELECT latest.site_id, COUNT(*) FROM ("
                 "SELECT c.cid, MIN(s.site_id) AS site_id FROM hv_cluster c "
                 "JOIN hv_stay s ON s.cid = c.cid AND s.last_at = c.last_at "
                 "WHERE c.status = 'present' GROUP BY c.cid) latest GROUP BY 1", [])
    return {int(site): int(n) for site, n in rows}
