"""What a linkage run returns: thresholds, scored pairs, clusters and the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from haven.linkage.contradictions import QUESTIONS


@dataclass(frozen=True)
class Thresholds:
    upper: float = 0.95  # at or above: linked automatically
    # Between lower and upper: a review-queue pair; below: kept apart. 0.80, not 0.60: on
    # the hardened cross-script benchmark the 0.60-0.80 band held 20 true pairs in 178
    # (issue 16: a queue clerks can finish, at most 2% of records).
    lower: float = 0.80

    def __post_init__(self) -> None:
        if not 0.0 <= self.lower <= self.upper <= 1.0:
            raise ValueError(
                f"thresholds must satisfy 0 <= lower <= upper <= 1 "
                f"(lower {self.lower}, upper {self.upper})")


@dataclass(frozen=True)
class ScoredPair:
    left_id: str
    right_id: str  # left_id < right_id (string order), one pair once
    probability: float
    match_weight: float
    # Per comparison: the level's label ("exact key match", "year ±1", "null") and its
    # Bayes factor (term-frequency adjustment included): what the review page shows.
    levels: dict[str, str] = field(default_factory=dict)
    bayes_factors: dict[str, float] = field(default_factory=dict)
    # Why the pair is a reviewer's question, when it is one: a contradiction code of
    # haven.linkage.contradictions (a link refused: the records contradict each
    # other), "cannot_link" (a reviewer's decision), or "score_uncertain" (between the
    # thresholds). "" for pairs in one cluster and pairs below the lower threshold.
    reason: str = ""

    def is_question(self) -> bool:
        """Whether a reviewer should be asked about this pair (its records in two clusters).

        Asked: a pair between the thresholds whose records do not contradict each other
        ("score_uncertain"), and a likely pair kept apart because another record of one
        cluster contradicts the other ("cluster_..."). Not asked: a pair whose own two
        records contradict (sex, birth years far apart, documents, given names that are
        not variants): the records say two people, and asking would fill the queue with
        relatives who share surname, phone and origin.
        """
        return self.reason in QUESTIONS


@dataclass
class DedupeResult:
    clusters: dict[str, str]  # record_id -> cluster_id, for every input record
    probabilities: dict[str, float]  # record_id -> match_probability written to clusters.csv
    pairs: list[ScoredPair]  # every scored pair with probability >= thresholds.lower
    model: dict[str, Any]  # JSON-serialisable Splink settings with m/u probabilities
    engine: str  # "duckdb" | "spark"
    seconds: float
