#!/usr/bin/env python3
"""Cross-script de-duplication: Haven's engine against Splink on raw and unidecoded strings.

The records come from `bench/linkage/people.py`: households registered one to three
times in Armenian, Cyrillic and Latin letters, with typos, partial and swapped dates,
missing fields, and hard negatives (relatives sharing surname, origin and phone; twins;
namesakes with the commonest names). In one run, on the same records, it de-duplicates
with Haven's engine (`haven.linkage.engine.dedupe`, DuckDB) and with two plain Splink
setups (`bench/linkage/peers.py`): raw strings, and strings flattened by unidecode.
It prints pairwise precision, recall and F1 (pairs in one cluster), the seconds, and the
ratios to Haven; then Haven's errors: missed pairs by how the two records differ, and
false links by what the two people are to each other, with examples.

    .venv/bin/python bench/linkage/cross_script.py                     # 20,000 records
    .venv/bin/python bench/linkage/cross_script.py --records 5000 --only haven
    .venv/bin/python bench/linkage/cross_script.py --no-household      # no household_id
    .venv/bin/python bench/linkage/cross_script.py --json > out.json

Exit status 0 when Haven's F1 is at least the target (0.95), 2 when it is below.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
for path in (REPO, REPO / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench.linkage import adversarial  # noqa: E402
from bench.linkage.diagnosis import diagnose_pairs  # noqa: E402
from bench.linkage.metrics import Scores, cluster_scores, pair_scores, wrong_pairs  # noqa: E402
from bench.linkage.peers import (  # noqa: E402
    CROSS_SCRIPT,
    count_comparisons,
    cross_script_frame,
    splink_dedupe,
)
from bench.linkage.people import (  # noqa: E402
    TRUTH,
    Generated,
    Variation,
    generate,
    pair_kind,
    pair_variations,
)
from bench.machine import machine, machine_busy_seconds, machine_line  # noqa: E402

TARGET_F1 = 0.95
SYSTEMS = ("haven", "splink-raw", "splink-unidecode")
UPPER = 0.95
DIAGNOSED = 400  # missed pairs re-scored without blocking, at most


@dataclass
class Run:
    system: str
    clusters: pd.Series
    linked: pd.DataFrame  # left_id, right_id of pairs scored >= UPPER
    seconds: float
    cpu_seconds: float
    others_percent: float
    comparisons: int
    scores: Scores | None = None
    pair_level: Scores | None = None
    extra: Any = None


def _measured(system: str, work: Callable[[], tuple[pd.Series, pd.DataFrame, int, Any]]
              ) -> Run:
    busy, cpu, started = machine_busy_seconds(), _cpu(), time.perf_counter()
    clusters, linked, comparisons, extra = work()
    seconds = time.perf_counter() - started
    own = _cpu() - cpu
    others = max(0.0, machine_busy_seconds() - busy - own)
    return Run(system=system, clusters=clusters, linked=linked, seconds=seconds,
               cpu_seconds=own, comparisons=comparisons, extra=extra,
               others_percent=100 * others / (seconds * (os.cpu_count() or 1)))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_haven(generated: Generated, *, household: bool) -> Run:
    from haven.linkage.engine import dedupe  # noqa: PLC0415

    def work() -> tuple[pd.Series, pd.DataFrame, int, Any]:
        result = dedupe(generated.engine_input(household=household), engine="duckdb")
        clusters = pd.Series(result.clusters)
        linked = pd.DataFrame([(p.left_id, p.right_id) for p in result.pairs
                               if p.probability >= UPPER], columns=["left_id", "right_id"])
        return clusters, linked, -1, result

    return _measured("haven", work)


def run_splink(generated: Generated, *, flatten: bool) -> Run:
    def work() -> tuple[pd.Series, pd.DataFrame, int, Any]:
        result = splink_dedupe(cross_script_frame(generated.records, flatten=flatten),
                               CROSS_SCRIPT, threshold=UPPER)
        linked = result.pairs[result.pairs["match_probability"] >= UPPER]
        return result.clusters, linked[["left_id", "right_id"]], -1, result

    run = _measured("splink-unidecode" if flatten else "splink-raw", work)
    run.comparisons = count_comparisons(run.extra)
    return run


def review_queue(run: Run) -> list[Any]:
    """Return the pairs the registry would queue: one per pair of clusters, the likeliest.

    Every returned pair whose records ended in two clusters (between the thresholds, or
    above the upper one but refused by the clustering because the records contradict
    each other); a reviewer is asked about two clusters once.
    """
    clusters = run.clusters.astype(str).to_dict()
    best: dict[tuple[str, str], Any] = {}
    for pair in run.extra.pairs:
        a, b = clusters[pair.left_id], clusters[pair.right_id]
        if a == b or not getattr(pair, "is_question", lambda: True)():
            continue
        key = (a, b) if a < b else (b, a)
        if key not in best or pair.probability > best[key].probability:
            best[key] = pair
    return list(best.values())


def after_review(run: Run, truth: pd.Series) -> tuple[Scores, int]:
    """Return Haven's scores once a perfect reviewer confirms the queue's true pairs.

    The review queue is `review_queue`; confirming a pair joins the two clusters (as a
    must-link does), rejecting it changes nothing. Also return the queue's length: the
    reviewers' work.
    """
    clusters = run.clusters.astype(str).to_dict()
    queue = review_queue(run)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for pair in queue:
        if truth[pair.left_id] == truth[pair.right_id]:
            a, b = find(clusters[pair.left_id]), find(clusters[pair.right_id])
            if a != b:
                parent[a] = b
    merged = pd.Series({k: find(v) for k, v in clusters.items()})
    return cluster_scores(truth, merged), len(queue)


# ---------------------------------------------------------------- Haven's errors
def error_analysis(generated: Generated, run: Run, *, examples: int,
                   household: bool) -> dict[str, Any]:
    """Return Haven's missed pairs by variation kind and false links by relation kind."""
    records = generated.records.set_index("record_id")
    truth = records[TRUTH]
    rows = records.to_dict("index")
    false_negatives, false_positives = wrong_pairs(truth, run.clusters)
    scored = {}
    if run.extra is not None and hasattr(run.extra, "pairs"):
        scored = {(p.left_id, p.right_id): p for p in run.extra.pairs}

    true_by_kind: collections.Counter[str] = collections.Counter()
    for _person, ids in truth.groupby(truth.to_numpy()):
        members = sorted(ids.index)
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                true_by_kind.update(pair_variations(rows[a], rows[b]))
    missed_by_kind: collections.Counter[str] = collections.Counter()
    bands: collections.Counter[str] = collections.Counter()
    for a, b in false_negatives:
        missed_by_kind.update(pair_variations(rows[a], rows[b]))
        pair = scored.get((a, b))
        bands["review band (lower <= p < upper)" if pair and pair.probability < UPPER
              else "scored >= upper, split by clustering" if pair
              else "not scored >= lower (blocked out or low)"] += 1
    false_by_kind: collections.Counter[str] = collections.Counter()
    direct = 0
    for a, b in false_positives:
        false_by_kind[pair_kind(generated.persons[truth[a]], generated.persons[truth[b]])] += 1
        direct += (a, b) in scored and scored[(a, b)].probability >= UPPER

    diagnosis = pd.DataFrame()
    if run.extra is not None and false_negatives:
        # Re-score the missed pairs without blocking: blocked out, or scored low, and why.
        sample = false_negatives[:: max(1, len(false_negatives) // DIAGNOSED)][:DIAGNOSED]
        diagnosis = diagnose_pairs(generated.engine_input(household=household),
                                   run.extra.model, sample)
    weights = {(r.left_id, r.right_id): r for r in diagnosis.itertuples(index=False)}

    def show(pairs: list[tuple[str, str]], label: Callable[[str, str], str]
             ) -> list[dict[str, Any]]:
        shown = []
        for a, b in pairs[:examples]:
            pair, weight = scored.get((a, b)), weights.get((a, b))
            levels = pair.levels if pair else {}
            if weight is not None:
                levels = {k[3:]: f"{v:+.1f}" for k, v in weight._asdict().items()
                          if k.startswith("mw_")}
                levels["blocking rules holding"] = weight.rules or "none"
            shown.append({"why": label(a, b), "probability": round(pair.probability, 4)
                          if pair else (round(weight.probability, 6) if weight else None),
                          "levels": levels, "a": _brief(a, rows[a]), "b": _brief(b, rows[b])})
        return shown

    blocked = diagnosis[diagnosis["rules"] == ""] if not diagnosis.empty else diagnosis
    blocked_kinds: collections.Counter[str] = collections.Counter()
    for row in blocked.itertuples(index=False):
        blocked_kinds.update(pair_variations(rows[row.left_id], rows[row.right_id]))
    return {
        "false_negatives": len(false_negatives), "false_positives": len(false_positives),
        "blocked_out_by_variation": dict(blocked_kinds.most_common(12)),
        "name_keys": key_failures(generated, household=household),
        "missed_diagnosis": _summarise(diagnosis),
        "false_link_levels": _levels(false_positives, scored),
        "false_positives_scored_above_upper": direct,
        "missed_by_band": dict(bands.most_common()),
        "missed_by_variation": {k: {"missed": v, "true_pairs": true_by_kind[k],
                                    "miss_rate": round(v / true_by_kind[k], 3)}
                                for k, v in missed_by_kind.most_common()},
        "false_links_by_relation": dict(false_by_kind.most_common()),
        "missed_examples": show(false_negatives,
                                lambda a, b: ",".join(pair_variations(rows[a], rows[b]))),
        "false_link_examples": show(false_positives, lambda a, b: pair_kind(
            generated.persons[truth[a]], generated.persons[truth[b]])),
    }


def key_failures(generated: Generated, *, household: bool) -> dict[str, Any]:
    """Return how often the name keys fail to unite two spellings of one person's name.

    Only pairs of records without a typo in that name part count: there the key should be
    equal, whatever the script or the spelling. The commonest failing spellings are listed
    with their keys, for the author of haven.core.names.
    """
    from haven.linkage.engine import prepare_records  # noqa: PLC0415

    records = generated.records
    prepared = prepare_records(generated.engine_input(household=household))
    keys = {"given_name": dict(zip(records["record_id"], prepared["given_key"], strict=True)),
            "family_name": dict(zip(records["record_id"], prepared["family_key"], strict=True))}
    rows = records.set_index("record_id").to_dict("index")
    out: dict[str, Any] = {}
    for part, typo in (("given_name", "typo_given_name"), ("family_name", "typo_family_name")):
        pairs = failing = 0
        spellings: collections.Counter[str] = collections.Counter()
        for _person, ids in records.groupby(TRUTH)["record_id"]:
            members = sorted(ids)
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    if typo in rows[a]["notes"] or typo in rows[b]["notes"]:
                        continue
                    pairs += 1
                    if keys[part][a] != keys[part][b]:
                        failing += 1
                        one, other = sorted(((rows[a][part], keys[part][a]),
                                             (rows[b][part], keys[part][b])))
                        spellings[f"{one[0]} ({one[1]}) ~ {other[0]} ({other[1]})"] += 1
        out[part] = {"pairs_without_typo": pairs, "keys_differ": failing,
                     "share": round(failing / pairs, 4) if pairs else 0.0,
                     "commonest": dict(spellings.most_common(15))}
    return out


def _summarise(diagnosis: pd.DataFrame) -> dict[str, Any]:
    """Summarise re-scored missed pairs: blocked out or low, and what pulled them down."""
    if diagnosis.empty:
        return {}
    weights = diagnosis[[c for c in diagnosis.columns if c.startswith("mw_")]]
    blocked_out = diagnosis["rules"] == ""
    lowest = weights.idxmin(axis=1).str[3:].where(weights.min(axis=1) < 0, "none negative")
    return {
        "diagnosed": len(diagnosis), "blocked_out": int(blocked_out.sum()),
        "blocked_out_scored_at_least_upper": int(
            (blocked_out & (diagnosis["probability"] >= UPPER)).sum()),
        "found_by_blocking_but_below_upper": int((~blocked_out).sum()),
        "most_negative_comparison": lowest[~blocked_out].value_counts().to_dict(),
        "mean_weight_when_found": weights[~blocked_out].mean().round(2)
        .rename(lambda c: c[3:]).to_dict(),
    }


def _levels(pairs: list[tuple[str, str]], scored: dict[tuple[str, str], Any]
            ) -> dict[str, dict[str, int]]:
    """Count the level labels per comparison among false pairs scored >= upper."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for key in pairs:
        pair = scored.get(key)
        if pair is None or pair.probability < UPPER:
            continue
        for comparison, label in pair.levels.items():
            counts[comparison][label] += 1
    return {k: dict(v.most_common(4)) for k, v in counts.items()}


def _brief(record_id: str, row: dict[str, str]) -> str:
    fields = [row[c] or "-" for c in ("given_name", "family_name", "patronymic", "sex",
                                      "birth_date", "place_of_origin", "phone",
                                      "document_number", "household_id")]
    return f"{record_id} " + " | ".join(fields)


# ---------------------------------------------------------------- output
def report(runs: list[Run], generated: Generated, analysis: dict[str, Any] | None,
           info: dict[str, Any], *, household: bool,
           reviewed: tuple[Scores, int] | None) -> None:
    records = generated.records
    true_pairs = runs[0].scores.true_pairs if runs and runs[0].scores else 0
    print(f"machine: {machine_line(info)}")
    print(f"{len(records):,} records of {records[TRUTH].nunique():,} people, "
          f"{true_pairs:,} true pairs; scripts: "
          + ", ".join(f"{k} {v:.0%}" for k, v in records["script"].str.split("/").str[0]
                      .value_counts(normalize=True).items())
          + f"; household_id given to Haven: {'yes' if household else 'no'}")
    print(f"\n{'system':<18} {'precision':>9} {'recall':>7} {'F1':>7} {'F1 pairs>=0.95':>14} "
          f"{'seconds':>8} {'CPU s':>7} {'comparisons':>12} {'others':>7}")
    for run in runs:
        assert run.scores is not None  # noqa: S101 - set for every run by main()
        assert run.pair_level is not None  # noqa: S101
        print(f"{run.system:<18} {run.scores.precision:>9.4f} {run.scores.recall:>7.4f} "
              f"{run.scores.f1:>7.4f} {run.pair_level.f1:>14.4f} {run.seconds:>8.1f} "
              f"{run.cpu_seconds:>7.1f} "
              f"{run.comparisons if run.comparisons >= 0 else '':>12} "
              f"{run.others_percent:>6.0f}%")
    haven = next((r for r in runs if r.system == "haven"), None)
    if haven is not None and haven.scores is not None:
        for run in runs:
            if run is haven or run.scores is None:
                continue
            print(f"Haven / {run.system}: F1 x{haven.scores.f1 / max(run.scores.f1, 1e-9):.2f}, "
                  f"time x{haven.seconds / run.seconds:.2f}")
        if reviewed is not None:
            print(f"Haven after a perfect review of its queue ({reviewed[1]:,} pairs, one per "
                  f"pair of clusters): precision {reviewed[0].precision:.4f}, recall "
                  f"{reviewed[0].recall:.4f}, F1 {reviewed[0].f1:.4f}")
            queue = review_queue(next(r for r in runs if r.system == "haven"))
            in_review = {i for p in queue for i in (p.left_id, p.right_id)}
            total = len(generated.records)
            reasons = collections.Counter(p.reason or "?" for p in queue)
            print(f"review queue: {len(queue):,} pairs, {len(in_review):,} records in a pair "
                  f"({len(in_review) / total:.2%} of {total:,} records; target <= 2%); "
                  "reasons: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
        met = haven.scores.f1 >= TARGET_F1
        print(f"target F1 >= {TARGET_F1}: {'met' if met else 'NOT met'} "
              f"({haven.scores.f1:.4f})")
    if analysis is not None:
        report_errors(analysis)


def report_errors(analysis: dict[str, Any]) -> None:
    """Print Haven's missed and false pairs: by kind, re-scored, and examples."""
    print(f"\nHaven's errors: {analysis['false_negatives']:,} missed pairs, "
          f"{analysis['false_positives']:,} false pairs "
          f"({analysis['false_positives_scored_above_upper']:,} of them scored >= {UPPER} "
          "directly, the rest joined through a cluster)")
    print("missed pairs by band: " + ", ".join(f"{k}: {v}" for k, v in
                                                analysis["missed_by_band"].items()))
    print("missed pairs by how the two records differ (a pair counts under each kind):")
    for kind, figures in analysis["missed_by_variation"].items():
        print(f"  {kind:<32} {figures['missed']:>6} of {figures['true_pairs']:>6} true pairs "
              f"({figures['miss_rate']:.1%})")
    diagnosis = analysis["missed_diagnosis"]
    if diagnosis:
        print(f"re-scored {diagnosis['diagnosed']} missed pairs without blocking: "
              f"{diagnosis['blocked_out']} found by no blocking rule "
              f"({diagnosis['blocked_out_scored_at_least_upper']} of them would score "
              f">= {UPPER}), {diagnosis['found_by_blocking_but_below_upper']} found but "
              "scored below the upper threshold")
        print("  comparison with the most negative weight (found, low pairs): " + ", ".join(
            f"{k} {v}" for k, v in diagnosis["most_negative_comparison"].items()))
        print("  mean weight (log2 Bayes factor) per comparison on those pairs: " + ", ".join(
            f"{k} {v:+.1f}" for k, v in diagnosis["mean_weight_when_found"].items()))
    if analysis["blocked_out_by_variation"]:
        print("  blocked-out pairs by variation: " + ", ".join(
            f"{k} {v}" for k, v in analysis["blocked_out_by_variation"].items()))
    for part, figures in analysis["name_keys"].items():
        print(f"name keys ({part}): differ on {figures['keys_differ']:,} of "
              f"{figures['pairs_without_typo']:,} true pairs without a typo "
              f"({figures['share']:.1%}); commonest:")
        for spelling, count in list(figures["commonest"].items())[:10]:
            print(f"    {count:>4}  {spelling}")
    print("false pairs by what the two people are to each other:")
    for kind, count in analysis["false_links_by_relation"].items():
        print(f"  {kind:<32} {count:>6}")
    if analysis["false_link_levels"]:
        print("levels of false pairs scored >= upper (commonest per comparison):")
        for comparison, labels in analysis["false_link_levels"].items():
            print(f"  {comparison:<16} " + "; ".join(f"{k} {v}" for k, v in labels.items()))
    for title, key in (("missed", "missed_examples"), ("false", "false_link_examples")):
        if analysis[key]:
            print(f"\nexamples of {title} pairs:")
        for example in analysis[key]:
            print(f"  [{example['why']}] p={example['probability']}")
            print(f"    {example['a']}\n    {example['b']}")
            if example["levels"]:
                print("    " + "; ".join(f"{k}: {v}" for k, v in example["levels"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--only", choices=SYSTEMS, action="append",
                        help="run only this system (repeatable); default: all three")
    parser.add_argument("--no-household", action="store_true",
                        help="do not give Haven the household_id column")
    parser.add_argument("--examples", type=int, default=8,
                        help="examples of Haven's missed and false pairs to print")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--classic", action="store_true",
                        help="people.py as it was before issue 16's hard cases")
    parser.add_argument("--generator", choices=("people", "adversarial"), default="people",
                        help="adversarial: bench/linkage/adversarial.py, built apart from "
                             "people.py (no error analysis: it keeps no relationships)")
    options = parser.parse_args()
    systems = options.only or list(SYSTEMS)
    info = machine()
    if options.generator == "adversarial":
        # The independent generator: its own name tables and families built to chain.
        generated = Generated(records=adversarial.generate(options.records,
                                                           seed=options.seed),
                              persons={})
    else:
        generated = generate(options.records, seed=options.seed,
                             variation=Variation.classic() if options.classic else None)
    truth = generated.records.set_index("record_id")[TRUTH]
    household = not options.no_household
    runs = []
    for system in systems:
        print(f"running {system} ...", file=sys.stderr)
        if system == "haven":
            run = run_haven(generated, household=household)
        else:
            run = run_splink(generated, flatten=system == "splink-unidecode")
        run.scores = cluster_scores(truth, run.clusters)
        run.pair_level = pair_scores(truth, run.linked["left_id"], run.linked["right_id"])
        runs.append(run)
    haven = next((r for r in runs if r.system == "haven"), None)
    reviewed = after_review(haven, truth) if haven else None
    analysis = error_analysis(generated, haven, examples=options.examples,
                              household=household) if haven and generated.persons else None
    if options.json:
        print(json.dumps({
            "machine": info, "records": options.records, "seed": options.seed,
            "household_id": household,
            "haven_after_perfect_review": {**reviewed[0].as_dict(), "queue": reviewed[1]}
            if reviewed else None,
            "systems": [{"system": r.system, "seconds": round(r.seconds, 2),
                         "cpu_seconds": round(r.cpu_seconds, 2),
                         "others_percent": round(r.others_percent, 1),
                         "comparisons": r.comparisons,
                         "clusters": r.scores.as_dict() if r.scores else None,
                         "pairs_above_upper": r.pair_level.as_dict() if r.pair_level else None}
                        for r in runs],
            "haven_errors": analysis}, indent=2, ensure_ascii=False))
    else:
        report(runs, generated, analysis, info, household=household, reviewed=reviewed)
    if haven is None or haven.scores is None:
        return 0
    return 0 if haven.scores.f1 >= TARGET_F1 else 2


if __name__ == "__main__":
    sys.exit(main())
