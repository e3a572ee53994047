"""A family registered twice: the other members' matches are evidence for each pair."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from haven.linkage import engine
from haven.linkage.engine import dedupe, households
from haven.linkage.engine.results import ScoredPair


def pair(left: str, right: str, probability: float) -> ScoredPair:
    odds = probability / (1 - probability)
    return ScoredPair(left, right, probability, math.log2(odds), {"given_name": "exact key match"},
                      {"given_name": 50.0})


HOMES = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "b3": "B", "c1": "C"}


def by_ids(pairs: list[ScoredPair]) -> dict[tuple[str, str], ScoredPair]:
    return {(p.left_id, p.right_id): p for p in pairs}


def test_pair_of_households_whose_other_members_match_gains_the_household_factor() -> None:
    result = by_ids(households.household_support(
        [pair("a1", "b1", 0.999), pair("a2", "b2", 0.3)], HOMES))
    supported = result[("a2", "b2")]
    assert supported.probability == pytest.approx(0.3 / 0.7 * 1000 / (1 + 0.3 / 0.7 * 1000))
    assert supported.probability > 0.99
    assert supported.levels["household"] == households.LABEL
    assert supported.bayes_factors["household"] == households.BAYES_FACTOR
    assert supported.levels["given_name"] == "exact key match"
    # The confident pair has no other confident pair to lean on: unchanged.
    assert result[("a1", "b1")].probability == 0.999
    assert "household" not in result[("a1", "b1")].levels


def test_no_support_without_a_confident_pair_or_across_unrelated_households() -> None:
    weak = households.household_support([pair("a1", "b1", 0.8), pair("a2", "b2", 0.3)], HOMES)
    assert [p.probability for p in weak] == [0.8, 0.3]
    # A confident pair between A and C says nothing about A and B.
    apart = by_ids(households.household_support(
        [pair("a1", "c1", 0.999), pair("a2", "b2", 0.3)], HOMES))
    assert apart[("a2", "b2")].probability == 0.3


def test_one_counterpart_per_person_so_a_sibling_gains_nothing() -> None:
    # b2 is a2's counterpart; a3 (a sister with a similar name) also scored against b2.
    result = by_ids(households.household_support(
        [pair("a1", "b1", 0.999), pair("a2", "b2", 0.5), pair("a3", "b2", 0.2)], HOMES))
    assert result[("a2", "b2")].probability > 0.99
    assert result[("a3", "b2")].probability == 0.2


def test_pairs_within_one_household_or_below_the_floor_gain_nothing() -> None:
    result = by_ids(households.household_support(
        [pair("a1", "b1", 0.999), pair("a1", "a2", 0.5), pair("a2", "b2", 0.005),
         pair("a3", "b3", 0.02)], HOMES))
    assert result[("a1", "a2")].probability == 0.5
    assert result[("a2", "b2")].probability == 0.005
    assert result[("a3", "b3")].probability > 0.9


def rows(household: str | None, suffix: str, *, script: str) -> list[dict[str, str]]:
    names = {"latin": ("Anahit", "Armen", "Vardanyan"),
             "armenian": ("Անահիտ", "Արմեն", "Վարդանյան")}[script]
    anahit = {"record_id": f"anahit-{suffix}", "given_name": names[0],
              "family_name": names[2], "sex": "f", "birth_date": "1948-03-12",
              "place_of_origin": "Stepanakert"}
    # A common name with a birth year only, no sex and no origin on one side: on its own
    # fields the pair is likely but not certain.
    armen = {"record_id": f"armen-{suffix}", "given_name": names[1], "family_name": names[2],
             "birth_date": "1975"}
    if script == "latin":
        armen |= {"sex": "m", "place_of_origin": "Stepanakert"}
    found = [anahit, armen]
    if household is not None:
        for row in found:
            row["household_id"] = household
    return found


def frame(records: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c, "") for c in (*engine.RECORD_COLUMNS, "household_id")
                          if c in r or c in engine.RECORD_COLUMNS} for r in records])


def test_dedupe_links_a_family_registered_twice_in_two_scripts() -> None:
    alone = dedupe(frame(rows(None, "1", script="latin") + rows(None, "2", script="armenian")))
    armen = next(p for p in alone.pairs if p.left_id.startswith("armen"))
    assert armen.probability < 0.95  # on its own fields, a question for a reviewer
    assert alone.clusters["armen-1"] != alone.clusters["armen-2"]

    families = dedupe(frame(rows("h-kornidzor", "1", script="latin")
                            + rows("h-goris", "2", script="armenian")))
    armen = next(p for p in families.pairs if p.left_id.startswith("armen"))
    assert armen.probability >= 0.95
    assert armen.levels["household"] == households.LABEL
    assert families.clusters["armen-1"] == families.clusters["armen-2"]
    assert families.clusters["anahit-1"] == families.clusters["anahit-2"]
