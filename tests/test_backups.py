"""`haven backup` while clerks write and `haven restore` into an empty installation.

Run as a person would: the `haven` command in subprocesses against a real database (a
SQLite file, or on PostgreSQL a database of the test's own), so that the backup is taken
of a live database another process is writing to.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from haven.intake.importing.samples import sample_csv

pytestmark = pytest.mark.django_db(transaction=True)

SETUP = """
import django; django.setup()
from haven.accounts.services import user_create
from haven.registry.models import Site
Site.objects.create(slug="goris", kind="reception_hub", name_en="Goris", settlement="Goris",
                    province="Syunik")
user_create(actor=None, username="coordinator", role="coordinator", sites=[], password=None)
"""
# A clerk registering households one after another, printing each code once it is stored.
CLERK = """
import django, sys; django.setup()
from haven.accounts.access import Actor
from haven.accounts.models import User
from haven.registry.services import HouseholdInput, MemberInput, household_register
actor = Actor(user=User.objects.get(username="coordinator"), channel="api")
for n in range(int(sys.argv[1])):
    household = household_register(actor=actor, household=HouseholdInput(
        site="goris", members=[MemberInput(given_name="Narine", family_name="Clerk" + "".join(
                                               chr(97 + int(d)) for d in str(n)),
                                           sex="female", birth_date="1990",
                                           relationship="head")]))
    print(household.code, flush=True)
"""
HOUSEHOLDS = "SELECT code FROM registry_household"
HOUSEHOLDS_IMPORTED = 500


@dataclass
class Installation:
    """One Haven: its var/ folder and database, driven through the `haven` command."""

    var: Path
    database_url: str
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.env = {**os.environ, "HAVEN_VAR_DIR": str(self.var),
                    "HAVEN_DATABASE_URL": self.database_url,
                    "DJANGO_SETTINGS_MODULE": "haven.config.settings"}

    def haven(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "haven.cli.main", *args], env=self.env,
                              capture_output=True, text=True, timeout=600, check=False)
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def python(self, script: str, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-c", script, *args], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def query(self, sql: str) -> list[Any]:
        if self.database_url.startswith("sqlite"):
            path = self.database_url.removeprefix("sqlite:///")
            with closing(sqlite3.connect(path, timeout=30)) as db:
                return db.execute(sql).fetchall()
        done = subprocess.run(["psql", "-At", "-F", "\t", self.database_url, "-c", sql],
                              capture_output=True, text=True, check=True)
        return [tuple(line.split("\t")) for line in done.stdout.splitlines()]


def _postgres_url(name: str) -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"


@pytest.fixture
def make_installation(tmp_path) -> Iterator[Any]:
    created: list[str] = []

    def make(name: str) -> Installation:
        if connection.vendor == "sqlite":
            url = f"sqlite:///{tmp_path / name / 'haven.sqlite3'}"
        else:
            database = f"haven_backup_{name}_{uuid.uuid4().hex[:8]}"
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{database}"')
            created.append(database)
            url = _postgres_url(database)
        (tmp_path / name).mkdir()
        installation = Installation(tmp_path / name, url)
        installation.haven("migrate")
        return installation

    yield make
    for database in created:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_a_backup_taken_while_a_clerk_writes_restores_everything_acknowledged(
        make_installation, tmp_path):
    live = make_installation("live")
    subprocess.run([sys.executable, "-c", SETUP], env=live.env, check=True)
    clerk = live.python(CLERK, "150")
    acknowledged: list[str] = []
    while len(acknowledged) < 20:  # the clerk is well under way
        line = clerk.stdout.readline() if clerk.stdout else ""
        assert line, clerk.stderr.read() if clerk.stderr else "the clerk stopped"
        acknowledged.append(line.strip())
    before_backup = list(acknowledged)
    backup = live.haven("backup", "--to", str(tmp_path / "backups"))
    # The clerk went on meanwhile. Read the rest through the same text stream: lines it
    # printed before the backup may already sit in that stream's buffer, which
    # communicate() (reading the pipe itself) would skip.
    assert clerk.stdout is not None
    acknowledged += clerk.stdout.read().split()
    _out, err = clerk.communicate(timeout=600)
    assert clerk.returncode == 0, err
    assert len(acknowledged) == 150
    files = list((tmp_path / "backups").glob("haven-*.tar.age"))
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert b"Clerk" not in files[0].read_bytes()  # encrypted, not merely packed

    empty = make_installation("restored")
    empty.env["HAVEN_BACKUP_KEY"] = str(live.var / "backup.key")
    restored = empty.haven("restore", str(files[0]))
    assert "passed every integrity check" in restored.stdout, backup.stdout
    kept = {code for (code,) in empty.query(HOUSEHOLDS)}
    assert set(before_backup) <= kept  # everything acknowledged before the backup began
    assert kept <= set(acknowledged)  # and nothing that was never acknowledged
    assert empty.haven("check", "--integrity").returncode == 0


def test_a_backup_taken_mid_import_restores_a_whole_prefix_and_the_import_finishes_once(
        make_installation, tmp_path):
    live = make_installation("importing")
    subprocess.run([sys.executable, "-c", SETUP], env=live.env, check=True)
    path = tmp_path / "arrivals.csv"
    rows = sample_csv(path, HOUSEHOLDS_IMPORTED)
    importing = subprocess.Popen(
        [sys.executable, "-m", "haven.cli.main", "import", "households", str(path),
         "--site", "goris", "--user", "coordinator", "--batch-size", "40"],
        env=live.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while int(live.query("SELECT count(*) FROM registry_household")[0][0]) < 80:
        assert importing.poll() is None, "the import ended before the backup"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    live.haven("backup", "--to", str(tmp_path / "backups"))
    assert importing.wait(timeout=600) == 0

    empty = make_installation("after-crash")
    empty.env["HAVEN_BACKUP_KEY"] = str(live.var / "backup.key")
    backup = next((tmp_path / "backups").glob("*.tar.age"))
    assert "passed every integrity check" in empty.haven("restore", str(backup)).stdout
    households = int(empty.query("SELECT count(*) FROM registry_household")[0][0])
    assert 80 <= households <= HOUSEHOLDS_IMPORTED
    # The import, run again on the restored copy, stores the rest, each row once.
    again = empty.haven("import", "households", str(path), "--site", "goris",
                        "--user", "coordinator")
    assert "0 refused" in again.stdout
    assert int(empty.query("SELECT count(*) FROM registry_person")[0][0]) == rows
    assert int(empty.query(
        "SELECT count(*) FROM registry_household")[0][0]) == HOUSEHOLDS_IMPORTED
    assert empty.haven("check", "--integrity").returncode == 0


def test_a_restore_refuses_the_wrong_key_a_changed_file_and_a_full_installation(
        make_installation, tmp_path):
    live = make_installation("source")
    subprocess.run([sys.executable, "-c", SETUP], env=live.env, check=True)
    clerk = live.python(CLERK, "3")
    clerk.communicate(timeout=120)
    assert clerk.returncode == 0
    live.haven("backup", "--to", str(tmp_path / "backups"))
    backup = next((tmp_path / "backups").glob("*.tar.age"))

    empty = make_installation("other-machine")
    refused = empty.haven("restore", str(backup), check=False)  # no key here
    assert refused.returncode == 1
    assert "HAVEN_BACKUP_KEY" in refused.stderr
    stranger = empty.haven("backup", "--to", str(tmp_path / "theirs"))  # makes their own key
    assert stranger.returncode == 0
    wrong = empty.haven("restore", str(backup), check=False)
    assert "cannot be decrypted with this key" in wrong.stderr

    changed = tmp_path / "changed.tar.age"
    data = bytearray(backup.read_bytes())
    data[-100] ^= 1
    changed.write_bytes(bytes(data))
    empty.env["HAVEN_BACKUP_KEY"] = str(live.var / "backup.key")
    assert empty.haven("restore", str(changed), check=False).returncode == 1

    assert empty.haven("restore", str(backup)).returncode == 0
    again = empty.haven("restore", str(backup), check=False)
    assert again.returncode == 1
    assert "already holds records" in again.stderr
