"""Plain Splink setups, the peers Haven's engine is measured against, on DuckDB.

No Haven code here: what a careful analyst would build with Splink out of the box.

- `cross_script_frame(records, flatten=)`: the cross-script records as Splink gets them,
  raw (Armenian, Cyrillic and Latin as typed) or flattened by unidecode (what Person
  Finder does: Հարությունյան -> "Harowt`yownyan"), lowercased; the phone cleaned to its
  last eight digits and the birth year cut from the date, as any analyst would.
- `CROSS_SCRIPT`: Jaro-Winkler on given name, surname and patronymic, date of birth
  (full dates; ±1 month, ±1 year, ±10 years), exact birth year, phone, origin, sex and
  document; blocking on surname, on given name and birth year, on birth date, on phone.
- `FEBRL_BROAD` / `FEBRL_TIGHT`: the FEBRL comparisons of Splink's own examples (name
  comparisons, date of birth, Damerau-Levenshtein on soc_sec_id, address fields), with
  many blocking rules (recall first) or with three exact ones (speed first).

`splink_dedupe(frame, setup)` trains each model the standard way (probability two random
records match from deterministic rules, u by random sampling, m by EM in two sessions),
predicts, clusters at `threshold`, and returns clusters, linked pairs and timings.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

NAME_COLUMNS = ("given_name", "family_name", "patronymic", "place_of_origin")
_NOT_DIGIT = re.compile(r"\D+")


@dataclass(frozen=True)
class Setup:
    name: str
    comparisons: Callable[[], list[Any]]
    blocking: Callable[[], list[Any]]
    deterministic: Callable[[], list[Any]]
    em_sessions: Callable[[], list[Any]]
    recall: float = 0.7
    u_pairs: float = 5e6
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class PeerResult:
    clusters: pd.Series  # record_id -> cluster id
    pairs: pd.DataFrame  # left_id, right_id, match_probability (>= predict threshold)
    seconds: float
    train_seconds: float
    predict_seconds: float
    comparisons: int  # pairs the blocking rules produced and the model scored
    linker: Any = None


def cross_script_frame(records: pd.DataFrame, *, flatten: bool) -> pd.DataFrame:
    """Return the cross-script records as the Splink peer sees them."""
    frame = records[["record_id", *NAME_COLUMNS, "sex", "birth_date", "phone",
                     "document_number"]].copy()
    if flatten:
        from unidecode import unidecode  # noqa: PLC0415 - only this peer needs it

        for column in NAME_COLUMNS:
            frame[column] = [unidecode(v).lower().strip() for v in frame[column]]
    frame["phone"] = [_NOT_DIGIT.sub("", v)[-8:] for v in frame["phone"]]
    frame["document_number"] = [v.replace(" ", "").upper() for v in frame["document_number"]]
    frame["birth_year"] = frame["birth_date"].str[:4]
    # Only full dates parse; a partial one would be an invalid date, so null it first.
    frame["birth_date"] = frame["birth_date"].where(frame["birth_date"].str.len() == 10, "")
    return frame.replace("", None)


def _cross_script_comparisons() -> list[Any]:
    import splink.comparison_library as cl  # noqa: PLC0415

    return [
        cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8]),
        cl.JaroWinklerAtThresholds("family_name", [0.92, 0.8]),
        cl.JaroWinklerAtThresholds("patronymic", [0.9]),
        cl.DateOfBirthComparison("birth_date", input_is_string=True,
                                 datetime_format="%Y-%m-%d"),
        cl.ExactMatch("birth_year"),
        cl.ExactMatch("phone"),
        cl.ExactMatch("place_of_origin"),
        cl.ExactMatch("sex"),
        cl.ExactMatch("document_number"),
    ]


def _cross_script_blocking() -> list[Any]:
    from splink import block_on  # noqa: PLC0415

    return [block_on("family_name"), block_on("given_name", "birth_year"),
            block_on("birth_date"), block_on("phone"), block_on("document_number")]


def _cross_script_deterministic() -> list[Any]:
    from splink import block_on  # noqa: PLC0415

    return [block_on("given_name", "family_name", "birth_date"), block_on("document_number")]


def _cross_script_em() -> list[Any]:
    from splink import block_on  # noqa: PLC0415

    return [block_on("family_name", "given_name"), block_on("birth_date"), block_on("phone")]


CROSS_SCRIPT = Setup(name="cross-script", comparisons=_cross_script_comparisons,
                     blocking=_cross_script_blocking,
                     deterministic=_cross_script_deterministic, em_sessions=_cross_script_em)


def _febrl_comparisons() -> list[Any]:
    import splink.comparison_library as cl  # noqa: PLC0415

    return [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                 datetime_format="%Y%m%d"),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
        cl.ExactMatch("street_number"),
        cl.LevenshteinAtThresholds("address_1", [2]),
        cl.ExactMatch("postcode"),
        cl.LevenshteinAtThresholds("suburb", [2]),
        cl.ExactMatch("state"),
    ]


def _febrl_broad() -> list[Any]:
    from splink import block_on  # noqa: PLC0415

    return [block_on("given_name", "surname"), block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"), block_on("soc_sec_id"),
            block_on("postcode", "street_number"), block_on("address_1", "suburb"),
            block_on("surname", "postcode"), block_on("given_name", "postcode"),
            block_on("date_of_birth")]


def _febrl_tight() -> list[Any]:
    from splink import block_on  # noqa: PLC0415

    return [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id"),
            block_on("surname", "postcode")]


def _febrl_deterministic() -> list[Any]:
    from splink import block_on  # noqa: PLC0415

    return [block_on("soc_sec_id", "date_of_birth"), block_on("given_name", "surname",
                                                              "date_of_birth")]


def _febrl_em() -> list[Any]:
    from splink import block_on  # noqa: PLC0415

    return [block_on("date_of_birth"), block_on("given_name", "surname")]


FEBRL_BROAD = Setup(name="febrl-broad", comparisons=_febrl_comparisons,
                    blocking=_febrl_broad, deterministic=_febrl_deterministic,
                    em_sessions=_febrl_em, recall=0.8)
FEBRL_TIGHT = Setup(name="febrl-tight", comparisons=_febrl_comparisons,
                    blocking=_febrl_tight, deterministic=_febrl_deterministic,
                    em_sessions=_febrl_em, recall=0.8)


def splink_dedupe(frame: pd.DataFrame, setup: Setup, *, unique_id: str = "record_id",
                  threshold: float = 0.95, predict_threshold: float = 0.5,
                  seed: int = 42) -> PeerResult:
    """Train `setup` on `frame`, predict, cluster at `threshold`; return what it found.

    `comparisons` is -1 here: `count_comparisons(result)` builds the blocked pairs once
    more to count them, so call it after the timing, and not where memory is measured.
    """
    from splink import DuckDBAPI, Linker, SettingsCreator  # noqa: PLC0415

    started = time.perf_counter()
    db_api = DuckDBAPI()
    table = db_api.register(frame, dataset_display_name="people")
    settings = SettingsCreator(link_type="dedupe_only", unique_id_column_name=unique_id,
                               comparisons=setup.comparisons(),
                               blocking_rules_to_generate_predictions=setup.blocking(),
                               retain_intermediate_calculation_columns=False,
                               retain_matching_columns=False)
    linker = Linker(table, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        setup.deterministic(), recall=setup.recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=setup.u_pairs, seed=seed)
    for rule in setup.em_sessions():
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=predict_threshold)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold)
    clusters = clustered.as_pandas_dataframe()
    pairs = predictions.as_pandas_dataframe()
    finished = time.perf_counter()
    left, right = f"{unique_id}_l", f"{unique_id}_r"
    return PeerResult(
        clusters=pd.Series(clusters["cluster_id"].astype(str).to_numpy(),
                           index=clusters[unique_id].astype(str).to_numpy()),
        pairs=pd.DataFrame({"left_id": pairs[left].astype(str), "right_id": pairs[right]
                            .astype(str), "match_probability": pairs["match_probability"]}),
        seconds=finished - started, train_seconds=trained - started,
        predict_seconds=finished - trained, comparisons=-1, linker=linker)


def count_comparisons(result: PeerResult) -> int:
    """Return how many pairs the prediction blocking rules generate (after dedup)."""
    from splink.blocking_analysis import (  # noqa: PLC0415
        count_comparisons_from_blocking_rules,
    )

    linker = result.linker
    settings = linker._settings_obj  # the rules as the linker holds them
    rules = [r.blocking_rule_sql for r in settings._blocking_rules_to_generate_predictions]
    table = linker._input_tables_dict
    records = list(table.values())
    try:
        counts = count_comparisons_from_blocking_rules(
            records, blocking_rules=rules, link_type="dedupe_only",
            unique_id_column_name=settings.column_info_settings.unique_id_column_name,
            record_sample_proportion=1.0)
    except Exception:  # a count is a nicety; the benchmark goes on without it
        return -1
    return int(sum(c["marginal_comparison_count"] for c in counts)) if counts else -1
