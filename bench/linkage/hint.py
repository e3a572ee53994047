#!/usr/bin/env python3
"""Benchmark the registration-time hint on a registry of 1,000,000 persons.

While a clerk types a member's names and birth date, Haven looks up people already
registered who may be the same (`haven.linkage.selectors.registration_hints`: name keys
+ birth year ±1, surname key + birth year, the household's phone; only persons at the
clerk's sites; audited). Target (issue 4): p95 under 100 ms at 1M persons, and faster
than Splink's `predict_between` for one record against the same 1M records.

The database is built once, by `haven scenario run karabakh-2023 --scale 10` (names in
three scripts, ~2.5% registered twice) in the given HAVEN_VAR_DIR, and reused on later
runs. Then, in one process and in the same run:

- `registration_hints` for >= 500 lookups as a registrar of one hub (the visibility rule
  applies) and as a coordinator (every site); each lookup writes its audit row, as in use;
- the htmx fragment `/households/new/hint/` through Django's request cycle (session,
  middleware, template) for the same lookups, as the registrar;
- Splink 5 `predict_between(one new record, the 1M records)` on DuckDB, with comparisons
  on the same name keys, blocking on surname key + birth year, names, and phone.

    .venv/bin/python bench/linkage/hint.py --var-dir /tmp/haven-hint-1m
    .venv/bin/python bench/linkage/hint.py --var-dir /tmp/haven-hint-small --scale 0.2

Exit status: 0 if the hint's p95 is within the target, 2 if slower.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
for path in (REPO, REPO / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench.machine import machine, machine_busy_seconds, machine_line  # noqa: E402

TARGET_P95_MS = 100.0
SPLINK_ISSUE_P95_MS = 234.0
HAVEN = [str(REPO / ".venv" / "bin" / "haven")]


def build(var_dir: Path, scale: float, minimum: int) -> None:
    """Create the registry once: migrate and replay the scenario at `scale`."""
    env = {**os.environ, "HAVEN_VAR_DIR": str(var_dir)}
    database = var_dir / "haven.sqlite3"
    if database.exists() and _persons(database) >= minimum:
        return
    var_dir.mkdir(parents=True, exist_ok=True)
    print(f"Building the registry in {var_dir} (scenario at scale {scale}) ...", flush=True)
    started = time.perf_counter()
    subprocess.run([*HAVEN, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([*HAVEN, "scenario", "run", "karabakh-2023", "--scale", str(scale)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def _persons(database: Path) -> int:
    import sqlite3  # noqa: PLC0415 - only the build check reads the file directly

    try:
        with sqlite3.connect(database) as connection:
            return int(connection.execute("SELECT count(*) FROM registry_person").fetchone()[0])
    except sqlite3.Error:
        return 0


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {"n": len(ordered), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99),
            "mean": statistics.fmean(ordered), "max": ordered[-1]}


def timed(calls: list[Callable[[], Any]]) -> list[float]:
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def lookups(count: int, seed: int) -> list[dict[str, str]]:
    """Return what clerks type: mostly people already registered (their names and birth
    year, in the script of another registration), some new people, some phones."""
    from haven.registry.models import Person  # noqa: PLC0415

    rng = random.Random(seed)
    ids = list(Person.objects.order_by("id").values_list("id", flat=True))
    chosen = [rng.choice(ids) for _index in range(count)]
    found = {p["id"]: p for p in Person.objects.filter(id__in=set(chosen)).values(
        "id", "given_name", "family_name", "birth_year", "household__phone")}
    typed = []
    for pk in chosen:
        person = found[pk]
        query = {"given_name": person["given_name"], "family_name": person["family_name"],
                 "birth_date": str(person["birth_year"] or ""), "phone": ""}
        roll = rng.random()
        if roll < 0.2:  # a person not registered yet: another name, another year
            query["given_name"] = rng.choice(["Zaruhi", "Вардгес", "Գեղամ", "Shushanik"])
            query["birth_date"] = str(rng.randint(1930, 2023))
        elif roll < 0.4:  # the household's phone typed first
            query["phone"] = person["household__phone"] or ""
        typed.append(query)
    return typed


def splink_between(queries: list[dict[str, str]], count: int) -> dict[str, Any]:
    """Time Splink's predict_between for one record against every registered person."""
    import pandas as pd  # noqa: PLC0415
    import splink.comparison_library as cl  # noqa: PLC0415
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: PLC0415

    from haven.core.names import given_name_key, surname_key  # noqa: PLC0415
    from haven.registry.models import Person  # noqa: PLC0415
    from haven.registry.phones import clean_phone  # noqa: PLC0415

    started = time.perf_counter()
    rows = Person.objects.order_by().values_list(
        "id", "given_name_key", "family_name_key", "birth_year", "household__phone_e164")
    frame = pd.DataFrame(
        [(str(pk), g or None, f or None, y, p or None) for pk, g, f, y, p in rows.iterator(
            chunk_size=50_000)],
        columns=["unique_id", "given_key", "family_key", "birth_year", "phone"])
    loaded = time.perf_counter() - started
    db_api = DuckDBAPI()
    existing = db_api.register(frame, dataset_display_name="registry")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("given_key"), cl.NameComparison("family_key"),
                     cl.ExactMatch("birth_year"), cl.ExactMatch("phone")],
        blocking_rules_to_generate_predictions=[
            block_on("family_key", "birth_year"), block_on("given_key", "family_key"),
            block_on("phone")],
    )
    linker = Linker(existing, settings)
    for column in ("given_key", "family_key"):  # NameComparison adjusts by name frequency
        linker.table_management.compute_tf_table(column)
    samples = []
    for index, query in enumerate(queries[:count]):
        year = query["birth_date"][:4]
        one = pd.DataFrame([{
            "unique_id": f"new-{index}",
            "given_key": given_name_key(query["given_name"]) or None,
            "family_key": surname_key(query["family_name"]) or None,
            "birth_year": int(year) if year.isdigit() else None,
            "phone": (clean_phone(query["phone"])[1] or None) if query["phone"] else None,
        }]).astype({"birth_year": "Int64"})
        began = time.perf_counter()
        new = db_api.register(one, dataset_display_name=f"new_{index}")
        linker.inference.predict_between(new, existing,
                                         warning_mode="never").as_pandas_dataframe()
        samples.append((time.perf_counter() - began) * 1000)
    return {"load_seconds": round(loaded, 1), **percentiles(samples)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "haven-bench-hint")
    parser.add_argument("--scale", type=float, default=10.0,
                        help="scenario scale of the registry (10 = ~1,030,000 records)")
    parser.add_argument("--lookups", type=int, default=600)
    parser.add_argument("--splink-lookups", type=int, default=100)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    build(args.var_dir, args.scale, minimum=int(95_000 * args.scale))
    os.environ["HAVEN_VAR_DIR"] = str(args.var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
    warnings.simplefilter("ignore")
    import django  # noqa: PLC0415

    django.setup()
    from django.test import Client  # noqa: PLC0415

    from haven.accounts.access import Actor  # noqa: PLC0415
    from haven.accounts.models import User  # noqa: PLC0415
    from haven.linkage.selectors import registration_hints  # noqa: PLC0415
    from haven.registry.models import Arrival, Person, Site  # noqa: PLC0415

    info = machine()
    busy_before, wall_before = machine_busy_seconds(), time.perf_counter()
    persons = Person.objects.count()
    hub = Site.objects.get(pk=Arrival.objects.exclude(site__kind="border_crossing")
                           .values_list("site", flat=True)[:1].get())
    registrar, _created = User.objects.get_or_create(username="bench-hint-registrar",
                                                     defaults={"role": "registrar"})
    registrar.sites.set([hub])
    coordinator, _created = User.objects.get_or_create(username="bench-hint-coordinator",
                                                       defaults={"role": "coordinator"})
    queries = lookups(args.lookups, args.seed)
    results: dict[str, Any] = {"persons": persons, "hub": hub.slug, "machine": info}
    for name, user in (("registrar", registrar), ("coordinator", coordinator)):
        actor = Actor(user=user, channel="web", client_address="127.0.0.1")
        found = []

        def call(query: dict[str, str], actor: Actor = actor, found: list[int] = found) -> None:
            found.append(len(registration_hints(actor=actor, **query)))

        registration_hints(actor=actor, **queries[0])  # warm the caches once
        samples = timed([lambda q=q: call(q) for q in queries])
        results[f"hint_{name}"] = {**percentiles(samples),
                                   "with_suggestions": sum(1 for n in found if n)}
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(registrar)
    page_queries = [{"row": "0", "members-0-given_name": q["given_name"],
                     "members-0-family_name": q["family_name"],
                     "members-0-birth_date": q["birth_date"], "phone": q["phone"]}
                    for q in queries]
    browser.get("/households/new/hint/", page_queries[0])
    results["hint_page_registrar"] = percentiles(timed([
        lambda q=q: browser.get("/households/new/hint/", q) for q in page_queries]))
    results["splink_predict_between"] = splink_between(queries, args.splink_lookups)
    wall = time.perf_counter() - wall_before
    results["machine_busy_share"] = round(
        (machine_busy_seconds() - busy_before) / (wall * (os.cpu_count() or 1)), 2)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0 if results["hint_registrar"]["p95"] <= TARGET_P95_MS else 2


def report(results: dict[str, Any]) -> None:
    print(machine_line(results["machine"]))
    print(f"Registry: {results['persons']:,} person records; registrar of {results['hub']}; "
          f"machine busy {results['machine_busy_share']:.0%} during the run")
    print(f"{'lookup':<44} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    labels = {"hint_registrar": "Haven hint, registrar (own site; audited)",
              "hint_coordinator": "Haven hint, coordinator (every site; audited)",
              "hint_page_registrar": "Haven hint page /households/new/hint/",
              "splink_predict_between": "Splink predict_between, 1 vs all"}
    for key, label in labels.items():
        r = results[key]
        print(f"{label:<44} {r['n']:>5} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} "
              f"{r['max']:>8.1f}")
    hint, splink = results["hint_registrar"], results["splink_predict_between"]
    print(f"p95: hint {hint['p95']:.1f} ms (target {TARGET_P95_MS:.0f} ms); Splink "
          f"{splink['p95']:.1f} ms (issue: {SPLINK_ISSUE_P95_MS:.0f} ms); Splink/hint "
          f"{splink['p95'] / hint['p95']:.1f}x. Lookups with a suggestion: "
          f"{hint['with_suggestions']} of {hint['n']}.")


if __name__ == "__main__":
    sys.exit(main())
