"""Crash anywhere, short form: each operation killed with SIGKILL twice at random points.

After each kill `haven check --integrity` passes, nothing acknowledged is lost and
nothing is stored twice; then the operation runs again to its end. The full form (50
kills of each) is `.venv/bin/python bench/faults/crash.py`; figures in docs/reliability.md.

On the PostgreSQL run (HAVEN_DATABASE_URL set, as in CI) the harness makes its own
databases on that server, named after the test database (`<name>_crash_<world>_<pid>`), and
kills the operations whose checks read PostgreSQL as well as SQLite.
"""

from __future__ import annotations

import os
import random

import pytest
from bench.faults.crash import OPERATIONS, crash, drop_databases, prepare_templates

KILLS = 2
DATABASE_URL = os.environ.get("HAVEN_DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
# Run on PostgreSQL too: the write paths whose transactions differ by engine. The server
# (odk) and the Spark link are in the full form only (docs/reliability.md).
POSTGRES_OPERATIONS = ("import", "place", "scenario", "report")


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    made = prepare_templates(tmp_path_factory.mktemp("templates"), _harness_url())
    yield made
    if ON_POSTGRES:
        drop_databases(_harness_url(), list(made.values()))


def _harness_url() -> str:
    return f"{DATABASE_URL}_crash" if ON_POSTGRES else ""


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_killed_at_random_points_nothing_is_lost_or_doubled_and_it_completes(
        name, templates, tmp_path):
    if ON_POSTGRES and name not in POSTGRES_OPERATIONS:
        pytest.skip(f"{name} is killed on PostgreSQL in the full form only")
    rng = random.Random(f"crash-{name}")  # noqa: S311 - when to kill, not a secret
    outcome = crash(OPERATIONS[name](), templates, tmp_path, kills=KILLS, rng=rng,
                    database_url=_harness_url())
    assert outcome.kills + outcome.finished_first == KILLS
    assert outcome.failures == []
