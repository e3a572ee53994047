#!/usr/bin/env python3
"""Why Haven got pairs wrong on the FEBRL-shaped scale table: a table of causes.

After `scale.py --size N --only haven` has left its clusters and trained model in the
work folder, this script lists Haven's missed pairs (same entity, different clusters)
and false pairs (one cluster, two entities), re-scores each with the stored model
(`diagnosis.diagnose_pairs`: "blocked out" when no blocking rule holds, else "scored
low" / "scored high"), names the comparison that pulled a missed pair's score down most
(pushed a false pair's up most), and tells how the two records' raw FEBRL fields differ
(the corruption: a typo, a value missing, names swapped, day and month swapped, ...).

    .venv/bin/python bench/linkage/scale_errors.py --size 100000
    .venv/bin/python bench/linkage/scale_errors.py --size 100000 --show 20   # examples too
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
for path in (REPO, REPO / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench.linkage.diagnosis import diagnose_pairs  # noqa: E402
from bench.linkage.febrl_shaped import COLUMNS, TRUTH  # noqa: E402
from bench.linkage.metrics import wrong_pairs  # noqa: E402
from bench.linkage.scale import to_haven  # noqa: E402


def _edits(a: str, b: str) -> int:
    """Return the optimal-string-alignment distance of a and b (small strings)."""
    rows = list(range(len(b) + 1))
    previous: list[int] = []
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(rows[j] + 1, current[j - 1] + 1, rows[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous[j - 2] + 1)
            current.append(cost)
        previous, rows = rows, current
    return rows[-1]


def field_difference(column: str, a: str, b: str) -> str | None:
    """Return how two raw values of one FEBRL field differ, or None if they are equal."""
    if a == b:
        return None
    if not a or not b:
        return "missing"
    if column == "date_of_birth" and len(a) == len(b) == 8:
        if a[:4] == b[:4] and a[4:6] == b[6:] and a[6:] == b[4:6]:
            return "day-month swapped"
        if a[4:] == b[4:] and a[:4].isdigit() and b[:4].isdigit() \
                and abs(int(a[:4]) - int(b[:4])) == 1:
            return "year ±1"
        differing = sum(x != y for x, y in zip(a, b, strict=True))
        return f"{differing} digit(s)"
    distance = _edits(a, b)
    return f"{distance} edit(s)" if distance <= 2 else "other value"


def pair_causes(left: pd.Series, right: pd.Series) -> list[str]:
    """Return the differing fields of two raw records, as "field: how"."""
    causes = []
    if left["given_name"] and left["given_name"] == right["surname"] \
            and left["surname"] == right["given_name"]:
        causes.append("names swapped")
    for column in COLUMNS:
        if causes and column in ("given_name", "surname"):
            continue
        how = field_difference(column, str(left[column]), str(right[column]))
        if how:
            causes.append(f"{column}: {how}")
    return causes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir())
                        / "haven-linkage-scale")
    parser.add_argument("--system", default="haven", help="whose clusters (haven, splink-broad)")
    parser.add_argument("--show", type=int, default=0, help="print this many examples per kind")
    options = parser.parse_args()
    table = pd.read_parquet(options.workdir / f"febrl-shaped-{options.size}-{options.seed}.parquet")
    existing = table[table["batch"] == "existing"].reset_index(drop=True)
    model = json.loads((options.workdir / f"model-{options.size}.json").read_text())
    clusters = pd.read_parquet(options.workdir / f"{options.system}-{options.size}.parquet"
                               ).set_index("record_id")["cluster"].astype(str)
    truth = existing.set_index("rec_id")[TRUTH]
    missed, false = wrong_pairs(truth, clusters)
    print(f"{options.system} at {options.size:,}: {len(missed)} missed pairs, "
          f"{len(false)} false pairs")
    raw = existing.set_index("rec_id").fillna("")
    diagnosis = diagnose_pairs(to_haven(existing), model, missed + false)
    by_pair = {(r.left_id, r.right_id): r for r in diagnosis.itertuples(index=False)}
    weights = [c for c in diagnosis.columns if c.startswith("mw_")]
    for kind, pairs in (("missed", missed), ("false", false)):
        summary: Counter[tuple[str, str, str]] = Counter()
        causes: Counter[str] = Counter()
        shown = 0
        for a, b in pairs:
            row = by_pair[(min(a, b), max(a, b))]
            status = "blocked out" if not row.rules else (
                "scored low" if row.probability < 0.95 else "scored high")
            values = {c[3:]: getattr(row, c) for c in weights}
            worst = (min if kind == "missed" else max)(values, key=values.__getitem__)
            how = pair_causes(raw.loc[a], raw.loc[b])
            causes.update(how)
            summary[(status, worst, " + ".join(how))] += 1
            if shown < options.show:
                shown += 1
                print(f"\n{kind} {a} / {b}: {status} p={row.probability:.3f} worst {worst}")
                print("   " + "; ".join(f"{k}={v:.1f}" for k, v in values.items() if v))
                for rid in (a, b):
                    print("   " + " | ".join(str(raw.loc[rid][c]) for c in COLUMNS))
        print(f"\n{kind} pairs by status, comparison that weighed most, differing fields:")
        for (status, worst, how), count in summary.most_common():
            print(f"  {count:>4}  {status:<12} {worst:<16} {how}")
        print(f"\n{kind} pairs: how often each field difference occurs:")
        for how, count in causes.most_common():
            print(f"  {count:>4}  {how}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
