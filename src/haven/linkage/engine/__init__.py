"""Haven's record-linkage engine: one person, whatever the script (no Django here).

    prepare_records(records)              derived columns: name keys, dates, E.164 phone
    dedupe(records, ...)                  one table → scored pairs, clusters, model
    link_tables(left, right, ...)         two tables, pairs across them only
    link_new(new, existing, model=...)    a day's arrivals against the registry

Splink scores the pairs on DuckDB (default) or Spark; see docs/linkage.md.
"""

from haven.linkage.engine.backends import ENGINES
from haven.linkage.engine.linking import dedupe, link_new, link_tables
from haven.linkage.engine.records import (
    EXTRA_COLUMNS,
    RECORD_COLUMNS,
    EngineInputError,
    parse_birth_date,
    prepare_records,
)
from haven.linkage.engine.results import DedupeResult, ScoredPair, Thresholds

__all__ = [
    "ENGINES",
    "EXTRA_COLUMNS",
    "RECORD_COLUMNS",
    "DedupeResult",
    "EngineInputError",
    "ScoredPair",
    "Thresholds",
    "dedupe",
    "link_new",
    "link_tables",
    "parse_birth_date",
    "prepare_records",
]
