"""`haven link`: find the records that are the same person.

The group is defined here; `dedupe` (any CSV file) lives in this module and the
commands on the live registry (`run`, ...) in `haven.cli.link_registry`.
"""

# The engine (pandas, Splink, DuckDB) is imported inside the commands: importing it here
# added a second and a half to every `haven` command, `haven --help` included.
# ruff: noqa: PLC0415

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from haven.cli.main import cli

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

    from haven.linkage.engine import DedupeResult

# haven.linkage.engine.ENGINES, without importing the engine (a test keeps them equal).
ENGINE_CHOICES = ("duckdb", "spark")


@cli.group("link")
def link_group() -> None:
    """Find records of the same person, across scripts and spellings."""


def _default_threshold(variable: str, default: float) -> float:
    from haven.config.environment import env_float  # no Django needed

    try:
        return env_float(variable, default)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def read_csv_strings(path: Path) -> pd.DataFrame:
    """Read a CSV of records (UTF-8, with or without a BOM), or exit with what is wrong."""
    import pandas as pd

    try:
        # utf-8-sig reads UTF-8 with or without a byte-order mark; every value stays a
        # string ("" when empty), as the engine expects.
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "empty file"
        raise click.ClickException(f"{path}: not a CSV file ({first_line})") from None


def write_csv_atomically(output: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    """Write a CSV beside `output` and rename it into place.

    A reader never sees half a file, and an interrupted run leaves any earlier output as
    it was (`haven link dedupe`, `haven trace match`).
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before the rename
        "w", newline="", encoding="utf-8", dir=output.parent, prefix=f".{output.name}.",
        suffix=".tmp", delete=False)
    try:
        with handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(handle.name, output)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _write_clusters(result: DedupeResult, ids: list[str], output: Path) -> None:
    write_csv_atomically(output, ["record_id", "cluster_id", "match_probability"], (
        [record_id, result.clusters[record_id], f"{result.probabilities[record_id]:.6f}"]
        for record_id in ids))


class _StageLines:
    """Print each stage on stderr with the elapsed seconds: a progress display for logs."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, stage: str, fraction: float) -> None:
        click.echo(f"[{fraction:4.0%}] {time.perf_counter() - self.started:6.1f} s  {stage}",
                   err=True)


@link_group.command("dedupe")
@click.option("--input", "input_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV file of records (UTF-8, with or without BOM).")
@click.option("--output", "output_path", required=True,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="CSV file to write: record_id,cluster_id,match_probability.")
@click.option("--engine", type=click.Choice(ENGINE_CHOICES), default="duckdb", show_default=True,
              help="Where Splink runs: DuckDB in this process, or local Spark.")
@click.option("--auto-threshold", type=click.FloatRange(0, 1), default=None,
              help="Link pairs at or above this probability "
                   "[default: HAVEN_LINK_AUTO_THRESHOLD or 0.95].")
@click.option("--review-threshold", type=click.FloatRange(0, 1), default=None,
              help="Count pairs from this probability up as review pairs "
                   "[default: HAVEN_LINK_REVIEW_THRESHOLD or 0.80].")
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False,
                                                       path_type=Path),
              help="Reuse a trained model (JSON from --save-model) instead of training.")
@click.option("--save-model", "save_model_path",
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the trained model (Splink settings with m/u) to this JSON file.")
def dedupe_command(*, input_path: Path, output_path: Path, engine: str,
                   auto_threshold: float | None, review_threshold: float | None,
                   model_path: Path | None, save_model_path: Path | None) -> None:
    """Find the records of one CSV file that are the same person; no database needed.

    \b
    Example:
      haven link dedupe --input arrivals.csv --output clusters.csv
      haven link dedupe --input day2.csv --output c2.csv --model model.json

    \b
    Input columns (header row; any value may be empty, other columns are ignored):
      record_id        required, unique
      given_name, family_name, patronymic   in any script (Armenian, Cyrillic, Latin)
      sex              female/male (or f/m, ж/м)
      birth_date       YYYY-MM-DD, YYYY-MM or YYYY
      place_of_origin  settlement, in any script
      phone            as typed; Armenian (+374) unless a country code is given
      document_number  passport or ID number
      household_id     optional: records of one household are relatives

    Writes record_id,cluster_id,match_probability for every record, singletons
    included; records with the same cluster_id are one person. Pairs at or above the
    auto threshold are linked; the count of pairs between the two thresholds (review
    pairs) is reported.
    """
    upper = auto_threshold if auto_threshold is not None else _default_threshold(
        "HAVEN_LINK_AUTO_THRESHOLD", 0.95)
    lower = review_threshold if review_threshold is not None else _default_threshold(
        "HAVEN_LINK_REVIEW_THRESHOLD", 0.80)
    from haven.linkage.engine import EngineInputError, Thresholds, dedupe

    if lower > upper:
        raise click.ClickException(
            f"review threshold {lower} is above the auto threshold {upper}")
    model = None
    if model_path is not None:
        try:
            model = json.loads(model_path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            raise click.ClickException(f"{model_path}: not a model file ({exc})") from None
        if not isinstance(model, dict) or "comparisons" not in model:
            raise click.ClickException(f"{model_path}: not a model file (no comparisons)")
    records = read_csv_strings(input_path)
    try:
        result = dedupe(records, engine=engine, thresholds=Thresholds(upper=upper, lower=lower),
                        model=model, progress=_StageLines())
    except EngineInputError as exc:
        where = f" (CSV line {exc.row + 1})" if exc.row is not None else ""
        raise click.ClickException(f"{input_path}: {exc}{where}") from None
    _write_clusters(result, list(records["record_id"].astype(str).str.strip()), output_path)
    if save_model_path is not None:
        save_model_path.write_text(json.dumps(result.model, indent=1), encoding="utf-8")
    review = sum(1 for p in result.pairs if p.probability < upper)
    persons = len(set(result.clusters.values()))
    click.echo(f"{len(records)} records, {persons} persons, {review} review pairs; "
               f"{result.seconds:.1f} s on {engine}; wrote {output_path}", err=True)
