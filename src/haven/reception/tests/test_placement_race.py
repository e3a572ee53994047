"""Two clerks placing households into the last beds at the same moment: never overfilled.

On PostgreSQL the clerks are threads in this process, each with its own connection. On
SQLite they are threads in a child process on a database file: the suite's in-memory
SQLite shares one cache between connections, which is not how a border post's file
behaves. Both count, in every trial, that exactly the households that fit were placed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from haven.reception.tests.racing import RaceResult, race

TRIALS = 12
SLOW_TRIALS = 150


def _race(trials: int, tmp_path, **options: int) -> RaceResult:
    if connection.vendor != "sqlite":
        return race(trials, **options)
    env = {k: v for k, v in os.environ.items()
           if k not in {"HAVEN_DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["HAVEN_VAR_DIR"] = str(tmp_path)
    arguments = ["--trials", str(trials)]
    if "clerks" in options:
        arguments += ["--clerks", str(options["clerks"])]
    done = subprocess.run([sys.executable, "-m", "haven.reception.tests.racing", *arguments],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return RaceResult(**json.loads(done.stdout))


def _check(result: RaceResult, trials: int, *, placed_per_trial: int) -> None:
    assert result.errors == []
    assert result.trials == trials
    assert result.over_capacity == 0
    assert result.lost == 0
    assert result.placed == placed_per_trial * trials


@pytest.mark.django_db(transaction=True)
def test_two_clerks_racing_for_the_last_four_beds_place_one_household_of_three(tmp_path):
    result = _race(TRIALS, tmp_path)
    _check(result, TRIALS, placed_per_trial=1)
    assert result.refused == TRIALS


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_many_trials_of_the_race_for_the_last_beds(tmp_path):
    result = _race(SLOW_TRIALS, tmp_path)
    _check(result, SLOW_TRIALS, placed_per_trial=1)


@pytest.mark.django_db(transaction=True)
def test_four_clerks_at_once_still_place_only_what_fits(tmp_path):
    result = _race(TRIALS // 2, tmp_path, clerks=4)
    _check(result, TRIALS // 2, placed_per_trial=1)
    assert result.refused == 3 * (TRIALS // 2)
