#!/usr/bin/env python3
"""Benchmark the karabakh-2023 scenario replay: 100,617 people, as `haven` runs it.

The script builds a throw-away Haven (fresh SQLite database in a temporary
HAVEN_VAR_DIR, `haven migrate`), then runs `haven scenario run karabakh-2023` in a
child process: the same command, the same code path as an operator's. It reports the
wall time of the replay, people per second, the child's peak RSS and the replay's own
day-by-day table, then reads the SQLite file directly to check that each day's unique
arrivals at the border meet the scaled tallies.

    .venv/bin/python bench/intake_replay.py                 # the full replay, scale 1.0
    .venv/bin/python bench/intake_replay.py --scale 0.1     # a tenth, for a quick look
    .venv/bin/python bench/intake_replay.py --profile replay.prof   # under cProfile

Exit status: 0 if the replay was correct and within the target, 1 if a check failed,
2 if correct but slower than the target.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from machine import machine  # bench/machine.py

REPO = Path(__file__).resolve().parent.parent
SCENARIO = "karabakh-2023"
TARGET_SECONDS = 600.0
EXIT_OK, EXIT_BROKEN, EXIT_SLOW = 0, 1, 2
TALLIES = {"2023-09-24": 1050, "2023-09-25": 6500, "2023-09-26": 28000,
           "2023-09-27": 50000, "2023-09-28": 65000, "2023-09-29": 97700,
           "2023-09-30": 100400, "2023-10-02": 100514, "2023-10-03": 100617}








def _haven(haven: str, args: list[str], env: dict[str, str], *,
           profile: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [haven, *args]
    if profile is not None:
        command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m",
                   "haven.cli.main", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def border_days(database: Path) -> dict[str, int]:
    """Return the people first registered at the border per local (Yerevan) day."""
    yerevan = zoneinfo.ZoneInfo("Asia/Yerevan")
    counts: dict[str, int] = {}
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        rows = db.execute(
            "SELECT a.arrived_at FROM registry_arrival a JOIN registry_site s "
            "ON s.id = a.site_id WHERE s.slug = 'kornidzor'")
        for (arrived_at,) in rows:
            moment = dt.datetime.fromisoformat(str(arrived_at))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            day = moment.astimezone(yerevan).date().isoformat()
            counts[day] = counts.get(day, 0) + 1
    return counts


def check_tallies(database: Path, scale: float) -> list[str]:
    """Return the days whose cumulative unique arrivals miss round(tally * scale)."""
    problems = []
    cumulative = 0
    days = border_days(database)
    for day in sorted(days):
        cumulative += days[day]
        if day in TALLIES and cumulative != round(TALLIES[day] * scale):
            problems.append(f"{day}: {cumulative} people, tally {round(TALLIES[day] * scale)}")
    return problems


def run(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="haven-replay-"))
    env = {**os.environ, "HAVEN_VAR_DIR": str(folder)}
    env.pop("HAVEN_DATABASE_URL", None)  # SQLite, in the temporary folder
    try:
        migrated = _haven(args.haven, ["migrate"], env)
        if migrated.returncode != 0:
            raise SystemExit(f"haven migrate failed:\n{migrated.stderr}")
        say(f"replaying {SCENARIO} at scale {args.scale:g} into {folder} ...")
        started = time.monotonic()
        replay = _haven(args.haven, ["scenario", "run", SCENARIO, "--scale", str(args.scale),
                                     "--seed", str(args.seed)], env, profile=args.profile)
        seconds = time.monotonic() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if replay.returncode != 0:
            raise SystemExit(f"the replay failed:\n{replay.stdout}\n{replay.stderr}")
        database = folder / "haven.sqlite3"
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            persons = db.execute("SELECT COUNT(*) FROM registry_person").fetchone()[0]
            households = db.execute("SELECT COUNT(*) FROM registry_household").fetchone()[0]
            arrivals = db.execute("SELECT COUNT(*) FROM registry_arrival").fetchone()[0]
        people = sum(border_days(database).values())
        return {
            "benchmark": "intake_replay", "machine": machine(), "scale": args.scale,
            "seed": args.seed, "seconds": round(seconds, 1),
            "people": people, "people_per_s": round(people / seconds, 1),
            "registrations": persons, "households": households, "arrivals": arrivals,
            "peak_rss_mib": round(peak_kib / 1024, 1),
            "database_mib": round(database.stat().st_size / 2**20, 1),
            "tally_problems": check_tallies(database, args.scale),
            "table": [line for line in replay.stdout.splitlines()
                      if not line.startswith("Replaying")],
            "target_seconds": TARGET_SECONDS,
            "pass": seconds < TARGET_SECONDS,
        }
    finally:
        if args.keep:
            say(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def print_report(report: dict[str, Any]) -> None:
    info = report["machine"]
    print(f"machine   {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM; "
          f"Python {info['python']}, SQLite {info['sqlite']}; Haven {info['haven_commit']}")
    print(f"replay    {SCENARIO} at scale {report['scale']:g}, seed {report['seed']}")
    print()
    for line in report["table"]:
        print(f"  {line}")
    print()
    print(f"wall time {report['seconds']:.1f} s; {report['people']:,} people "
          f"({report['people_per_s']:.0f}/s), {report['registrations']:,} registrations, "
          f"{report['households']:,} households, {report['arrivals']:,} arrivals")
    print(f"memory    peak RSS {report['peak_rss_mib']:.0f} MiB; database "
          f"{report['database_mib']:.0f} MiB")
    tallies = report["tally_problems"]
    print(f"tallies   {'PASS' if not tallies else 'FAIL'}: cumulative unique arrivals at "
          f"Kornidzor per day {'meet every scaled tally' if not tallies else 'miss: '}"
          + "; ".join(tallies))
    verdict = "PASS" if report["pass"] else "FAIL"
    print(f"target    {verdict}: full replay under {report['target_seconds'] / 60:g} minutes: "
          f"measured {report['seconds'] / 60:.1f} minutes")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/intake_replay.py", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="share of the people to replay (default: %(default)s, the "
                             "full 100,617; the target is for 1.0)")
    parser.add_argument("--seed", type=int, default=2023, help="default: %(default)s")
    parser.add_argument("--haven", default=str(Path(sys.executable).parent / "haven"),
                        help="the haven command (default: next to this Python: %(default)s)")
    parser.add_argument("--profile", type=Path, metavar="PATH",
                        help="run the replay under cProfile and write its statistics to "
                             "PATH (slower; read with python -m pstats PATH)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary HAVEN_VAR_DIR and print where it is")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 10:
        parser.error("--scale must be above 0 and at most 10")
    if not Path(args.haven).exists():
        parser.error(f"no haven command at {args.haven}; pass --haven PATH")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = run(args)
    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_report(report)
    if report["tally_problems"]:
        return EXIT_BROKEN
    full = args.scale == 1.0
    return EXIT_OK if report["pass"] or not full else EXIT_SLOW


if __name__ == "__main__":
    sys.exit(main())
