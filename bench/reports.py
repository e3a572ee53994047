#!/usr/bin/env python3
"""Benchmark the situation report on a registry of 1,000,000 person records (SQLite).

The first run builds a throw-away database in HAVEN_VAR_DIR (default
/tmp/reports-bench): `haven migrate`, three sites, then persons, households, arrivals
and vulnerabilities inserted directly in bulk, shaped like the karabakh-2023 replay at
ten times its size: every household crosses at Kornidzor between 24 September and
3 October (following the government tallies' daily shares), then arrives at Goris or
Vayk a few hours later; 3% of the records are second registrations at a hub, already
merged into the first one (as the linkage engine would leave them); 4% carry a
vulnerability; a few are departed or deceased. Rows carry the arrival summaries the
registry keeps (haven.registry.summaries). Later runs reuse the database (`migrate`
fills the summaries of a database built before them).

Then it times `sitrep_build` for the last day (the whole figure set: days, sites, age
and sex, vulnerabilities, occupancy) and the JSON rendering, best of `--repeat` runs.

    .venv/bin/python bench/reports.py                  # 1,000,000 persons
    .venv/bin/python bench/reports.py --persons 100000 --var-dir /tmp/reports-bench-100k
    .venv/bin/python bench/reports.py --database-url postgres://postgres@127.0.0.1:5432/haven_reports_bench

Exit status: 0 within the target (2 s), 2 slower, 1 if the figures are wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from machine import machine  # bench/machine.py

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
EXIT_OK, EXIT_BROKEN, EXIT_SLOW = 0, 1, 2
# Daily shares of the karabakh-2023 crossings (from the tallies' increments).
DAILY = [("2023-09-24", 1050), ("2023-09-25", 5450), ("2023-09-26", 21500),
         ("2023-09-27", 22000), ("2023-09-28", 15000), ("2023-09-29", 32700),
         ("2023-09-30", 2700), ("2023-10-01", 60), ("2023-10-02", 54), ("2023-10-03", 103)]
VULNERABILITIES = ["injured", "burns", "malnourished", "disability_mobility",
                   "disability_seeing", "pregnant", "unaccompanied_child", "chronic_illness"]
BATCH = 20_000
SUMMARY = ("first_arrived_at, first_site_id, second_arrived_at, second_site_id,"
           " last_arrived_at, last_site_id, site_count")


def _setup(var_dir: Path, database_url: str | None) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ["HAVEN_VAR_DIR"] = str(var_dir)
    os.environ.pop("HAVEN_DATABASE_URL", None)
    if database_url:
        os.environ["HAVEN_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
    import django  # noqa: PLC0415 - after the environment is set

    django.setup()


def _build(persons: int, seed: int) -> None:  # noqa: PLR0912, PLR0915 - one linear build
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection, transaction  # noqa: PLC0415

    from haven.accounts.models import User  # noqa: PLC0415
    from haven.core.bulk import db_converter  # noqa: PLC0415
    from haven.core.ids import uuid7  # noqa: PLC0415
    from haven.registry.models import Arrival, Site  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    if Site.objects.filter(slug="kornidzor").exists():
        return
    print(f"building {persons:,} persons (once) ...", flush=True)
    started = time.monotonic()
    border = Site.objects.create(slug="kornidzor", kind="border_crossing",
                                 name_en="Kornidzor border post", settlement="Kornidzor",
                                 province="Syunik")
    goris = Site.objects.create(slug="goris", kind="reception_hub", name_en="Goris",
                                settlement="Goris", province="Syunik", capacity=1200)
    vayk = Site.objects.create(slug="vayk", kind="reception_hub", name_en="Vayk",
                               settlement="Vayk", province="Vayots Dzor", capacity=600)
    clerk = User.objects.create(username="bench-clerk", role="registrar")
    rng = random.Random(seed)
    zone = dt.timezone(dt.timedelta(hours=4))
    to_db = db_converter(Arrival, "arrived_at")
    stamps: dict[dt.datetime, Any] = {}

    def stamp(moment: dt.datetime) -> Any:
        moment = moment.replace(second=0, microsecond=0)
        if moment not in stamps:
            stamps[moment] = to_db(moment)
        return stamps[moment]

    total_weight = sum(w for _d, w in DAILY)
    made = 0
    households: list[tuple[Any, ...]] = []
    people: list[tuple[Any, ...]] = []
    arrivals: list[tuple[Any, ...]] = []
    vulnerable: list[tuple[Any, ...]] = []
    firsts: list[tuple[str, str, str, int | None, int | None, int | None, str]] = []

    def flush() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO registry_household (id, code, registered_at_id, place_of_origin,"  # noqa: S608 - constant columns
                " phone, phone_e164, size, created_at, created_by_id, channel, updated_at,"
                f" {SUMMARY}) VALUES (%s, %s, %s, '', '', '', %s, %s, %s, 'scenario', %s,"
                " %s, %s, %s, %s, %s, %s, %s)", households)
            cursor.executemany(
                "INSERT INTO registry_person (id, code, household_id, position, given_name,"  # noqa: S608 - constant columns
                " given_name_script, family_name, family_name_script, patronymic,"
                " patronymic_script, given_name_key, family_name_key, sex, birth_year,"
                " birth_month, birth_day, birth_date_precision, relationship, document_type,"
                " document_number, status, merged_into_id, created_at, updated_at,"
                f" registered_at_id, {SUMMARY}) VALUES"
                " (%s, %s, %s, %s, 'X', 'latin', 'Y', 'latin', '', '', 'x', 'y', %s, %s, %s,"
                " %s, %s, 'head', 'none', '', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                people)
            cursor.executemany(
                "INSERT INTO registry_arrival (id, person_id, site_id, arrived_at,"
                " recorded_by_id, channel) VALUES (%s, %s, %s, %s, %s, 'scenario')", arrivals)
            cursor.executemany("INSERT INTO registry_personvulnerability (person_id, code)"
                               " VALUES (%s, %s)", vulnerable)
        for batch in (households, people, arrivals, vulnerable):
            batch.clear()

    number = 0
    for day_text, weight in DAILY:
        day = dt.date.fromisoformat(day_text)
        target = round(persons * weight / total_weight) if day_text != DAILY[-1][0] \
            else persons - made
        done = 0
        while done < target:
            size = min(rng.choice((1, 2, 2, 3, 3, 4, 4, 5, 6)), target - done)
            crossed = dt.datetime(day.year, day.month, day.day, tzinfo=zone) + dt.timedelta(
                minutes=rng.randrange(6 * 60, 24 * 60))
            hub = goris if rng.random() < 0.62 else vayk
            # Onward to the hub within the same local day: a day's people are that day's.
            latest = dt.datetime(day.year, day.month, day.day, 23, 59, tzinfo=zone)
            onward = min(crossed + dt.timedelta(minutes=rng.randrange(30, 600)), latest)
            again = rng.random() < 0.03 and len(firsts) > 0
            site = hub if again else border
            # Ids as Haven mints them: time-ordered UUIDv7, so the key order is the order
            # of registration (and of the rows in the file), as in a real registry.
            household_id = uuid7().hex
            number += 1
            # The arrival summary the registry keeps (haven.registry.summaries).
            summary = ((stamp(onward), hub.pk, None, None, stamp(onward), hub.pk, 1) if again
                       else (stamp(crossed), border.pk, stamp(onward), hub.pk, stamp(onward),
                             hub.pk, 2))
            households.append((household_id, f"B{number:011d}", site.pk, size, stamp(crossed),
                               clerk.pk, stamp(crossed), *summary))
            for position in range(size):
                person_id = uuid7().hex
                made += 1
                if again:  # a second registration at the hub, merged into an earlier record
                    first_id, sex, precision, year, month, born_day, _s = rng.choice(firsts)
                    merged: str | None = first_id
                    at = onward
                else:
                    sex = rng.choice(("female", "female", "male", "male", "unknown"))
                    year = rng.randrange(1923, 2023)
                    precision = rng.choice(("day", "month", "year", "estimated"))
                    month = rng.randrange(1, 13) if precision in {"day", "month"} else None
                    born_day = rng.randrange(1, 29) if precision == "day" else None
                    merged = None
                    at = crossed
                    if len(firsts) < 50_000:
                        firsts.append((person_id, sex, precision, year, month, born_day, ""))
                    elif rng.random() < 0.05:
                        firsts[rng.randrange(len(firsts))] = (person_id, sex, precision, year,
                                                              month, born_day, "")
                status = "present"
                roll = rng.random()
                if roll < 0.002:
                    status = "deceased"
                elif roll < 0.02:
                    status = "departed"
                people.append((person_id, f"P{made:011d}", household_id, position, sex, year,
                               month, born_day, precision, status, merged, stamp(at),
                               stamp(at), site.pk, *summary))
                arrivals.append((uuid7().hex, person_id, site.pk, stamp(at), clerk.pk))
                if not again:
                    arrivals.append((uuid7().hex, person_id, hub.pk, stamp(onward), clerk.pk))
                if rng.random() < 0.04:
                    vulnerable.append((person_id, rng.choice(VULNERABILITIES)))
            done += size
            if len(people) >= BATCH:
                flush()
        print(f"  {day_text}: {made:,} persons", flush=True)
    flush()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)


def _casualties(count: int, seed: int) -> int:
    """Fill the casualty register (haven.protection) up to `count` records, through the
    model, so their descriptions are encrypted as Haven stores them; return the count."""
    from haven.accounts.models import User  # noqa: PLC0415
    from haven.core import clock  # noqa: PLC0415
    from haven.protection.models import Casualty, Incident  # noqa: PLC0415
    from haven.registry.models import Site  # noqa: PLC0415

    have = Casualty.objects.count()
    if have >= count:
        return have
    clerk = User.objects.get(username="bench-clerk")
    incident, _ = Incident.objects.get_or_create(
        name="Berkadzor fuel depot explosion", defaults={
            "kind": "explosion", "occurred_on": dt.date(2023, 9, 25), "place": "Berkadzor",
            "created_by": clerk, "created_at": clock.now()})
    sites = list(Site.objects.order_by("slug"))
    rng = random.Random(seed)
    now = clock.now()
    rows = [Casualty(
        incident=incident, kind=rng.choice(["dead", "dead", "dead", "injured", "injured",
                                            "missing"]),
        site=rng.choice(sites), occurred_on=dt.date(2023, 9, rng.randint(24, 30)),
        sex=rng.choice(["male", "female", "unknown"]), approximate_age=rng.randint(1, 90),
        clothing="dark coat, felt boots", belongings="documents in a plastic bag",
        found_at="road from Berkadzor", injuries="burns over 30% of the body",
        created_by=clerk, created_at=now, updated_at=now) for _ in range(count - have)]
    Casualty.objects.bulk_create(rows, batch_size=1000)
    return Casualty.objects.count()


def _measure(repeat: int, date: dt.date) -> dict[str, Any]:
    from haven.accounts.access import Actor  # noqa: PLC0415
    from haven.accounts.models import User  # noqa: PLC0415
    from haven.registry.models import Person  # noqa: PLC0415
    from haven.reports.rendering import sitrep_json  # noqa: PLC0415
    from haven.reports.services import sitrep_build  # noqa: PLC0415

    user, _ = User.objects.get_or_create(username="bench-coordinator",
                                         defaults={"role": "coordinator"})
    actor = Actor(user=user, channel="cli")
    build_times: list[float] = []
    cpu_times: list[float] = []
    render_times: list[float] = []
    report = None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        report = sitrep_build(actor=actor, date=date)
        build_times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu)
        started = time.perf_counter()
        text = json.dumps(sitrep_json(report))
        render_times.append(time.perf_counter() - started)
    assert report is not None  # noqa: S101 - repeat >= 1
    end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(),
                              tzinfo=dt.timezone(dt.timedelta(hours=4)))
    arrived = Person.objects.filter(arrivals__arrived_at__lt=end).distinct()
    records = arrived.count()
    unique = arrived.filter(merged_into__isnull=True).count()
    last = report.days[-1]
    correct = (last.cumulative_registrations == records
               and last.cumulative_arrivals == unique)
    return {
        "persons": records, "unique": unique, "date": date.isoformat(),
        "sitrep_build_s": min(build_times), "sitrep_build_cpu_s": min(cpu_times),
        "json_render_s": min(render_times),
        "total_s": min(b + r for b, r in zip(build_times, render_times, strict=True)),
        "all_runs_s": [round(b, 3) for b in build_times], "json_bytes": len(text),
        "cumulative_arrivals": last.cumulative_arrivals,
        "cumulative_registrations": last.cumulative_registrations, "correct": correct,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--var-dir", type=Path, default=Path("/tmp/reports-bench"))  # noqa: S108
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2023, 10, 3))
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--build-only", action="store_true", help="build the database, stop")
    parser.add_argument("--casualties", type=int, default=0, metavar="N",
                        help="fill the casualty register to N records first (the report's "
                             "deaths and injuries; 4300 is the 2023 register at ten times)")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL database to build and measure instead of SQLite "
                             "(postgres://postgres@127.0.0.1:5432/haven_reports_bench)")
    args = parser.parse_args()
    args.var_dir.mkdir(parents=True, exist_ok=True)
    _setup(args.var_dir, args.database_url)
    _build(args.persons, args.seed)
    casualties = _casualties(args.casualties, args.seed) if args.casualties else 0
    if args.build_only:
        return EXIT_OK
    figures = _measure(max(1, args.repeat), args.date)
    figures["casualties"] = casualties
    figures["machine"] = machine()
    if args.json:
        print(json.dumps(figures, indent=2, default=str))
    else:
        print(f"{figures['persons']:,} person records ({figures['unique']:,} unique), "
              f"report for {figures['date']}")
        print(f"sitrep_build  {figures['sitrep_build_s']:.3f} s wall, "
              f"{figures['sitrep_build_cpu_s']:.3f} s CPU (best of {args.repeat}: "
              f"{figures['all_runs_s']})")
        print(f"JSON render   {figures['json_render_s']:.3f} s ({figures['json_bytes']:,} bytes)")
        print(f"total         {figures['total_s']:.3f} s (target {TARGET_SECONDS:g} s)")
        if casualties:
            print(f"casualty register {casualties:,} records")
        print(f"figures {'correct' if figures['correct'] else 'WRONG'}: "
              f"{figures['cumulative_arrivals']:,} unique, "
              f"{figures['cumulative_registrations']:,} registrations")
    if not figures["correct"]:
        return EXIT_BROKEN
    return EXIT_OK if figures["total_s"] < TARGET_SECONDS else EXIT_SLOW


if __name__ == "__main__":
    sys.exit(main())
