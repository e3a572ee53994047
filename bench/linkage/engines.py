#!/usr/bin/env python3
"""DuckDB against Spark on one machine: seconds per size, and whether the clusters agree.

    .venv/bin/python bench/linkage/engines.py --sizes 5000 20000

Each size: the cross-script records of `people.py`, `dedupe` on DuckDB, then on Spark
(in this process: the JVM starts once, before the first size, and is timed apart; Spark
scores with the model trained on DuckDB, as the engine always does). Prints the seconds,
the clusters of more than one record, and whether the two engines' clusters are equal.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for path in (REPO, REPO / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench.linkage.people import generate  # noqa: E402
from bench.machine import machine, machine_line  # noqa: E402


def _groups(clusters: dict[str, str]) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for record, cluster_id in clusters.items():
        members.setdefault(cluster_id, set()).add(record)
    return {frozenset(g) for g in members.values()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000])
    options = parser.parse_args()
    from haven.linkage.engine import dedupe  # noqa: PLC0415
    from haven.linkage.engine.backends import spark_master, spark_session  # noqa: PLC0415

    print(f"machine: {machine_line(machine())}; Spark master {spark_master()}")
    started = time.perf_counter()
    spark_session()
    print(f"Spark session start: {time.perf_counter() - started:.1f} s")
    print(f"{'records':>8} {'duckdb s':>9} {'spark s':>8} {'clusters':>9} {'equal':>6}")
    for size in options.sizes:
        table = generate(size, seed=15).engine_input()
        timings, results = {}, {}
        for engine in ("duckdb", "spark"):
            started = time.perf_counter()
            results[engine] = dedupe(table, engine=engine)
            timings[engine] = time.perf_counter() - started
        duck, spark = (_groups(results[e].clusters) for e in ("duckdb", "spark"))
        print(f"{size:>8,} {timings['duckdb']:>9.1f} {timings['spark']:>8.1f} "
              f"{sum(len(g) > 1 for g in duck):>9,} {'yes' if duck == spark else 'NO':>6}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
