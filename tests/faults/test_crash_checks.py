"""What the crash harness counts as a failure after a kill of `haven scenario run`.

A replay is one transaction whose truth file takes its place just before the commit. A
kill that falls after the commit and before the summary line leaves the whole replay
(found by the 50-kill run of 2026-12-06: kill 4 of 50, at 1.48 s of a 1.9 s replay); that
is sound, and running it again rightly refuses a database that holds one. A replay cut
in half, or one without its truth file, is a failure.
"""

from __future__ import annotations

import contextlib
import csv
import sqlite3

import pytest
from bench.faults.crash import ScenarioOperation, World

KILLED = "Replaying karabakh-2023\n"  # the log of a run killed before its summary line
TRUTH = [("P1", "H1"), ("P2", "H1"), ("P3", "H2")]


@pytest.fixture
def world(tmp_path):
    template = tmp_path / "template.sqlite3"
    with contextlib.closing(sqlite3.connect(template)) as db:
        db.executescript("""
            CREATE TABLE registry_household (id INTEGER PRIMARY KEY, code TEXT, channel TEXT);
            CREATE TABLE registry_person (id INTEGER PRIMARY KEY, household_id INTEGER,
                                          code TEXT);
        """)
    return World(tmp_path / "world", template)


def _store(world, persons):
    with contextlib.closing(sqlite3.connect(world.database)) as db, db:
        for code, household in persons:
            db.execute("INSERT OR IGNORE INTO registry_household (id, code, channel) "
                       "VALUES (?, ?, 'scenario')", (int(household[1:]), household))
            db.execute("INSERT INTO registry_person (household_id, code) VALUES (?, ?)",
                       (int(household[1:]), code))


def _truth(world, rows):
    folder = world.var_dir / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "karabakh-2023-truth.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["person_code", "household_code"])
        writer.writerows(rows)


def test_a_replay_killed_after_its_commit_is_whole_and_no_failure(world):
    operation = ScenarioOperation()
    operation.prepare(world)
    _truth(world, TRUTH)
    _store(world, TRUTH)
    assert operation.check(world, KILLED) == []
    assert operation.notes()  # counted, and said beside the run's figures


def test_a_replay_cut_short_is_a_failure(world):
    operation = ScenarioOperation()
    operation.prepare(world)
    _truth(world, TRUTH)
    _store(world, TRUTH[:2])
    assert operation.check(world, KILLED) != []


def test_a_replay_without_its_truth_file_is_a_failure(world):
    operation = ScenarioOperation()
    operation.prepare(world)
    _store(world, TRUTH)
    assert operation.check(world, KILLED) != []
