"""Match a file of tracing requests against a file of records (`haven trace match`).

No Django and no second name matcher: both files go through the linkage engine
(haven.linkage.engine.link_tables), so a request is compared with a record by the same
name keys, comparison levels and model that deduplicate the registry. Requests are
ranked per request by the engine's match probability.

The registry's rule that a search needs a second detail besides the name guards the
registry against enumeration; a file the user already holds may be matched on names
alone, so only request_id, given_name and family_name are required.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from haven.linkage.engine import RECORD_COLUMNS, Thresholds, link_tables, parse_birth_date

RECORD_REQUIRED = ("record_id", "given_name", "family_name")
REQUEST_REQUIRED = ("request_id", "given_name", "family_name")
REQUEST_OPTIONAL = ("patronymic", "sex", "birth_year", "place_of_origin")
DEFAULT_TOP = 10
# Every blocked pair is ranked, however unlikely: the list is a shortlist for a person
# to read, and a request with one weak candidate should still show it.
# (Not 0: Splink turns the threshold into a match weight, and log2(0) has none.)
ALL_PAIRS = Thresholds(upper=1.0, lower=1e-12)
_YEAR = re.compile(r"^\d{4}$")
# The engine wants ids unique across both tables; the two files may share ids.
_RECORD, _REQUEST = "record\x1f", "request\x1f"

Progress = Callable[[str, float], None]


class MatchInputError(ValueError):
    """A file `haven trace match` cannot use; the message names the file's column and row."""

    def __init__(self, message: str, *, which: str, column: str, row: int | None = None) -> None:
        super().__init__(message)
        self.which = which  # "records" | "requests"
        self.column = column
        self.row = row  # line of the CSV file (the header is line 1)


@dataclass(frozen=True)
class Match:
    request_id: str
    rank: int  # 1 = best
    record_id: str
    score: float  # the engine's match probability


def _require(table: pd.DataFrame, columns: tuple[str, ...], which: str) -> None:
    for column in columns:
        if column not in table.columns:
            raise MatchInputError(f"{which}: missing column {column}", which=which,
                                  column=column)


def _clean(table: pd.DataFrame, column: str) -> pd.Series:
    if column not in table.columns:
        return pd.Series([""] * len(table), index=table.index, dtype=object)
    return table[column].fillna("").astype(str).str.strip()


def _check_ids(ids: pd.Series, which: str, column: str) -> None:
    empty = ids == ""
    if empty.any():
        line = int(empty.to_numpy().argmax()) + 2
        raise MatchInputError(f"{which}: line {line}, column {column}: empty", which=which,
                              column=column, row=line)
    duplicated = ids.duplicated()
    if duplicated.any():
        index = int(duplicated.to_numpy().argmax())
        raise MatchInputError(
            f"{which}: line {index + 2}, column {column}: duplicate {ids.iloc[index]!r}",
            which=which, column=column, row=index + 2)


def _check_values(values: pd.Series, which: str, column: str,
                  valid: Callable[[str], bool], expected: str) -> None:
    # Checked per distinct value: a register repeats its dates and years a lot.
    bad = {value for value in values.unique() if value and not valid(value)}
    if bad:
        index = int(values.isin(bad).to_numpy().argmax())
        raise MatchInputError(
            f"{which}: line {index + 2}, column {column}: {values.iloc[index]!r} is not "
            f"{expected}", which=which, column=column, row=index + 2)


def _valid_date(value: str) -> bool:
    try:
        parse_birth_date(value)
    except ValueError:
        return False
    return True


def records_table(records: pd.DataFrame) -> pd.DataFrame:
    """Return the records as the engine's input, ids prefixed; raise MatchInputError."""
    _require(records, RECORD_REQUIRED, "records")
    table = pd.DataFrame({column: _clean(records, column) for column in RECORD_COLUMNS})
    _check_ids(table["record_id"], "records", "record_id")
    _check_values(table["birth_date"], "records", "birth_date", _valid_date,
                  "a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    table["record_id"] = _RECORD + table["record_id"]
    return table


def requests_table(requests: pd.DataFrame) -> pd.DataFrame:
    """Return the requests as engine records (birth_year as the birth date), ids prefixed."""
    _require(requests, REQUEST_REQUIRED, "requests")
    table = pd.DataFrame({column: _clean(requests, column) for column in RECORD_COLUMNS
                          if column != "record_id"})
    table.insert(0, "record_id", _clean(requests, "request_id"))
    _check_ids(table["record_id"], "requests", "request_id")
    years = _clean(requests, "birth_year")
    _check_values(years, "requests", "birth_year", lambda v: bool(_YEAR.match(v)),
                  "a year (YYYY)")
    table["birth_date"] = years
    table["record_id"] = _REQUEST + table["record_id"]
    return table


def match_requests(records: pd.DataFrame, requests: pd.DataFrame, *, top: int = DEFAULT_TOP,
                   engine: str = "duckdb", progress: Progress | None = None) -> list[Match]:
    """Rank the records for each request, best first, at most `top` per request.

    Both frames hold strings as read from CSV. Raise MatchInputError for a missing
    column, an empty or duplicate id, or a birth date or year that cannot be read.
    """
    if top < 1:
        raise ValueError("top must be at least 1")
    left, right = records_table(records), requests_table(requests)
    if not len(left) or not len(right):
        return []
    result = link_tables(left, right, engine=engine, thresholds=ALL_PAIRS, progress=progress)
    by_request: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for pair in result.pairs:
        ids = (pair.left_id, pair.right_id)
        request = next((i for i in ids if i.startswith(_REQUEST)), None)
        record = next((i for i in ids if i.startswith(_RECORD)), None)
        if request is None or record is None:
            continue  # link_only never pairs within a table; kept safe all the same
        by_request[request[len(_REQUEST):]].append((pair.probability, record[len(_RECORD):]))
    matches = []
    # Requests in file order; within one, by score, then record id for a stable order.
    for request_id in (i[len(_REQUEST):] for i in right["record_id"]):
        ranked = sorted(by_request.get(request_id, ()), key=lambda c: (-c[0], c[1]))[:top]
        matches += [Match(request_id, rank, record_id, score)
                    for rank, (score, record_id) in enumerate(ranked, start=1)]
    return matches
