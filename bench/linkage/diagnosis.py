"""Why Haven's engine missed a pair: no blocking rule found it, or the model scored it low.

`diagnose_pairs(records, model, pairs)` re-scores the given record pairs with the trained
model the engine returned (its Splink settings with m and u), on the engine's own
prepared columns (`prepare_records`), without blocking: Splink's `predict` scores exactly
the pairs registered as blocked pairs. For each pair it also evaluates every prediction
blocking rule of the model, so a missed pair is either "blocked out" (no rule holds) or
"scored low" (a rule holds, the probability is below the threshold), and the comparison
that pulled the score down most is named.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from typing import Any

import pandas as pd


def typed(table: pd.DataFrame) -> pd.DataFrame:
    # As the engine registers them: strings as pandas strings (a column with no value at
    # all must still be VARCHAR), integers as Int64.
    table = table.copy()
    for column in table.columns:
        if str(table[column].dtype) != "Int64":
            table[column] = table[column].astype("string")
    return table


def diagnose_pairs(records: pd.DataFrame, model: dict[str, Any],
                   pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Return one row per pair: probability, rules that hold, each comparison's weight.

    A weight column `mw_<comparison>` is the comparison's log2 Bayes factor for the pair
    (term-frequency adjustment included).
    """
    from splink import DuckDBAPI, Linker  # noqa: PLC0415

    from haven.linkage.engine import prepare_records  # noqa: PLC0415

    if not pairs:
        return pd.DataFrame()
    # The kinship comparison has no null level by design; Splink warns about it each time.
    logging.getLogger("splink").setLevel(logging.ERROR)
    settings = copy.deepcopy(model)
    settings.pop("haven", None)
    settings["retain_matching_columns"] = True
    settings["retain_intermediate_calculation_columns"] = True
    stored = model.get("haven", {}).get("columns") or []
    prepared = prepare_records(records)
    for column in stored:
        if column not in prepared.columns:
            prepared[column] = pd.Series([None] * len(prepared), dtype="string")
    prepared = typed(prepared[list(stored)] if stored else prepared)
    unique_id = settings.get("unique_id_column_name", "record_id")
    db_api = DuckDBAPI()
    table = db_api.register(prepared, dataset_display_name="diagnosed")
    linker = Linker(table, settings, log_level=None)
    wanted = pd.DataFrame([(str(min(a, b)), str(max(a, b))) for a, b in pairs],
                          columns=["join_key_l", "join_key_r"]).drop_duplicates()
    wanted.insert(0, "match_key", "0")
    linker.table_management.register_blocked_pairs_for_predict(
        db_api.register(wanted, dataset_display_name="diagnosed_pairs"))
    scored = linker.inference.predict().as_pandas_dataframe()
    left, right = f"{unique_id}_l", f"{unique_id}_r"
    scored = scored.rename(columns={left: "left_id", right: "right_id"})
    # Splink 5 writes each comparison's match weight (log2 Bayes factor) as mw_<name>,
    # and its term-frequency adjustment, if any, as mw_tf_adj_<name>.
    prefix = settings.get("match_weight_column_prefix") or "mw_"
    tf_prefix = f"{prefix}{settings.get('term_frequency_adjustment_column_prefix') or 'tf_'}"
    out = pd.DataFrame({"left_id": scored["left_id"].astype(str),
                        "right_id": scored["right_id"].astype(str),
                        "probability": scored["match_probability"]})
    for column in scored.columns:
        if not column.startswith(prefix) or column.startswith(tf_prefix) \
                or column == "match_weight":
            continue
        name = column[len(prefix):]
        weight = scored[column].astype(float).fillna(0.0)
        adjustment = f"{tf_prefix}adj_{name}"
        if adjustment in scored.columns:
            weight = weight + scored[adjustment].astype(float).fillna(0.0)
        out[f"mw_{name}"] = weight.to_numpy()
    holding = _rules_holding(db_api, settings, unique_id, wanted)
    out["rules"] = [holding.get((a, b), "") for a, b in zip(out["left_id"], out["right_id"],
                                                            strict=True)]
    return out.reset_index(drop=True)


def _rules_holding(db_api: Any, settings: dict[str, Any], unique_id: str,
                   wanted: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Return the prediction blocking rules that hold for each pair in `wanted`."""
    rules = [r["blocking_rule"] if isinstance(r, dict) else str(r)
             for r in settings.get("blocking_rules_to_generate_predictions", [])]
    connection = db_api._con  # the DuckDB connection the records were registered on
    connection.register("diagnosed_wanted", wanted)
    checks = ", ".join(f"coalesce(({rule}), false) AS rule_{i}" for i, rule in enumerate(rules))
    frame = connection.execute(
        f"SELECT w.join_key_l AS left_id, w.join_key_r AS right_id, {checks} "  # noqa: S608
        f'FROM diagnosed_wanted w JOIN diagnosed l ON l."{unique_id}" = w.join_key_l '
        f'JOIN diagnosed r ON r."{unique_id}" = w.join_key_r').df()
    return {(row.left_id, row.right_id): " | ".join(
        rules[i] for i in range(len(rules)) if getattr(row, f"rule_{i}"))
        for row in frame.itertuples(index=False)}
