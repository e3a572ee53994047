"""When the crash harness kills: inside the duration of one uninterrupted run, timed first.

A fixed window (e.g. 12 s for an import that takes 2 s on a quiet machine) let most kills
hit a run that had already ended. The harness now times one uninterrupted run of the
operation from the template's state and draws each kill between 5% and 95% of it (of its
writing, when the run's progress can be seen in the database). These tests use stand-in
operations (a child process that naps) and check the moments drawn against the durations
measured, never against the clock.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from bench.faults.crash import KillWindow, Operation, World, crash

NAP = "import time; time.sleep(0.3)"
# Writes its progress (the share left) to a file: half done, then all done, then reports.
STEPS = """
import sys, time
progress = sys.argv[1]
time.sleep(0.15)
open(progress, "w").write("0.5")
time.sleep(0.15)
open(progress, "w").write("0")
time.sleep(0.15)
"""


class Nap(Operation):
    """A run whose progress cannot be seen: 0.3 s of sleep."""

    name = "nap"
    template = "empty"

    def __init__(self) -> None:
        self.completed = 0

    def start(self, world: World, log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen([sys.executable, "-c", NAP], stdout=out,
                                    start_new_session=True)

    def complete(self, world: World) -> list[str]:
        self.completed += 1
        return []


class Steps(Nap):
    """A run that writes in two steps after starting up, like an import's batches."""

    name = "steps"
    resumes = True

    def prepare(self, world: World) -> None:
        self.progress = world.root / "progress"
        self.progress.unlink(missing_ok=True)

    def start(self, world: World, log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen([sys.executable, "-c", STEPS, str(self.progress)],
                                    stdout=out, start_new_session=True)

    def remaining(self, world: World) -> float:
        try:
            return float(self.progress.read_text() or "1")
        except (FileNotFoundError, ValueError):
            return 1.0

    def reset_if_done(self, world: World, log: str, templates: dict[str, Path | str]) -> None:
        self.progress.unlink(missing_ok=True)


@pytest.fixture
def templates(tmp_path, monkeypatch):
    # The stand-ins touch no database: every world passes its integrity check.
    monkeypatch.setattr(World, "integrity", lambda self: "")
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    return {"empty": empty}


def test_kill_moments_fall_between_5_and_95_percent_of_the_writing_left():
    window = KillWindow(full=10.0, start=2.0, end=8.0)
    rng = random.Random(1)  # noqa: S311 - when to kill, not a secret
    whole = [window.moment(rng) for _ in range(500)]
    assert min(whole) >= 2.0 + 0.05 * 6.0
    assert max(whole) <= 2.0 + 0.95 * 6.0
    # A run with a quarter of its work left is expected to write for a quarter as long.
    quarter = [window.moment(rng, remaining=0.25) for _ in range(500)]
    assert max(quarter) <= 2.0 + 0.95 * 1.5
    # Without a seen start and end the window is the whole run.
    plain = KillWindow(full=4.0)
    assert all(0.2 <= plain.moment(rng) <= 3.8 for _ in range(500))


def test_every_kill_falls_inside_the_run_timed_before_it(templates, tmp_path):
    operation = Nap()
    outcome = crash(operation, templates, tmp_path, kills=6,
                    rng=random.Random(2))  # noqa: S311 - when to kill, not a secret
    assert outcome.measurements >= 1
    assert len(outcome.moments) == len(outcome.windows) == 6
    # Under the old fixed windows (8-15 s) most moments fell after a 0.3 s run had ended.
    # (The window is timed again when runs keep ending first: each moment has its own.)
    assert all(0.05 * w.full <= m <= 0.95 * w.full
               for m, w in zip(outcome.moments, outcome.windows, strict=True))
    assert outcome.kills + outcome.finished_first == 6
    assert operation.completed == 1  # run again to its end once, after the last kill
    assert outcome.failures == []


def test_a_run_whose_progress_is_seen_is_killed_between_its_first_and_last_write(
        templates, tmp_path):
    operation = Steps()
    outcome = crash(operation, templates, tmp_path, kills=4,
                    rng=random.Random(3))  # noqa: S311 - when to kill, not a secret
    for moment, window in zip(outcome.moments, outcome.windows, strict=True):
        assert window.end is not None
        assert 0 < window.start <= window.end <= window.full
        assert window.start <= moment <= window.end
    # Each kill is counted as one before, during or after the writing (mid_write), and the
    # run is completed again after every kill, then once more at the end.
    assert outcome.mid_write is not None
    assert outcome.mid_write <= outcome.kills
    assert operation.completed == 4 + 1
    assert outcome.failures == []
