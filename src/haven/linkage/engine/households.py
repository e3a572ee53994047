"""Evidence from the family: a household registered twice is registered together.

Families that fled together register together, and a family registered a second time
at another hub is registered together again. Fellegi-Sunter scores each pair on its
own fields, and for a common name with a year-only birth date (Armen Grigoryan, 1977,
Stepanakert) those fields cannot tell one man from his namesake: on the karabakh
replay about one such pair in four is the same person, and the model rightly puts them
near 0.3. Their families tell them apart: when the other members of the two households
are confidently the same people, the pair is one person too.

After scoring, within every pair of households, pairs are assigned one to one in
descending probability (a person appears once in a household, so a record's best
counterpart wins and a sibling with a similar name does not); an assigned pair gains a
fixed Bayes factor if another assigned pair of the same two households is at least
SUPPORT_PROBABILITY. Pairs within one household never gain anything: two rows of one
registration are two people.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from haven.linkage.engine.results import ScoredPair

COMPARISON = "household"
LABEL = "other members of both households match"
# Only pairs at or above FLOOR are candidates: below it the fields themselves disagree
# (another birth year, another name) and no family makes them one person.
FLOOR = 0.01
# A supporting pair must be confidently one person by its own fields.
SUPPORT_PROBABILITY = 0.9
# Hand-set, like the kinship factors: on the replay, of the assigned pairs between
# 0.01 and 0.95 with such support, 218 of 221 were one person; this factor lifts a pair
# from 0.02 to 0.95 and leaves one at 0.005 for a reviewer.
BAYES_FACTOR = 1000.0


def household_support(pairs: Sequence[ScoredPair], households: Mapping[str, str | None],
                      ) -> list[ScoredPair]:
    """Return the pairs, with the household factor applied where the families match."""
    groups: dict[tuple[str, str], list[ScoredPair]] = {}
    for pair in pairs:
        left, right = households.get(pair.left_id), households.get(pair.right_id)
        if pair.probability < FLOOR or not left or not right or left == right:
            continue
        key = (left, right) if left < right else (right, left)
        groups.setdefault(key, []).append(pair)
    supported: set[tuple[str, str]] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda p: (-p.probability, p.left_id, p.right_id))
        used: set[str] = set()
        assigned = []
        for pair in group:
            if pair.left_id in used or pair.right_id in used:
                continue
            used.update((pair.left_id, pair.right_id))
            assigned.append(pair)
        confident = [p for p in assigned if p.probability >= SUPPORT_PROBABILITY]
        for pair in assigned:
            if any(other is not pair for other in confident):
                supported.add((pair.left_id, pair.right_id))
    if not supported:
        return list(pairs)
    return [_supported(p) if (p.left_id, p.right_id) in supported else p for p in pairs]


def _supported(pair: ScoredPair) -> ScoredPair:
    weight = pair.match_weight + math.log2(BAYES_FACTOR)
    probability = 1.0 / (1.0 + 2.0 ** -weight) if weight > -1000 else 0.0
    return ScoredPair(pair.left_id, pair.right_id, probability, weight,
                      {**pair.levels, COMPARISON: LABEL},
                      {**pair.bayes_factors, COMPARISON: BAYES_FACTOR})
