#!/usr/bin/env python3
"""Haven's false pairs and review queue on the independent generator, by category.

adversarial.py keeps no relationships (only `person_id`), so the categories are read
from the two records themselves, as a reviewer would: what the pair's own records say
(another sex, birth years far apart, given names that are not variants, the same given
name: namesakes or a record of one person, a date missing on one side), and whether the
pair was linked directly (scored at or above the upper threshold) or only through a
chain of other pairs in its cluster. Also the review queue by reason, and how many of
its pairs are true.

    .venv/bin/python bench/linkage/adversarial_errors.py --seed 16
    .venv/bin/python bench/linkage/adversarial_errors.py --seed 16 --save /tmp/adv16.pkl
    .venv/bin/python bench/linkage/adversarial_errors.py --load /tmp/adv16.pkl
    .venv/bin/python bench/linkage/adversarial_errors.py --load /tmp/adv16.pkl --before
    .venv/bin/python bench/linkage/adversarial_errors.py --generator people --seed 2023

`--save` keeps the scored pairs, so `--load` re-clusters them with the current rules
(haven.linkage.engine.clustering, haven.linkage.contradictions) in seconds, without
scoring again: the same records and scores, the clustering rules of the working tree.
`--before` re-clusters them without the household rule (two rows of one household
registration never in one cluster): the engine before that rule, on the same scores,
which that rule does not change. `--generator people` reads bench/linkage/people.py's
records instead (the hardened benchmark), by the same categories.
"""

from __future__ import annotations

import argparse
import collections
import pickle
import sys
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
for path in (REPO, REPO / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench.linkage import adversarial  # noqa: E402
from bench.linkage.metrics import cluster_scores, wrong_pairs  # noqa: E402
from bench.linkage.people import generate  # noqa: E402

UPPER = 0.95
ENGINE_COLUMNS = ("record_id", "given_name", "family_name", "patronymic", "sex", "birth_date",
                  "place_of_origin", "phone", "document_number", "household_id")


def _facts(records: pd.DataFrame) -> dict[str, Any]:
    from haven.linkage.engine import prepare_records  # noqa: PLC0415
    from haven.linkage.engine.linking import facts_of  # noqa: PLC0415

    prepared = prepare_records(records[list(ENGINE_COLUMNS)])
    return dict(zip(prepared["record_id"].astype(str), facts_of(prepared), strict=True))


def _recluster(saved: dict[str, Any], *, before: bool = False
               ) -> tuple[dict[str, str], list[Any]]:
    """Cluster the saved pairs again with the working tree's rules, as the engine does."""
    from haven.linkage.engine import linking  # noqa: PLC0415
    from haven.linkage.engine.clustering import cluster  # noqa: PLC0415

    facts = saved["facts"]
    pairs = saved["pairs"]
    empty = type(next(iter(facts.values())))()

    def contradicts(a: str, b: str) -> str:
        from haven.linkage.contradictions import contradiction  # noqa: PLC0415

        return contradiction(facts.get(a, empty), facts.get(b, empty))

    held: dict[tuple[str, str], str] = {}
    records = saved["records"]
    home = dict(zip(records["record_id"].astype(str), records["household_id"].astype(str),
                    strict=True))
    if before:
        home = {}
    clusters, _p = cluster(saved["ids"], pairs, upper=UPPER, contradicts=contradicts,
                           held=held, household=home)
    return clusters, linking._with_reasons(pairs, clusters, held, UPPER, contradicts, home=home)


def category(a: Any, b: Any) -> str:
    from haven.linkage.contradictions import contradiction, given_names_differ  # noqa: PLC0415

    if reason := contradiction(a, b):
        return reason
    years = "" if a.birth_year is None or b.birth_year is None else abs(
        a.birth_year - b.birth_year)
    if given_names_differ(a, b):
        return "given_names_differ"
    same_given = bool(a.given_key) and a.given_key == b.given_key
    if years == "":
        return "same_given_date_missing" if same_given else "variant_given_date_missing"
    return f"{'same' if same_given else 'variant'}_given_years_{min(years, 3)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--load", type=Path)
    parser.add_argument("--examples", type=int, default=0)
    parser.add_argument("--before", action="store_true",
                        help="with --load: re-cluster without the household rule")
    parser.add_argument("--generator", choices=("adversarial", "people"),
                        default="adversarial")
    options = parser.parse_args()
    if options.load:
        saved = pickle.loads(options.load.read_bytes())  # noqa: S301 - our own file
        records = saved["records"]
        clusters, pairs = _recluster(saved, before=options.before)
    else:
        from haven.linkage.engine import dedupe  # noqa: PLC0415

        records = adversarial.generate(options.records, seed=options.seed) \
            if options.generator == "adversarial" else generate(
                options.records, seed=options.seed).records
        result = dedupe(records[list(ENGINE_COLUMNS)], engine="duckdb")
        clusters, pairs = result.clusters, result.pairs
        if options.save:
            options.save.write_bytes(pickle.dumps({
                "records": records, "ids": list(records["record_id"].astype(str)),
                "pairs": list(pairs), "facts": _facts(records)}))
    facts = _facts(records) if not options.load else saved["facts"]
    report(records, facts, clusters, pairs, examples=options.examples)
    return 0


def report(records: pd.DataFrame, facts: dict[str, Any], clusters: dict[str, str],
           pairs: list[Any], *, examples: int) -> None:
    """Print the scores, the false and missed pairs by category, and the review queue."""
    truth = records.set_index("record_id")["person_id"]
    series = pd.Series(clusters)
    scores = cluster_scores(truth, series)
    print(f"precision {scores.precision:.4f} recall {scores.recall:.4f} F1 {scores.f1:.4f}")
    scored = {(p.left_id, p.right_id): p for p in pairs}
    false_negatives, false_positives = wrong_pairs(truth, series)
    kinds: collections.Counter[str] = collections.Counter()
    for a, b in false_positives:
        pair = scored.get((a, b))
        how = "direct" if pair and pair.probability >= UPPER else "chained"
        kinds[f"{how}:{category(facts[a], facts[b])}"] += 1
    print(f"false pairs {len(false_positives)}:")
    for kind, n in kinds.most_common():
        print(f"  {n:5d}  {kind}")
    missed: collections.Counter[str] = collections.Counter()
    for a, b in false_negatives:
        pair = scored.get((a, b))
        band = "unscored" if pair is None else "review band" if pair.probability < UPPER \
            else "refused"
        missed[f"{band}:{category(facts[a], facts[b])}"] += 1
    print(f"missed pairs {len(false_negatives)}:")
    for kind, n in missed.most_common(15):
        print(f"  {n:5d}  {kind}")
    best: dict[tuple[str, str], Any] = {}
    for pair in pairs:
        ca, cb = clusters[pair.left_id], clusters[pair.right_id]
        if ca == cb or not pair.is_question():
            continue
        key = (ca, cb) if ca < cb else (cb, ca)
        if key not in best or pair.probability > best[key].probability:
            best[key] = pair
    in_queue = {r for p in best.values() for r in (p.left_id, p.right_id)}
    reasons: collections.Counter[str] = collections.Counter()
    for pair in best.values():
        same = truth[pair.left_id] == truth[pair.right_id]
        reasons[f"{pair.reason} {'true' if same else 'false'}"] += 1
    print(f"review queue {len(best)} pairs, {len(in_queue)} records "
          f"({100 * len(in_queue) / len(records):.2f}%):")
    for kind, n in sorted(reasons.items()):
        print(f"  {n:5d}  {kind}")
    rows = records.set_index("record_id")
    for a, b in false_positives[:examples]:
        pair = scored.get((a, b))
        print("--", category(facts[a], facts[b]), pair.probability if pair else None)
        for r in (a, b):
            row = rows.loc[r]
            print("  ", r, row["given_name"], row["family_name"], row["sex"],
                  row["birth_date"], row["document_number"], row["household_id"],
                  row["person_id"])


if __name__ == "__main__":
    sys.exit(main())
