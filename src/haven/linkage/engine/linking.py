"""Run a linkage: prepare, train (or reuse a model), score pairs, cluster.

Training, on a table of at least MIN_TRAINING_RECORDS records: the share of matching
pairs from deterministic rules, u from random pairs, m by expectation maximisation
on two blocking rules (the second holding what the first learned), then the share of
matching pairs from EM. With a household column, the scored pairs are re-weighed by
family (engine/households.py) before clustering. A smaller table has too few pairs to
estimate anything, so it is scored with the starting values of engine/model.py (the
result says so: result.model["haven"]["trained"] is False).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from splink import Linker, block_on
from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

from haven.linkage.contradictions import UNCERTAIN, Facts, contradiction, question_reason
from haven.linkage.engine import households
from haven.linkage.engine import model as linkage_model
from haven.linkage.engine.backends import Backend, backend_for
from haven.linkage.engine.clustering import CANNOT_LINK, SAME_HOUSEHOLD, cluster
from haven.linkage.engine.model import LinkType
from haven.linkage.engine.records import EngineInputError, prepare_records
from haven.linkage.engine.results import DedupeResult, ScoredPair, Thresholds

Progress = Callable[[str, float], None]

MIN_TRAINING_RECORDS = 1000
# Below this many records, term frequencies measured on the table say nothing about
# how common a name is: exact name matches are weighed without them.
MIN_TERM_FREQUENCY_RECORDS = 1000
U_SAMPLE_PAIRS = 1e6
# EM on a million records blocked on the birth date sees ~16 million pairs; a sample of
# records giving about this many pairs estimates the m as well, in a tenth of the time.
EM_MAX_PAIRS = 1e6
DETERMINISTIC_RECALL = 0.8
DEFAULT_THRESHOLDS = Thresholds()
# No level may make a match impossible: a trained m below this is raised to it.
M_FLOOR = 0.005
# EM's share of matching pairs is kept within this factor of the deterministic rules'.
EM_SHARE_RANGE = 10.0


def _quiet(progress: Progress | None) -> Progress:
    return progress or (lambda _stage, _fraction: None)


@contextmanager
def _splink_quiet() -> Iterator[None]:
    # Splink logs every SQL step and training iteration at INFO; a CLI shows stages.
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _settings_dict(columns: Sequence[str], backend: Backend, *, link_type: LinkType,
                   model: dict[str, Any] | None, term_frequencies: bool) -> dict[str, Any]:
    """Return Splink settings for this backend's dialect with the model's m, u and prior."""
    settings = linkage_model.settings(columns, link_type=link_type).create_settings_dict(
        backend.dialect)
    settings["retain_matching_columns"] = True  # the gamma (level) columns
    settings["retain_intermediate_calculation_columns"] = True  # Bayes factors
    if not term_frequencies:
        for comparison in settings["comparisons"]:
            for level in comparison["comparison_levels"]:
                level.pop("tf_adjustment_column", None)
                level.pop("tf_adjustment_weight", None)
    if model:
        stored = {c["output_column_name"]: c for c in model.get("comparisons", [])}
        for comparison in settings["comparisons"]:
            trained = stored.get(comparison["output_column_name"])
            if trained is None:
                continue
            # By label, not position: a model stored before a level was added to a
            # comparison keeps its trained values for every level it knew.
            by_label = {level.get("label_for_charts"): level
                        for level in trained["comparison_levels"]}
            for level in comparison["comparison_levels"]:
                trained_level = by_label.get(level.get("label_for_charts"))
                if trained_level is None:
                    continue
                for key in ("m_probability", "u_probability"):
                    if isinstance(trained_level.get(key), float | int):
                        level[key] = trained_level[key]
        settings["probability_two_random_records_match"] = model.get(
            "probability_two_random_records_match",
            linkage_model.PRIOR_PROBABILITY_TWO_RECORDS_MATCH)
    return settings


def _repair_trained_levels(linker: Linker, prior: dict[str, Any]) -> None:
    """Give unobserved levels their starting m/u back, and keep every m above M_FLOOR.

    Splink scores a level the sample never showed with a 1e-6 placeholder, and EM can
    drive a level's m to 0 (no match in the training blocks had a different
    patronymic), which would make that level veto any link, whatever else agrees.
    """
    priors = {c["output_column_name"]: c for c in prior["comparisons"]}
    comparisons = linker._settings_obj.comparisons
    for comparison in comparisons:
        start = priors[comparison.output_column_name]["comparison_levels"]
        levels = comparison.comparison_levels
        for level, start_level in zip(levels, start, strict=True):
            if level.is_null_level or start_level.get("fix_m_probability"):
                continue
            for key in ("m_probability", "u_probability"):
                value = getattr(level, f"_{key}")
                unknown = value is None or value == LEVEL_NOT_OBSERVED_TEXT or (
                    isinstance(value, float) and not math.isfinite(value))
                if unknown and key in start_level:
                    setattr(level, key, start_level[key])
            if isinstance(level._m_probability, float | int):
                level.m_probability = max(float(level._m_probability), M_FLOOR)


def _trained_model(linker: Linker, columns: Sequence[str], trained: bool) -> dict[str, Any]:
    """Return the linker's settings with m/u as a JSON-ready dict, and Haven's metadata."""
    result: dict[str, Any] = linker._settings_obj.as_dict()
    result["haven"] = {"format": linkage_model.MODEL_FORMAT, "columns": list(columns),
                       "trained": trained}
    return result


def _train(linker: Linker, n_records: int, progress: Progress) -> bool:
    if n_records < MIN_TRAINING_RECORDS:
        return False
    training = linker.training
    try:
        training.estimate_probability_two_random_records_match(
            [block_on(*rule) for rule in linkage_model.DETERMINISTIC_RULES],
            recall=DETERMINISTIC_RECALL)
    except Exception:
        logging.getLogger(__name__).info("kept the prior share of matching pairs")
    settings = linker._settings_obj
    if not 0 < settings._probability_two_random_records_match < 1:
        # The rules found no pair at all (a file of tracing requests gives birth years
        # only, never the full date or document they need): a share of 0 would make
        # every match impossible (and Splink's log2 of it fails). Keep the starting one.
        settings._probability_two_random_records_match = (
            linkage_model.PRIOR_PROBABILITY_TWO_RECORDS_MATCH)
    progress("training: random pairs (u)", 0.25)
    training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=7)
    learned: set[str] = set()
    for index, rule in enumerate(linkage_model.TRAINING_RULES):
        progress(f"training: expectation maximisation on {' + '.join(rule)}",
                 0.3 + 0.15 * index)
        # Splink's session drops the comparisons its rule blocks on from the linker's
        # own settings and puts them back only when it succeeds: a session that fails
        # (no pairs, an m driven to 0) would leave a model without its birth date.
        before = linker._settings_obj.core_model_settings.copy()
        try:
            with _held(linker, learned):
                session = training.estimate_parameters_using_expectation_maximisation(
                    block_on(*rule), estimate_without_term_frequencies=True,
                    max_pairs=EM_MAX_PAIRS)
        except Exception:
            linker._settings_obj.core_model_settings = before
            logging.getLogger(__name__).info("EM on %s found nothing to learn", rule)
            continue
        blocked = {c.output_column_name for c in session._comparisons_that_cannot_be_estimated}
        learned |= {c.output_column_name for c in linker._settings_obj.comparisons
                    if c.output_column_name not in blocked}
    if len(linker._em_training_sessions) == len(linkage_model.TRAINING_RULES):
        _share_from_em(linker)
    return True


def _share_from_em(linker: Linker) -> None:
    """Take the share of matching pairs from EM, unless it contradicts the rules' share.

    The deterministic rules' share assumes they find 80% of the matches; with partial
    birth dates and dropped documents they find fewer (on the karabakh replay, half:
    the share came out at 0.67 of the truth). EM measures the share of matches within
    its blocks (there within 10% of the truth on both rules), and undoing each rule's
    Bayes factor turns that into the share among all pairs. An EM share ten times off
    the rules' means a session found another class than matches: keep the rules'.
    """
    settings = linker._settings_obj
    deterministic = settings._probability_two_random_records_match
    linker._populate_probability_two_random_records_match_from_trained_values()
    share = settings._probability_two_random_records_match
    if not (math.isfinite(share) and deterministic / EM_SHARE_RANGE <= share
            <= deterministic * EM_SHARE_RANGE):
        settings._probability_two_random_records_match = deterministic


@contextmanager
def _held(linker: Linker, names: set[str]) -> Iterator[None]:
    """Hold the m of these comparisons fixed during an EM session, then release them.

    EM on given + family name sees about one matching pair in five hundred (a million
    namesake pairs in a register of 100,000 Armenians: every Armen Grigoryan with every
    other). Left free, it settles on another class, relatives and namesakes who share
    phone and origin, and teaches the birth date that a match is born in another year.
    With the comparisons an earlier session learned (on the birth date) held still, the
    pairs that agree on phone, document or patronymic anchor the match class, and the
    session learns only the birth date's m.
    """
    levels = [level for comparison in linker._settings_obj.comparisons
              if comparison.output_column_name in names
              for level in comparison.comparison_levels
              if not level.is_null_level and not level._fix_m_probability]
    for level in levels:
        level._fix_m_probability = True
    try:
        yield
    finally:
        for level in levels:
            level._fix_m_probability = False


def _pairs(predictions: pd.DataFrame, labels: dict[str, list[str]],
           record_ids: np.ndarray) -> list[ScoredPair]:
    """Turn Splink's prediction rows into ScoredPairs with level labels and Bayes factors.

    Splink saw each record under its row number (`_number_records`); `record_ids` maps
    the numbers back to the callers' record ids.
    """
    names = [name for name in labels if f"gamma_{name}" in predictions.columns]
    level_columns, factor_columns = [], []
    for name in names:
        # Splink numbers a comparison's levels from the last (0) up; a null level is -1.
        non_null = [label for label in labels[name] if label != "null"]
        by_gamma = np.array([*reversed(non_null), "null"], dtype=object)  # -1 → last
        gamma = predictions[f"gamma_{name}"].to_numpy(dtype=np.int64)
        level_columns.append(by_gamma[gamma])
        weight = predictions[f"mw_{name}"].fillna(0.0).to_numpy(dtype=float)
        if f"mw_tf_adj_{name}" in predictions.columns:
            weight = weight + predictions[f"mw_tf_adj_{name}"].fillna(0.0).to_numpy(dtype=float)
        factor_columns.append(np.exp2(weight))
    lefts = record_ids[predictions["record_id_l"].to_numpy(dtype=np.int64)]
    rights = record_ids[predictions["record_id_r"].to_numpy(dtype=np.int64)]
    probabilities = predictions["match_probability"].to_numpy(dtype=float)
    weights = predictions["match_weight"].to_numpy(dtype=float)
    pairs = []
    for i in range(len(predictions)):
        left, right = (lefts[i], rights[i]) if lefts[i] < rights[i] else (rights[i], lefts[i])
        pairs.append(ScoredPair(
            left, right, float(probabilities[i]), float(weights[i]),
            {name: str(column[i]) for name, column in zip(names, level_columns, strict=True)},
            {name: float(column[i]) for name, column in zip(names, factor_columns,
                                                             strict=True)}))
    return pairs


def _predict(linker: Linker, lower: float) -> pd.DataFrame:
    predictions = linker.inference.predict(threshold_match_probability=lower)
    # Only the ids, scores and per-comparison levels and weights: the matching columns
    # Splink keeps beside the levels would double the memory of a million-record run.
    names = [c.unquote().name for c in predictions.columns]
    wanted = [c for c in names if c in ("record_id_l", "record_id_r",
              "match_probability", "match_weight") or c.startswith(("gamma_", "mw_"))]
    select = ", ".join(wanted)
    frame: pd.DataFrame = linker.misc.query_sql(
        f"select {select} from {predictions.physical_name}",  # noqa: S608 - Splink's names
        output_type="pandas")
    predictions.drop_table_from_database_and_remove_from_cache()
    return frame


def _prepare_all(tables: Sequence[pd.DataFrame]) -> tuple[list[pd.DataFrame], list[str]]:
    prepared = [prepare_records(t) for t in tables]
    columns: list[str] = []
    for table in prepared:
        columns += [c for c in table.columns if c not in columns]
    # Every table gets every column, so that Splink sees one schema.
    aligned = []
    for table in prepared:
        complete = table.copy()
        for column in columns:
            if column not in complete.columns:
                complete[column] = pd.Series([None] * len(complete), dtype="string")
        aligned.append(_typed(complete[columns]))
    ids = [set(t["record_id"]) for t in aligned]
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            if shared := ids[i] & ids[j]:
                raise EngineInputError(
                    f"record_id {min(shared)!r} appears in two tables", column="record_id")
    return aligned, columns


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    # String columns as pandas strings, so that a column with no value at all is still
    # VARCHAR in DuckDB (an all-None object column would have no type).
    for column in table.columns:
        if str(table[column].dtype) != "Int64":
            table[column] = table[column].astype("string")
    return table


def _number_records(prepared: Sequence[pd.DataFrame]) -> np.ndarray:
    """Give every record its row number (across the tables) as record_id, in place.

    Return the callers' record ids, indexed by those numbers. Splink joins on the id
    and keeps every blocked pair as two ids: on a million FEBRL-shaped records that is
    some 15 million pairs, and 8-byte numbers in place of strings such as
    "rec-123456-dup-0" took the run's peak from 3.8 to 3.3 GiB and its scoring from 40
    to 27 s. (Splink samples records for u by a hash of the id, so the sample, and the
    u it gives, differ from those drawn on the callers' ids.)
    """
    record_ids = np.concatenate([t["record_id"].to_numpy(dtype=object) for t in prepared])
    start = 0
    for table in prepared:
        table["record_id"] = pd.array(np.arange(start, start + len(table)), dtype="Int64")
        start += len(table)
    return record_ids


def _run(tables: Sequence[pd.DataFrame], *, link_type: LinkType, engine: str,
         thresholds: Thresholds, model: dict[str, Any] | None,
         must_link: Iterable[tuple[str, str]], cannot_link: Iterable[tuple[str, str]],
         progress: Progress | None) -> DedupeResult:
    started = time.perf_counter()
    report = _quiet(progress)
    report("preparing records", 0.0)
    prepared, columns = _prepare_all(tables)
    if model is not None:
        columns = _model_columns(model, columns, prepared)
    n_records = sum(len(t) for t in prepared)
    if n_records < 2:
        backend = backend_for("duckdb")
        backend.close()
        return _trivial_result(prepared, columns, backend, link_type=link_type, model=model,
                               engine=engine, started=started, report=report)
    record_ids = _number_records(prepared)
    if model is None and engine != "duckdb" and n_records >= MIN_TRAINING_RECORDS:
        # One model whatever the engine: Spark's random sampling and EM differ from
        # DuckDB's (on 5,000 records the two trained different models and linked 24
        # pairs differently), so every engine trains on DuckDB and scores with it.
        report("training (on DuckDB, for every engine)", 0.1)
        model = _train_on_duckdb(prepared, columns, link_type=link_type,
                                 n_records=n_records, report=report)
    backend = backend_for(engine)
    try:
        with _splink_quiet():
            linker, prior = _linker(prepared, columns, backend, link_type=link_type,
                                    model=model, n_records=n_records, tables="records")
            report("training" if model is None else "reusing the stored model", 0.2)
            if model is None:
                trained = _train(linker, n_records, report)
                _repair_trained_levels(linker, prior)
            else:
                trained = bool(model.get("haven", {}).get("trained"))
            report("scoring pairs", 0.6)
            families = "household" in columns
            predictions = _predict(linker, min(thresholds.lower, households.FLOOR)
                                   if families else thresholds.lower)
            result_model = _trained_model(linker, columns, trained)
    finally:
        backend.close()
    report("clustering", 0.9)
    labels = linkage_model.level_labels(columns)
    pairs = _pairs(predictions, labels, record_ids)
    home: dict[str, str] = {}
    if families:
        home = {str(record_id): household for record_id, household in zip(
            record_ids, (h for t in prepared for h in t["household"]), strict=True)
            if isinstance(household, str)}
        pairs = households.household_support(pairs, home)
    pairs = [p for p in pairs if p.probability >= thresholds.lower]
    pairs.sort(key=lambda p: (-p.probability, p.left_id, p.right_id))
    ids = [str(record_id) for record_id in record_ids]
    held: dict[tuple[str, str], str] = {}
    contradicts = _contradicts(prepared, record_ids, pairs, thresholds.upper)
    clusters, probabilities = cluster(
        ids, pairs, upper=thresholds.upper, must_link=must_link, cannot_link=cannot_link,
        contradicts=contradicts if _families_recorded(prepared, families) else None,
        held=held, household=home)
    pairs = _with_reasons(pairs, clusters, held, thresholds.upper, contradicts,
                          home=home)
    report("done", 1.0)
    return DedupeResult(clusters=clusters, probabilities=probabilities, pairs=pairs,
                        model=result_model, engine=engine,
                        seconds=time.perf_counter() - started)


def facts_of(prepared: pd.DataFrame) -> list[Facts]:
    """Return each prepared record's facts that another record can contradict, in order."""
    def text(column: str) -> list[str]:
        if column not in prepared.columns:
            return [""] * len(prepared)
        return [value if isinstance(value, str) else "" for value in prepared[column]]

    years = (prepared["birth_year"] if "birth_year" in prepared.columns
             else pd.Series([None] * len(prepared)))
    return [Facts(sex=sex, birth_year=None if pd.isna(year) else int(year),
                  birth_full=full, document=document, given_key=given,
                  given_latin=latin, family_as_given_key=family_as_given,
                  given_as_family_key=given_as_family, family_key=family,
                  family_latin=family_latin)
            for sex, year, full, document, given, latin, family_as_given, given_as_family,
            family, family_latin in zip(
                text("sex"), years, text("birth_full"), text("document"), text("given_key"),
                text("given_latin"), text("family_as_given_key"),
                text("given_as_family_key"), text("family_key"), text("family_latin"),
                strict=True)]


def _families_recorded(prepared: Sequence[pd.DataFrame], households: bool) -> bool:
    """Whether the records say who lives together (a household id or phones).

    Chaining relatives into one person happens through what a family shares: household,
    phone. Files that record neither (FEBRL: no household, phone or sex) replace one
    value of a duplicate by another as often as a relative differs, and there the rule
    split true duplicates (FEBRL3 clusters F1 0.9997 → 0.9870): it applies only where
    families are recorded, as in the registry and the cross-script benchmarks.
    """
    return households or any(t["phone"].notna().any() for t in prepared
                             if "phone" in t.columns)


def _contradicts(prepared: Sequence[pd.DataFrame], record_ids: np.ndarray,
                 pairs: Sequence[ScoredPair], upper: float) -> Callable[[str, str], str]:
    """Return contradiction(a, b) on the callers' record ids, for the records clustering meets.

    Only records in a returned pair are read, not a million records' (a must-link is
    never refused, so its records need none).
    """
    wanted = {str(record_id) for p in pairs for record_id in (p.left_id, p.right_id)}
    # A set lookup per record. np.isin on object arrays compares every record with every
    # wanted id (numpy's loop for objects): at 1,000,000 records that took over 15 minutes.
    positions = np.fromiter((i for i, record_id in enumerate(record_ids)
                             if str(record_id) in wanted), dtype=np.int64)
    table = pd.concat(prepared, ignore_index=True).iloc[positions] if len(positions) \
        else prepared[0].iloc[0:0]
    facts = dict(zip((str(record_ids[i]) for i in positions), facts_of(table), strict=True))
    empty = Facts()

    def contradicts(a: str, b: str) -> str:
        return contradiction(facts.get(a, empty), facts.get(b, empty))

    return contradicts


def _with_reasons(pairs: Sequence[ScoredPair], clusters: dict[str, str],
                  held: dict[tuple[str, str], str], upper: float,
                  contradicts: Callable[[str, str], str], *,
                  home: Mapping[str, str] | None = None) -> list[ScoredPair]:
    """Give each pair left in two clusters the reason a reviewer sees it.

    A pair whose own records contradict carries the contradiction (no question for a
    reviewer: `ScoredPair.is_question`); so does a pair whose two clusters hold records
    of one household registration ("same_household": two people, as the registry's
    runs never ask either); a likely pair the clustering refused because of another
    record of a cluster carries "cluster_" + the contradiction; a pair between the
    thresholds otherwise carries "score_uncertain".
    """
    homes: dict[str, set[str]] = {}
    for record_id, household in (home or {}).items():
        homes.setdefault(clusters[record_id], set()).add(household)
    result = []
    for pair in pairs:
        left, right = clusters[pair.left_id], clusters[pair.right_id]
        if left != right:
            direct = contradicts(pair.left_id, pair.right_id)
            held_reason = held.get((pair.left_id, pair.right_id)) or held.get(
                (pair.right_id, pair.left_id))
            if held_reason in (CANNOT_LINK, SAME_HOUSEHOLD):
                reason = held_reason
            elif not homes.get(left, set()).isdisjoint(homes.get(right, ())):
                reason = SAME_HOUSEHOLD
            elif held_reason:
                reason = question_reason(direct, held_reason)
            elif pair.probability < upper:
                reason = direct or UNCERTAIN
            else:  # refused when an earlier, likelier link changed the clusters
                reason = question_reason(direct, CANNOT_LINK)
            result.append(replace(pair, reason=reason))
        else:
            result.append(pair)
    return result


def _linker(prepared: Sequence[pd.DataFrame], columns: Sequence[str], backend: Backend, *,
            link_type: LinkType, model: dict[str, Any] | None, n_records: int,
            tables: str) -> tuple[Linker, dict[str, Any]]:
    """Register the prepared tables (`tables`_0, _1, ...) and return a Splink linker for them,
    with `model` (None: untrained), and the untrained settings that training's levels are
    repaired against."""
    prior = _settings_dict(columns, backend, link_type=link_type, model=None,
                           term_frequencies=False)
    settings = _settings_dict(columns, backend, link_type=link_type, model=model,
                              term_frequencies=n_records >= MIN_TERM_FREQUENCY_RECORDS)
    frames = [backend.register(t, f"{tables}_{i}") for i, t in enumerate(prepared)]
    return Linker(frames if len(frames) > 1 else frames[0], settings, log_level=None), prior


def _train_on_duckdb(prepared: Sequence[pd.DataFrame], columns: Sequence[str], *,
                     link_type: LinkType, n_records: int, report: Progress) -> dict[str, Any]:
    """Train on DuckDB and return the model (prepared tables already numbered)."""
    backend = backend_for("duckdb")
    try:
        with _splink_quiet():
            linker, prior = _linker(prepared, columns, backend, link_type=link_type,
                                    model=None, n_records=n_records, tables="training")
            trained = _train(linker, n_records, report)
            _repair_trained_levels(linker, prior)
            return _trained_model(linker, columns, trained)
    finally:
        backend.close()


def _trivial_result(prepared: Sequence[pd.DataFrame], columns: Sequence[str],
                    backend: Backend, *, link_type: LinkType, model: dict[str, Any] | None,
                    engine: str, started: float, report: Progress) -> DedupeResult:
    """Return the result for fewer than two records: each its own cluster."""
    if model is None:
        model = _settings_dict(columns, backend, link_type=link_type, model=None,
                               term_frequencies=False)
        model["haven"] = {"format": linkage_model.MODEL_FORMAT, "columns": list(columns),
                          "trained": False}
    ids = [record_id for t in prepared for record_id in t["record_id"]]
    report("done", 1.0)
    return DedupeResult(clusters={i: i for i in ids}, probabilities=dict.fromkeys(ids, 0.0),
                        pairs=[], model=model, engine=engine,
                        seconds=time.perf_counter() - started)


def _model_columns(model: dict[str, Any], columns: list[str],
                   prepared: list[pd.DataFrame]) -> list[str]:
    """Use the stored model's columns; a column it compares that the input lacks is empty."""
    stored = model.get("haven", {}).get("columns")
    if not stored:
        return columns
    for table in prepared:
        for column in stored:
            if column not in table.columns:
                table[column] = pd.Series([None] * len(table), dtype="string")
    return list(stored)


def dedupe(records: pd.DataFrame, *, engine: str = "duckdb",
           thresholds: Thresholds = DEFAULT_THRESHOLDS, model: dict[str, Any] | None = None,
           must_link: Iterable[tuple[str, str]] = (),
           cannot_link: Iterable[tuple[str, str]] = (),
           progress: Progress | None = None) -> DedupeResult:
    """Find the records of one table that are the same person, and cluster them.

    With model=None, train the model on the records; otherwise reuse it (no training).
    Clusters join pairs at or above thresholds.upper and the must-link pairs, never
    putting a cannot-link pair in one cluster. progress(stage, fraction) is called as
    stages complete.
    """
    return _run([records], link_type="dedupe_only", engine=engine, thresholds=thresholds,
                model=model, must_link=must_link, cannot_link=cannot_link, progress=progress)


def link_tables(left: pd.DataFrame, right: pd.DataFrame, *, engine: str = "duckdb",
                thresholds: Thresholds = DEFAULT_THRESHOLDS, model: dict[str, Any] | None = None,
                progress: Progress | None = None) -> DedupeResult:
    """Link two tables (no pairs within a table), as `dedupe` does for one."""
    return _run([left, right], link_type="link_only", engine=engine, thresholds=thresholds,
                model=model, must_link=(), cannot_link=(), progress=progress)


def link_new(new: pd.DataFrame, existing: pd.DataFrame, *, model: dict[str, Any],
             engine: str = "duckdb",
             thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[ScoredPair]:
    """Score new records against existing ones and against each other, with a stored model.

    No existing-vs-existing pair is scored. Return the pairs at or above thresholds.lower.
    """
    if len(new) == 0:
        return []
    across = _run([new, existing], link_type="link_only", engine=engine,
                  thresholds=thresholds, model=model, must_link=(), cannot_link=(),
                  progress=None) if len(existing) else None
    within = _run([new], link_type="dedupe_only", engine=engine, thresholds=thresholds,
                  model=model, must_link=(), cannot_link=(), progress=None)
    pairs = (across.pairs if across else []) + within.pairs
    pairs.sort(key=lambda p: (-p.probability, p.left_id, p.right_id))
    return pairs
