"""What a linkage run returns: thresholds, scored pairs, clusters and the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Thresholds:
    upper: float = 0.95  # at or above: linked automatically
    lower: float = 0.60  # between lower and upper: a review-queue pair; below: kept apart

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


@dataclass
class DedupeResult:
    clusters: dict[str, str]  # record_id -> cluster_id, for every input record
    probabilities: dict[str, float]  # record_id -> match_probability written to clusters.csv
    pairs: list[ScoredPair]  # every scored pair with probability >= thresholds.lower
    model: dict[str, Any]  # JSON-serialisable Splink settings with m/u probabilities
    engine: str  # "duckdb" | "spark"
    seconds: float
