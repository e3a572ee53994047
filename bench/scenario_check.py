#!/usr/bin/env python3
"""The issue's scenario check at full scale: replay, link, report, compare with the tallies.

In a fresh SQLite database (a temporary HAVEN_VAR_DIR) it runs, as a user would:

    haven migrate
    haven scenario run karabakh-2023 [--scale S]     # 100,617 people at scale 1
    haven link run --user coordinator                 # the engine folds the duplicates
    haven report sitrep --date 2023-10-03 --format json -o -

then prints, for each day with a published tally, the report's cumulative unique
arrivals and raw registrations next to the tally, and the time each step took. It exits
2 if any day's unique arrivals are more than 0.5% away from its tally.

    .venv/bin/python bench/scenario_check.py               # the whole exodus
    .venv/bin/python bench/scenario_check.py --scale 0.1   # a tenth, quicker
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from haven.intake.scenarios.model import scenario_load  # noqa: E402
from haven.intake.scenarios.timeline import scaled  # noqa: E402
from machine import machine, machine_line  # noqa: E402

SCENARIO = "karabakh-2023"
TOLERANCE = 0.005


def haven(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[str, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "haven.cli.main", *args], env=env,
                          input=stdin, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"haven {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    options = parser.parse_args()
    print(machine_line(machine()), file=sys.stderr)
    folder = Path(tempfile.mkdtemp(prefix="haven-scenario-check-"))
    env = {**os.environ, "HAVEN_VAR_DIR": str(folder)}
    env.pop("HAVEN_DATABASE_URL", None)
    try:
        haven(env, "migrate")
        _out, replay_s = haven(env, "scenario", "run", SCENARIO, "--scale", str(options.scale))
        haven(env, "createuser", "check-coordinator", "--role", "coordinator",
              "--password-stdin", stdin="Kornidzor-Goris-1948\n")
        summary, link_s = haven(env, "link", "run", "--user", "check-coordinator")
        scenario = scenario_load(SCENARIO)
        last = max(t.date for t in scenario.tallies)
        report_json, report_s = haven(env, "report", "sitrep", "--date", last.isoformat(),
                                      "--format", "json", "-o", "-")
    finally:
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)
    report = json.loads(report_json)
    days = {d["date"]: d for d in report["days"]}
    print(f"replay {replay_s:.1f} s; link run {link_s:.1f} s; report {report_s:.1f} s "
          f"(wall, each a fresh process)")
    print(summary.strip().splitlines()[-1])
    print(f"\n{'date':<11} {'tally':>8} {'unique':>8} {'off %':>7} {'registrations':>13}")
    worst = 0.0
    for tally in scenario.tallies:
        target = scaled(tally.cumulative, options.scale)
        day = days[tally.date.isoformat()]
        unique = day["cumulative_arrivals"]
        off = (unique - target) / target
        worst = max(worst, abs(off))
        print(f"{tally.date.isoformat():<11} {target:>8,} {unique:>8,} {100 * off:>+7.2f} "
              f"{day['cumulative_registrations']:>13,}")
    met = worst <= TOLERANCE
    print(f"\nworst day {100 * worst:.2f}% from its tally: "
          f"{'within' if met else 'NOT within'} {100 * TOLERANCE:.1f}%")
    return 0 if met else 2


if __name__ == "__main__":
    sys.exit(main())
