"""Pairwise precision, recall and F1 of a de-duplication, and the pairs it got wrong.

A de-duplication is judged by its pairs: two records in one predicted cluster are a
predicted pair; two records of one true person are a true pair. Counting is done from
group sizes (n records give n(n-1)/2 pairs), so a million records cost a group-by, not a
million squared. `wrong_pairs` lists the false negatives and false positives themselves
for the error analysis, capping what a runaway cluster would emit.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Scores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"true_pairs": self.true_pairs, "predicted_pairs": self.predicted_pairs,
                "correct_pairs": self.correct_pairs, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def _pairs(counts: pd.Series) -> int:
    counts = counts.astype("int64")
    return int((counts * (counts - 1) // 2).sum())


def cluster_scores(truth: pd.Series, clusters: pd.Series) -> Scores:
    """Score clusters (record_id -> cluster id) against truth (record_id -> person id)."""
    frame = pd.DataFrame({"person": truth, "cluster": clusters.reindex(truth.index)})
    missing = frame["cluster"].isna()
    if missing.any():  # a record the system left out is a singleton
        frame.loc[missing, "cluster"] = "missing:" + frame.index[missing].astype(str)
    return Scores(true_pairs=_pairs(frame.groupby("person").size()),
                  predicted_pairs=_pairs(frame.groupby("cluster").size()),
                  correct_pairs=_pairs(frame.groupby(["cluster", "person"]).size()))


def pair_scores(truth: pd.Series, left: Iterable[str], right: Iterable[str]) -> Scores:
    """Score a list of linked pairs (no transitive closure) against the truth."""
    pairs = pd.DataFrame({"left": list(left), "right": list(right)}).drop_duplicates()
    same = truth.reindex(pairs["left"]).to_numpy() == truth.reindex(pairs["right"]).to_numpy()
    return Scores(true_pairs=_pairs(truth.value_counts()), predicted_pairs=len(pairs),
                  correct_pairs=int(same.sum()))


def _within(groups: pd.Series, cap: int) -> Iterator[tuple[str, str]]:
    for _key, ids in groups.groupby(groups.to_numpy()):
        members = sorted(ids.index)
        yield from itertools.islice(itertools.combinations(members, 2), cap)


def wrong_pairs(truth: pd.Series, clusters: pd.Series, *, cap: int = 2_000
                ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return (false negatives, false positives) as record-id pairs, left < right.

    At most `cap` pairs are listed per cluster, so one giant cluster cannot flood the
    analysis (the counts in `cluster_scores` stay exact).
    """
    clusters = clusters.reindex(truth.index)
    clusters = clusters.fillna(pd.Series("missing:" + truth.index.astype(str), index=truth.index))
    false_negatives = [(a, b) for a, b in _within(truth, cap) if clusters[a] != clusters[b]]
    false_positives = [(a, b) for a, b in _within(clusters, cap) if truth[a] != truth[b]]
    return false_negatives, false_positives
