#!/usr/bin/env python3
"""De-duplication at scale: Haven's engine and Splink on a FEBRL-shaped table, and link_new.

For each size (100,000 and 1,000,000 records by default) the script writes a FEBRL-shaped
table (`bench/linkage/febrl_shaped.py`: FEBRL's columns, values and corruptions, 15% of
the records duplicates), the same rows for the same size and seed every time, into a
work folder, and then runs each system in a process of its own, so that each peak
memory (the kernel's RSS high-water mark of that process, from wait4) is its own:

- haven: `haven.linkage.engine.dedupe` (DuckDB, trains its model by EM); the trained
  model is stored in the work folder for link_new;
- splink-broad / splink-tight: plain Splink with the comparisons of its FEBRL example,
  with nine blocking rules (recall first) or three (speed first), `bench/linkage/peers.py`;
- link-new: 33,000 further records (new people and people already in the table, as a
  day's arrivals) against the table with the stored model (`link_new`, no training).

It prints wall seconds (of the linkage call itself, not the process start-up or reading
the table), CPU seconds, peak RSS, pairwise precision, recall and F1 of the clusters
(and of link_new's pairs at or above 0.95), and how busy the rest of the machine was.

    .venv/bin/python bench/linkage/scale.py                               # both sizes, all
    .venv/bin/python bench/linkage/scale.py --size 100000 --only haven
    .venv/bin/python bench/linkage/scale.py --size 1000000 --only haven --only link-new
    .venv/bin/python bench/linkage/scale.py --json > out.json

Targets (issue 4): at 1,000,000 records F1 >= 0.98 within 120 s and 4 GB, better than
Splink with broad blocking; link_new of 33,000 against 1,000,000 under 60 s. Exit 2
when a target is missed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
for path in (REPO, REPO / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench.linkage.febrl_shaped import TRUTH, generate, haven_birth_date  # noqa: E402
from bench.linkage.metrics import cluster_scores, pair_scores  # noqa: E402
from bench.machine import machine, machine_busy_seconds, machine_line  # noqa: E402

SYSTEMS = ("haven", "splink-broad", "splink-tight", "link-new")
# Not run by default: how many pairs each of the stored model's blocking rules makes.
DIAGNOSTICS = ("haven-blocking",)
NEW_RECORDS = 33_000
UPPER = 0.95
TARGET_F1, TARGET_SECONDS, TARGET_GB, TARGET_LINK_NEW_SECONDS = 0.98, 120.0, 4.0, 60.0
TARGET_SIZE = 1_000_000


# ---------------------------------------------------------------- data
def table_path(folder: Path, size: int, seed: int) -> Path:
    """Return the work file of `size` + NEW_RECORDS rows, writing it on first use."""
    path = folder / f"febrl-shaped-{size}-{seed}.parquet"
    if not path.exists():
        started = time.perf_counter()
        table = generate(size + NEW_RECORDS, seed=seed)
        # The day's arrivals: the last NEW_RECORDS rows of the shuffled table.
        table["batch"] = ["existing"] * size + ["new"] * NEW_RECORDS
        partial = path.with_suffix(".partial")
        table.to_parquet(partial, index=False)
        partial.rename(path)
        print(f"  wrote {path.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def to_haven(table: pd.DataFrame) -> pd.DataFrame:
    """Map FEBRL's columns onto the engine's; the address goes along as optional extras."""
    return pd.DataFrame({
        "record_id": table["rec_id"].to_numpy(),
        "given_name": table["given_name"].to_numpy(),
        "family_name": table["surname"].to_numpy(),
        "birth_date": [haven_birth_date(v) for v in table["date_of_birth"]],
        "place_of_origin": table["suburb"].to_numpy(),
        "document_number": table["soc_sec_id"].to_numpy(),
        "address_1": table["address_1"].to_numpy(),
        "street_number": table["street_number"].to_numpy(),
        "postcode": table["postcode"].to_numpy(),
        "state": table["state"].to_numpy(),
    })


# ---------------------------------------------------------------- one system, one process
def worker(system: str, data: Path, out: Path, model_path: Path) -> dict[str, Any]:
    """Run one system on the table in `data`; write its clusters or pairs to `out`."""
    table = pd.read_parquet(data)
    existing = table[table["batch"] == "existing"]
    started = time.perf_counter()
    facts: dict[str, Any] = {}
    if system == "haven":
        from haven.linkage.engine import dedupe  # noqa: PLC0415

        records = to_haven(existing)
        stages: list[tuple[str, float, float]] = []
        started = time.perf_counter()

        def progress(stage: str, _fraction: float) -> None:
            stages.append((stage, time.perf_counter() - started, _peak_rss_gb()))

        result = dedupe(records, engine="duckdb", progress=progress)
        seconds = time.perf_counter() - started
        # Where the time and memory go: seconds spent in each stage, peak RSS at its end.
        facts["stages"] = [(label, round(end - begin, 1), peak) for (label, begin, _), (
            _next, end, peak) in itertools.pairwise(stages)]
        model_path.write_text(json.dumps(result.model))
        pd.DataFrame({"record_id": list(result.clusters),
                      "cluster": list(result.clusters.values())}).to_parquet(out)
        facts["pairs_scored_at_least_lower"] = len(result.pairs)
    elif system == "link-new":
        from haven.linkage.engine import link_new  # noqa: PLC0415

        if not model_path.exists():
            raise SystemExit(f"no stored model {model_path}: run --only haven first")
        model = json.loads(model_path.read_text())
        new, old = to_haven(table[table["batch"] == "new"]), to_haven(existing)
        started = time.perf_counter()
        pairs = link_new(new, old, model=model, engine="duckdb")
        seconds = time.perf_counter() - started
        pd.DataFrame([(p.left_id, p.right_id, p.probability) for p in pairs],
                     columns=["left_id", "right_id", "probability"]).to_parquet(out)
    elif system == "haven-blocking":
        if not model_path.exists():
            raise SystemExit(f"no stored model {model_path}: run --only haven first")
        facts["rules"] = blocking_counts(to_haven(existing), json.loads(model_path.read_text()))
        seconds = time.perf_counter() - started
        out.write_bytes(b"")
    else:
        from bench.linkage.peers import FEBRL_BROAD, FEBRL_TIGHT, splink_dedupe  # noqa: PLC0415

        frame = existing.drop(columns=[TRUTH, "batch"]).replace("", None)
        started = time.perf_counter()
        peer = splink_dedupe(frame, FEBRL_BROAD if system == "splink-broad" else FEBRL_TIGHT,
                             unique_id="rec_id", threshold=UPPER)
        seconds = time.perf_counter() - started
        pd.DataFrame({"record_id": peer.clusters.index, "cluster": peer.clusters.to_numpy()}
                     ).to_parquet(out)
        facts.update(train_seconds=round(peer.train_seconds, 1),
                     predict_seconds=round(peer.predict_seconds, 1))
    return {"seconds": seconds, **facts}


def blocking_counts(records: pd.DataFrame, model: dict[str, Any]) -> list[tuple[str, int]]:
    """Return each prediction blocking rule of `model` with the new pairs it adds."""
    from bench.linkage.diagnosis import typed  # noqa: PLC0415
    from splink import DuckDBAPI  # noqa: PLC0415
    from splink.blocking_analysis import (  # noqa: PLC0415
        count_comparisons_from_blocking_rules,
    )

    from haven.linkage.engine import prepare_records  # noqa: PLC0415

    prepared = prepare_records(records)
    columns = model.get("haven", {}).get("columns") or list(prepared.columns)
    for column in columns:
        if column not in prepared.columns:
            prepared[column] = pd.Series([None] * len(prepared), dtype="string")
    db_api = DuckDBAPI()
    table = db_api.register(typed(prepared[columns]), dataset_display_name="prepared")
    rules = [r["blocking_rule"] if isinstance(r, dict) else str(r)
             for r in model["blocking_rules_to_generate_predictions"]]
    counts = count_comparisons_from_blocking_rules(
        table, blocking_rules=rules, link_type="dedupe_only",
        unique_id_column_name=model.get("unique_id_column_name", "record_id"),
        record_sample_proportion=1.0)
    return [(c["blocking_rule"], int(c["marginal_comparison_count"])) for c in counts]


def _peak_rss_gb() -> float:
    """Return this process's RSS high-water mark so far, in GiB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)


def run_system(system: str, data: Path, folder: Path, size: int) -> dict[str, Any]:
    """Run `system` in a child process; return its figures and how busy the machine was."""
    out = folder / f"{system}-{size}.parquet"
    facts_path = folder / f"{system}-{size}.json"
    command = [sys.executable, __file__, "--worker", system, "--data", str(data),
               "--out", str(out), "--model", str(folder / f"model-{size}.json"),
               "--facts", str(facts_path)]
    busy, started = machine_busy_seconds(), time.perf_counter()
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        log.seek(0)
        output = log.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        return {"system": system, "failed": f"exit {code}: {output[-2000:]}"}
    cpu = usage.ru_utime + usage.ru_stime
    others = max(0.0, machine_busy_seconds() - busy - cpu)
    facts = json.loads(facts_path.read_text())
    return {"system": system, "process_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
            "peak_rss_gb": round(usage.ru_maxrss / 1024 / 1024, 2),
            "others_percent": round(100 * others / (wall * (os.cpu_count() or 1)), 1),
            "out": str(out), **facts}


def score(system: str, out: Path, table: pd.DataFrame) -> dict[str, Any]:
    """Return the pairwise scores of a system's clusters (or link_new's pairs)."""
    if system in DIAGNOSTICS:
        return {}
    if system == "link-new":
        truth = table.set_index("rec_id")[TRUTH]
        new_ids = set(table.loc[table["batch"] == "new", "rec_id"])
        pairs = pd.read_parquet(out)
        linked = pairs[pairs["probability"] >= UPPER]
        # True pairs that link_new should find: new-new and new-existing, not old-old.
        is_new = table["rec_id"].isin(new_ids)
        counts = table.groupby(TRUTH)["rec_id"].size()
        new_counts = table[is_new].groupby(TRUTH)["rec_id"].size()
        old_counts = (counts - new_counts.reindex(counts.index, fill_value=0))
        new_counts = new_counts.reindex(counts.index, fill_value=0)
        true_pairs = int((new_counts * (new_counts - 1) // 2 + new_counts * old_counts).sum())
        scores = pair_scores(truth, linked["left_id"], linked["right_id"])
        result = {"true_pairs": true_pairs, "predicted_pairs": scores.predicted_pairs,
                  "correct_pairs": scores.correct_pairs}
        precision = scores.correct_pairs / scores.predicted_pairs if scores.predicted_pairs \
            else 1.0
        recall = scores.correct_pairs / true_pairs if true_pairs else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {**result, "precision": round(precision, 4), "recall": round(recall, 4),
                "f1": round(f1, 4)}
    existing = table[table["batch"] == "existing"].set_index("rec_id")[TRUTH]
    clusters = pd.read_parquet(out).set_index("record_id")["cluster"].astype(str)
    return cluster_scores(existing, clusters).as_dict()


# ---------------------------------------------------------------- report
def targets(rows: list[dict[str, Any]]) -> list[str]:
    """Return the targets missed at TARGET_SIZE (only those that were measured)."""
    missed = []
    by = {(r["size"], r["system"]): r for r in rows if "failed" not in r}
    haven = by.get((TARGET_SIZE, "haven"))
    if haven:
        if haven["f1"] < TARGET_F1:
            missed.append(f"haven F1 {haven['f1']} < {TARGET_F1}")
        if haven["seconds"] > TARGET_SECONDS:
            missed.append(f"haven {haven['seconds']} s > {TARGET_SECONDS} s")
        if haven["peak_rss_gb"] > TARGET_GB:
            missed.append(f"haven {haven['peak_rss_gb']} GB > {TARGET_GB} GB")
        broad = by.get((TARGET_SIZE, "splink-broad"))
        if broad and not (haven["f1"] > broad["f1"] and haven["seconds"] < broad["seconds"]
                          and haven["peak_rss_gb"] < broad["peak_rss_gb"]):
            missed.append("haven not better than splink-broad on F1, time and memory")
    link = by.get((TARGET_SIZE, "link-new"))
    if link and link["seconds"] > TARGET_LINK_NEW_SECONDS:
        missed.append(f"link-new {link['seconds']} s > {TARGET_LINK_NEW_SECONDS} s")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append",
                        help="records (repeatable); default 100000 and 1000000")
    parser.add_argument("--only", choices=SYSTEMS + DIAGNOSTICS, action="append",
                        help="run only this system (repeatable); default: all four; "
                        "haven-blocking counts the pairs of each of Haven's blocking rules")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir())
                        / "haven-linkage-scale", help="where tables and models are kept")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--worker", choices=SYSTEMS + DIAGNOSTICS, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--facts", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        facts = worker(options.worker, options.data, options.out, options.model)
        options.facts.write_text(json.dumps(facts))
        return 0
    sizes = options.size or [100_000, TARGET_SIZE]
    systems = [s for s in SYSTEMS + DIAGNOSTICS if s in (options.only or SYSTEMS)]
    options.workdir.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"machine: {machine_line(info)}; load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    rows = []
    for size in sorted(sizes):
        data = table_path(options.workdir, size, options.seed)
        table = pd.read_parquet(data)
        for system in systems:
            print(f"  {size:,} records: {system} ...", file=sys.stderr)
            row = {"size": size, **run_system(system, data, options.workdir, size)}
            if "failed" not in row:
                row["seconds"] = round(row["seconds"], 1)
                row.update(score(system, Path(row.pop("out")), table))
            rows.append(row)
            print(f"    {json.dumps(row)[:400]}", file=sys.stderr)
        del table
    missed = targets(rows)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    if options.json:
        print(json.dumps({"machine": info, "seed": options.seed, "rows": rows,
                          "targets_missed": missed,
                          "harness_peak_rss_gb": round(usage.ru_maxrss / 2**20, 2)}, indent=2))
    else:
        report(rows, info, missed)
    failed = any("failed" in r for r in rows)
    return 1 if failed else 2 if missed else 0


def report(rows: list[dict[str, Any]], info: dict[str, Any], missed: list[str]) -> None:
    """Print the figures of every run, Haven's stages, and the targets missed."""
    print(f"machine: {machine_line(info)}")
    print(f"\n{'records':>9} {'system':<13} {'seconds':>8} {'CPU s':>7} {'peak GB':>7} "
          f"{'precision':>9} {'recall':>7} {'F1':>7} {'others':>7}")
    for r in rows:
        if r["system"] in DIAGNOSTICS and "failed" not in r:
            print(f"{r['size']:>9,} {r['system']:<13} pairs added by each blocking rule:")
            for rule, count in r["rules"]:
                print(f"{'':>10} {count:>12,}  {rule}")
            continue
        if "failed" in r:
            print(f"{r['size']:>9,} {r['system']:<13} FAILED {r['failed'][-300:]}")
            continue
        print(f"{r['size']:>9,} {r['system']:<13} {r['seconds']:>8} {r['cpu_seconds']:>7} "
              f"{r['peak_rss_gb']:>7} {r['precision']:>9} {r['recall']:>7} {r['f1']:>7} "
              f"{r['others_percent']:>6}%")
    for r in rows:
        if r.get("stages"):
            print(f"\nhaven at {r['size']:,}: seconds per stage (peak RSS GiB at its end): "
                  + "; ".join(f"{label} {sec} s ({peak})" for label, sec, peak
                              in r["stages"]))
    print("\nlink-new: 33,000 new records against the table, pairs >= 0.95 vs true "
          "new-new and new-existing pairs")
    print("targets at 1,000,000: " + ("all measured targets met" if not missed
                                      else "; ".join(missed)))


if __name__ == "__main__":
    sys.exit(main())
