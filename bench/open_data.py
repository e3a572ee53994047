#!/usr/bin/env python3
"""Benchmark the open-data publication on the situation report's benchmark registry.

The publication (`haven.reports.publication`) is what every open-data answer is cut
from: the report over every site, one report per province over its sites, and one
suppression over every figure of every geography and day. This times
`publication_build` and both tables in CSV and XLSX for the last day, best of
`--repeat` runs, next to `sitrep_build` (every site) measured in the same run as the
peer, and a request that finds the publication kept (no audited write since). The
database is the one `bench/reports.py` builds (same options; the first run builds it).

    .venv/bin/python bench/open_data.py --persons 100000 --var-dir /tmp/reports-bench-100k
    .venv/bin/python bench/open_data.py                 # 1,000,000 persons
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import reports  # bench/reports.py: the registry it builds
from machine import machine  # bench/machine.py


def _measure(repeat: int, date: dt.date) -> dict[str, Any]:
    from haven.accounts.access import Actor  # noqa: PLC0415
    from haven.accounts.models import User  # noqa: PLC0415
    from haven.reports import exports  # noqa: PLC0415
    from haven.reports.publication import (  # noqa: PLC0415
        geographies_for,
        publication_build,
        publications_forget,
    )
    from haven.reports.services import sitrep_build  # noqa: PLC0415

    user, _ = User.objects.get_or_create(username="bench-viewer", defaults={"role": "viewer"})
    actor = Actor(user=user, channel="cli")
    peer: list[float] = []
    built: list[float] = []
    written: list[float] = []
    publication = None
    for _ in range(repeat):
        started = time.perf_counter()
        sitrep_build(actor=actor, date=date)
        peer.append(time.perf_counter() - started)
        publications_forget()  # build it: a kept one would be measured as nothing
        started = time.perf_counter()
        publication = publication_build(date=date)
        built.append(time.perf_counter() - started)
        started = time.perf_counter()
        geographies = geographies_for(publication, actor=actor)
        for table in (exports.sites_table(publication, geographies),
                      exports.dtm_table(publication, geographies)):
            exports.table_csv(table)
            exports.table_xlsx(table)
        written.append(time.perf_counter() - started)
    assert publication is not None  # noqa: S101 - repeat >= 1
    started = time.perf_counter()
    publication_build(date=date)  # kept since the last build: what later requests pay
    kept = time.perf_counter() - started
    return {"date": date.isoformat(), "sitrep_build_s": min(peer),
            "publication_build_s": min(built), "publication_kept_s": kept,
            "tables_s": min(written),
            "ratio": min(built) / min(peer), "cells": len(publication.figures.values),
            "withheld": len(publication.hidden.cells),
            "geographies": len(publication.figures.geographies)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--var-dir", type=Path, default=Path("/tmp/reports-bench"))  # noqa: S108
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2023, 10, 3))
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    args.var_dir.mkdir(parents=True, exist_ok=True)
    reports._setup(args.var_dir, args.database_url)
    reports._build(args.persons, args.seed)
    figures = _measure(max(1, args.repeat), args.date)
    figures["machine"] = machine()
    print(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
