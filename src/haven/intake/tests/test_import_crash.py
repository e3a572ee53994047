"""An import killed with SIGKILL mid-way and run again stores every row exactly once.

The import runs as `python -m haven.cli.main import households ...` in a subprocess
against a real database: on SQLite a file this test migrates, on PostgreSQL the test
database pytest-django made (the test is transactional, so the subprocess sees the
demo users and the test sees what the subprocess committed).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from haven.intake.importing.samples import sample_csv, sample_households
from haven.testing.killed import (
    IMPORTED_HOUSEHOLDS,
    imported_household_problems,
    postgres_backends_settle,
)

pytestmark = pytest.mark.django_db(transaction=True)

HOUSEHOLDS = 3000
SUBMISSIONS = "SELECT COUNT(*) FROM intake_submission WHERE source = 'import'"


@dataclass
class Live:
    env: dict[str, str]
    query: Callable[[str], list[Any]]

    def settle(self) -> None:
        """Wait until a killed client's server process is gone (postgres_backends_settle)."""
        if connection.vendor == "postgresql":
            postgres_backends_settle(self.query)

    def haven(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "haven.cli.main", *args], env=self.env,
                              capture_output=True, text=True, timeout=300, check=False)

    def start_import(self, path: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "haven.cli.main", "import", "households", str(path),
             "--site", "goris", "--user", "coordinator", "--batch-size", "40"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def live(tmp_path) -> Live:
    env = {**os.environ, "HAVEN_VAR_DIR": str(tmp_path / "var")}
    if connection.vendor == "sqlite":
        database = tmp_path / "crash.sqlite3"
        env["HAVEN_DATABASE_URL"] = f"sqlite:///{database}"

        def query(sql: str) -> list[Any]:
            with closing(sqlite3.connect(database, timeout=30)) as db:
                return db.execute(sql).fetchall()

        live = Live(env, query)
        assert live.haven("migrate").returncode == 0
    else:
        settings = connection.settings_dict
        user = quote(settings["USER"] or "")
        if settings["PASSWORD"]:
            user += ":" + quote(settings["PASSWORD"])
        env["HAVEN_DATABASE_URL"] = (f"postgres://{user}@{settings['HOST']}:"
                                     f"{settings['PORT'] or 5432}/{settings['NAME']}")

        def query(sql: str) -> list[Any]:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return list(cursor.fetchall())

        live = Live(env, query)
    demo = live.haven("demo")
    assert demo.returncode == 0, demo.stderr
    return live


def assert_whole_and_once(live: Live, expected: dict[str, int]) -> int:
    """Every stored household has all its members, each with one submission; none twice."""
    stored = live.query(IMPORTED_HOUSEHOLDS)
    assert imported_household_problems(stored, expected) == []
    rows = sum(persons for _origin, persons, _keys in stored)
    assert live.query(SUBMISSIONS)[0][0] == rows
    return rows


def kill_mid_way(live: Live, path: Path, total: int, rng: random.Random) -> None:
    """Start the import and kill it at a random point of the rows it has left.

    The point is counted in committed rows (at least one batch, at most half of what is
    left), not in seconds: however fast the import, it is killed mid-way, then a little
    later still, while it reads, checks or writes whatever comes next.
    """
    before = live.query(SUBMISSIONS)[0][0]
    until = before + rng.randint(1, (total - before) // 2)
    process = live.start_import(path)
    deadline = time.monotonic() + 120
    while live.query(SUBMISSIONS)[0][0] < until:
        assert process.poll() is None, "the import ended before it was killed"
        assert time.monotonic() < deadline, "no batch was committed in time"
        time.sleep(0.005)
    time.sleep(rng.uniform(0, 0.02))
    readers = children(process.pid)  # the process reading ahead (none if it has finished)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    live.settle()
    # The reading process must not live on, orphaned, once its importer is gone.
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() and not zombie(pid) for pid in readers):
        assert time.monotonic() < deadline, f"reading processes {readers} outlived the import"
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    """Return the ids of the child processes of `pid` (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_an_import_killed_mid_way_and_run_again_stores_each_row_once(live, tmp_path):
    path = tmp_path / "arrivals.csv"
    total = sample_csv(path, HOUSEHOLDS)
    expected = {rows[0][8]: len(rows) for rows in sample_households(HOUSEHOLDS)}
    rng = random.Random(20230928)  # noqa: S311 - when to kill, not a secret

    kill_mid_way(live, path, total, rng)
    first = assert_whole_and_once(live, expected)
    assert 0 < first < total
    kill_mid_way(live, path, total, rng)  # killed again, further on
    second = assert_whole_and_once(live, expected)
    assert first < second < total

    finish = live.haven("import", "households", str(path), "--site", "goris",
                        "--user", "coordinator", "--batch-size", "40")
    assert finish.returncode == 0, finish.stderr
    assert finish.stdout.startswith(f"{total - second} rows (")
    assert f"stored, {second} imported before, 0 refused." in finish.stdout
    assert assert_whole_and_once(live, expected) == total
    assert len(live.query(IMPORTED_HOUSEHOLDS)) == HOUSEHOLDS
    statuses = sorted(s for (s,) in live.query("SELECT status FROM intake_importjob"))
    assert statuses == ["done", "importing", "importing"]  # the killed runs say so
