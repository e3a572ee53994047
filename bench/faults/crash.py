#!/usr/bin/env python3
"""Crash anywhere: `kill -9` a Haven operation at a random point, then count what was lost.

Each operation runs in its own process group against a throw-away installation (a
temporary HAVEN_VAR_DIR holding a SQLite database copied from one prepared with
`haven migrate` and `haven demo`; with --database-url, a PostgreSQL database made from a
template database prepared the same way). One uninterrupted run is timed first, in a
world of its own; then each run is killed, the whole group with SIGKILL (the importer's
reader, gunicorn's workers too), at a moment drawn uniformly between 5% and 95% of the
duration expected of it (KillWindow: an import half done is expected to take about half as
long), so that kills land while the run still writes. A server never ends by itself: it
is killed in the first seconds of a burst of forms. After every kill:

- `haven check --integrity` passes (the database's own checks, Haven's invariants);
- nothing acknowledged is lost: what the CLI printed as done, or a device was answered
  201 for, is stored;
- nothing is stored twice;

and once all kills are done the operation is run again, uninterrupted, and must complete
(an import finishes each row once, a replay replays, a server stores each resent form once).

    .venv/bin/python bench/faults/crash.py                    # 50 kills of each operation
    .venv/bin/python bench/faults/crash.py --kills 3 --only import --only odk
    .venv/bin/python bench/faults/crash.py --kills 5 --only link --engine spark
    .venv/bin/python bench/faults/crash.py --kills 5 --only import --only place \
        --database-url postgres://postgres@127.0.0.1:5432/haven_crash

Exit status 0 when every check passed, 1 otherwise (each failure is printed).
tests/faults/test_crash.py runs the short form (2 kills each) in the default test run.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import http.client
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from haven.testing.killed import (
    IMPORTED_HOUSEHOLDS,
    imported_household_problems,
    postgres_backends_settle,
)

BENCH = Path(__file__).resolve().parent.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))  # bench/'s scripts import each other by module name

from intake_openrosa import FormFiller, multipart  # noqa: E402 - bench/intake_openrosa.py

HAVEN = Path(sys.executable).with_name("haven")
SCENARIO_SCALE = "0.003"  # about 300 people: a replay of a few seconds
# Large enough that writing lasts longer than start-up varies (~0.2 s here): 400
# households wrote for 0.4 s after 1.5 s of start-up, and most kills missed the writing.
IMPORT_HOUSEHOLDS = 2000
PLACEMENTS = 300  # at most: as many as the demo's beds at Goris allow
DEVICE_KEY = re.compile(r"/openrosa/key/(\S+?)/goris")


class World:
    """One throw-away installation: its var/ directory, environment and database.

    The database is a SQLite file in var/, or, with a PostgreSQL URL, a database of its
    own on that server named after the URL's (`<name>_<world>_<pid>`), made from a template
    database as the SQLite file is copied from a template file.
    """

    def __init__(self, root: Path, database: Path | str | None = None,
                 database_url: str = "") -> None:
        self.root = root
        self.var_dir = root / "var"
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items()
                    if k not in {"HAVEN_DATABASE_URL", "HAVEN_DEBUG", "DJANGO_SETTINGS_MODULE"}}
        self.env["HAVEN_VAR_DIR"] = str(self.var_dir)
        self.database_url = ""
        if database_url:
            server, name = database_url.rsplit("/", 1)
            # The process id keeps two runs given one NAME apart: each drops its own
            # templates when it ends, never the other's.
            self.database_url = f"{server}/{name}_{root.name}_{os.getpid()}"
            self.env["HAVEN_DATABASE_URL"] = self.database_url
        if database is not None:
            self.copy_from(database)
        elif self.database_url:
            _postgres(self.database_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
                      f'CREATE DATABASE "{self.name}"')

    @property
    def database(self) -> Path:
        return self.var_dir / "haven.sqlite3"

    @property
    def name(self) -> str:
        """The PostgreSQL database's name."""
        return self.database_url.rsplit("/", 1)[1]

    def template(self) -> Path | str:
        """What copy_from takes: the SQLite file, or the PostgreSQL database's name."""
        return self.name if self.database_url else self.database

    def copy_from(self, template: Path | str) -> None:
        """Make this world's database a copy of the template (the state a kill undid)."""
        if not self.database_url:
            shutil.copyfile(template, self.database)
            return
        # FORCE: a killed client's backend may still hold the database for a moment.
        _postgres(self.database_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
                  f'CREATE DATABASE "{self.name}" TEMPLATE "{template}"')

    def drop(self) -> None:
        if self.database_url:
            _postgres(self.database_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def haven(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(HAVEN), *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout, check=False)

    def start(self, *args: str, log: Path) -> subprocess.Popen[bytes]:
        """Start `haven ARGS` in a process group of its own (killed whole), output to log."""
        with log.open("wb") as out:
            return subprocess.Popen([str(HAVEN), *args], env=self.env, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def query(self, sql: str) -> list[tuple[object, ...]]:
        if self.database_url:
            import psycopg  # noqa: PLC0415 - PostgreSQL runs only

            with psycopg.connect(self.database_url) as db:
                return [tuple(row) for row in db.execute(sql).fetchall()]
        with contextlib.closing(sqlite3.connect(self.database, timeout=60)) as db:
            return db.execute(sql).fetchall()

    def settle(self) -> None:
        """Wait until a killed client's PostgreSQL backends are gone (postgres_backends_settle)."""
        if self.database_url:
            postgres_backends_settle(self.query)

    def integrity(self) -> str:
        """Return what `haven check --integrity` found ("" when it passed)."""
        done = self.haven("check", "--integrity")
        return "" if done.returncode == 0 else (done.stdout + done.stderr).strip()


def _postgres(database_url: str, *statements: str) -> None:
    """Run statements (CREATE/DROP DATABASE) on the server's maintenance database."""
    import psycopg  # noqa: PLC0415 - PostgreSQL runs only

    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres",
                         autocommit=True) as db:
        for statement in statements:
            db.execute(statement)  # type: ignore[arg-type] - names we made ourselves


def drop_databases(database_url: str, names: Sequence[Path | str]) -> None:
    """Drop the PostgreSQL databases the harness made (the templates, after a run)."""
    _postgres(database_url, *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                              for name in names))


def prepare_templates(root: Path, database_url: str = "") -> dict[str, Path | str]:
    """Make the databases worlds start from: "migrated" (empty) and "demo" (demo data)."""
    empty = World(root / "migrated", database_url=database_url)
    done = empty.haven("migrate")
    if done.returncode != 0:
        raise SystemExit(f"haven migrate failed:\n{done.stderr}")
    demo = World(root / "demo", empty.template(), database_url=database_url)
    done = demo.haven("demo")
    if done.returncode != 0:
        raise SystemExit(f"haven demo failed:\n{done.stderr}")
    return {"migrated": empty.template(), "demo": demo.template()}


def kill_group(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL the process and its group; return whether it was still running."""
    alive = process.poll() is None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    # Children of the group die with it; wait until none is left holding the database.
    deadline = time.monotonic() + 30
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def _group_alive(pgid: int) -> bool:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


# --------------------------------------------------------------------------- operations
@dataclass
class KillWindow:
    """When to kill a run: a uniform moment inside the run's own measured duration.

    `full` is the seconds of one uninterrupted run from the template's state. For an
    operation whose progress can be seen (an import stores batch after batch, placements
    one by one), `start` and `end` are when its first and last writes were seen in a
    watched run: before, the run only starts up (Python, Django, reading the file); after,
    it only reports. The kill then falls between 5% and 95% of the writing that is left:
    start + u * remaining * (end - start), so that it lands while the run still writes,
    whatever the machine's speed (an import half done is expected to write for half as
    long). Otherwise start=0 and end=full; a fixed window (the server, which never ends by
    itself) is full=end=window.
    """

    full: float
    start: float = 0.0
    end: float | None = None
    LOW = 0.05
    HIGH = 0.95

    def writing(self, remaining: float = 1.0) -> float:
        """Return the seconds a run with this share of its work left should spend writing."""
        remaining = min(max(remaining, 0.0), 1.0)
        end = self.full if self.end is None else self.end
        return remaining * max(end - self.start, 0.0)

    def moment(self, rng: random.Random, remaining: float = 1.0) -> float:
        """Return when to kill (seconds after the start) a run with `remaining` work left."""
        return self.start + rng.uniform(self.LOW, self.HIGH) * self.writing(remaining)


class Operation:
    """One kind of work to interrupt. Subclasses say how to start it and what must hold."""

    name = ""
    template = "demo"
    # Seconds of a fixed window, for an operation that never ends by itself (the server);
    # None: the window is measured (measure_window) from an uninterrupted run.
    window: float | None = None
    resumes = False  # its progress is seen in the database (remaining) and a rerun resumes

    def prepare(self, world: World) -> None:
        """Set the world up once, before the first kill."""

    def start(self, world: World, log: Path) -> subprocess.Popen[bytes]:
        raise NotImplementedError

    def remaining(self, world: World) -> float:
        """Return the share (0 to 1) of the work a run started now still has to write."""
        return 1.0

    def writing(self) -> bool | None:
        """Whether a write is in flight right now (a server's requests); None: not known."""
        return None

    def notes(self) -> list[str]:
        """Return what the run should say beside its counts (e.g. kills after a commit)."""
        return []

    def killed(self, world: World, process: subprocess.Popen[bytes]) -> None:
        """Called after the kill (e.g. to stop the clients of a server)."""

    def check(self, world: World, log: str) -> list[str]:
        """Return what is wrong after a kill (lost, doubled); log is the killed run's output."""
        return []

    def reset_if_done(self, world: World, log: str, templates: dict[str, Path | str]) -> None:
        """Start over from the template when a run finished and cannot run twice."""

    def complete(self, world: World) -> list[str]:
        """Run the operation again to its end; return what is wrong."""
        raise NotImplementedError


class ImportOperation(Operation):
    """`haven import households`: each household whole and once, and the rerun finishes."""

    name = "import"
    resumes = True

    def prepare(self, world: World) -> None:
        from haven.intake.importing.samples import sample_csv, sample_households  # noqa: PLC0415

        self.path = world.root / "arrivals.csv"
        self.total = sample_csv(self.path, IMPORT_HOUSEHOLDS)
        self.expected = {rows[0][8]: len(rows) for rows in sample_households(IMPORT_HOUSEHOLDS)}

    def _args(self) -> list[str]:
        return ["import", "households", str(self.path), "--site", "goris", "--user",
                "coordinator", "--batch-size", "20"]

    def start(self, world: World, log: Path) -> subprocess.Popen[bytes]:
        return world.start(*self._args(), log=log)

    def check(self, world: World, log: str) -> list[str]:
        stored = world.query(IMPORTED_HOUSEHOLDS)
        problems = imported_household_problems(stored, self.expected)
        rows = sum(int(str(persons)) for _o, persons, _k in stored)
        if re.search(r"^\d+ rows \(", log, re.MULTILINE) and rows != self.total:
            problems.append(f"the import said it finished but {rows} of {self.total} are stored")
        return problems

    def remaining(self, world: World) -> float:
        return 1 - len(world.query(IMPORTED_HOUSEHOLDS)) / IMPORT_HOUSEHOLDS

    def reset_if_done(self, world: World, log: str, templates: dict[str, Path | str]) -> None:
        # Once every row is stored, later runs only skip rows already imported: start over,
        # so that each kill falls in an import that still writes.
        if len(world.query(IMPORTED_HOUSEHOLDS)) == IMPORT_HOUSEHOLDS:
            world.copy_from(templates[self.template])

    def complete(self, world: World) -> list[str]:
        done = world.haven(*self._args())
        if done.returncode != 0:
            return [f"the import run again failed: {done.stderr.strip()[-500:]}"]
        problems = self.check(world, done.stdout)
        stored = len(world.query(IMPORTED_HOUSEHOLDS))
        if stored != IMPORT_HOUSEHOLDS:
            problems.append(f"{stored} of {IMPORT_HOUSEHOLDS} households after the rerun")
        return problems


class ScenarioOperation(Operation):
    """`haven scenario run`: all or nothing, so that running it again replays it whole."""

    name = "scenario"
    template = "migrated"
    REPLAYED = re.compile(r"in ([\d,]+) households; ([\d,]+) registrations")
    COUNT = ("SELECT COUNT(*), (SELECT COUNT(*) FROM registry_person p JOIN registry_household "
             "h ON h.id = p.household_id WHERE h.channel = 'scenario') FROM registry_household "
             "WHERE channel = 'scenario'")

    def _args(self) -> list[str]:
        return ["scenario", "run", "karabakh-2023", "--scale", SCENARIO_SCALE]

    def start(self, world: World, log: Path) -> subprocess.Popen[bytes]:
        return world.start(*self._args(), log=log)

    def check(self, world: World, log: str) -> list[str]:
        households, persons = world.query(self.COUNT)[0]
        replayed = self.REPLAYED.search(log)
        if replayed:
            want = (int(replayed.group(1).replace(",", "")),
                    int(replayed.group(2).replace(",", "")))
            if (households, persons) != want:
                return [f"the replay said {want} but {households, persons} are stored"]
        elif households:
            # Killed after its commit, before its summary line: the replay is whole (its
            # truth file is in place before the commit), and a rerun rightly refuses a
            # database that holds one. Anything less than whole is a replay cut in half.
            if not self.stored_whole(world):
                return [f"a replay killed before it finished left {households} households: "
                        f"running it again is refused"]
            self.committed_unsaid += 1
        return []

    def stored_whole(self, world: World) -> bool:
        """Whether the database holds exactly the replay its truth file describes."""
        truth = world.var_dir / "scenarios" / "karabakh-2023-truth.csv"
        if not truth.exists():
            return False
        with truth.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        persons = {str(code) for (code,) in world.query(
            "SELECT p.code FROM registry_person p JOIN registry_household h "
            "ON h.id = p.household_id WHERE h.channel = 'scenario'")}
        households = world.query(self.COUNT)[0][0]
        return (persons == {row["person_code"] for row in rows}
                and households == len({row["household_code"] for row in rows}))

    def prepare(self, world: World) -> None:
        self.committed_unsaid = 0

    def notes(self) -> list[str]:
        return [f"{self.committed_unsaid} runs were killed after their commit, before their "
                f"summary line: each left the whole replay"] if self.committed_unsaid else []

    def reset_if_done(self, world: World, log: str, templates: dict[str, Path | str]) -> None:
        if self.REPLAYED.search(log) or world.query(self.COUNT)[0][0]:
            world.copy_from(templates[self.template])

    def complete(self, world: World) -> list[str]:
        done = world.haven(*self._args())
        if done.returncode != 0:
            return [f"the replay run again failed: {(done.stderr or done.stdout).strip()[-500:]}"]
        return self.check(world, done.stdout) or (
            [] if world.query(self.COUNT)[0][0] else ["the rerun replayed no household"])


class LinkOperation(Operation):
    """`haven link run` on the demo registry: merges stay sound; the rerun finishes."""

    name = "link"

    def __init__(self, engine: str = "duckdb") -> None:
        # Spark's session alone takes ~60 s here (150 s on a loaded machine): the measured
        # window spans start-up, training and scoring.
        self.engine = engine

    def _args(self) -> list[str]:
        return ["link", "run", "--user", "coordinator", "--engine", self.engine]

    def start(self, world: World, log: Path) -> subprocess.Popen[bytes]:
        return world.start(*self._args(), log=log)

    def check(self, world: World, log: str) -> list[str]:
        # Persons a run merged are hidden, never deleted: the registry keeps them all.
        persons = world.query("SELECT COUNT(*) FROM registry_person")[0][0]
        problems = []
        if persons != self.persons:
            problems.append(f"{persons} persons after the kill, {self.persons} before")
        if self.engine == "spark":
            self.scratch_left = max(self.scratch_left, len(self._scratch()))
        return problems

    def _scratch(self) -> list[Path]:
        """Spark's scratch folders (checkpoints of names and birth dates) in the world's TMPDIR."""
        return [folder for folder in self.tmp.glob("haven-spark-*")
                if any(path.is_file() for path in folder.rglob("*"))]

    def prepare(self, world: World) -> None:
        self.persons = world.query("SELECT COUNT(*) FROM registry_person")[0][0]
        # The world's own temp dir, to see what a killed Spark run leaves behind.
        self.tmp = world.root / "tmp"
        self.tmp.mkdir(exist_ok=True)
        world.env["TMPDIR"] = str(self.tmp)
        self.scratch_left = 0

    def reset_if_done(self, world: World, log: str, templates: dict[str, Path | str]) -> None:
        # A finished run has merged what it found: start over, so that the next kill falls
        # in a run with the same merges still to write.
        if "Linked" in log:
            world.copy_from(templates[self.template])

    def complete(self, world: World) -> list[str]:
        done = world.haven(*self._args(), timeout=1800)
        if done.returncode != 0 or "Linked" not in done.stdout:
            return [f"the linkage run again failed: {(done.stderr or done.stdout)[-800:]}"]
        problems = self.check(world, done.stdout)
        if self.engine == "spark":
            left = self._scratch()
            print(f"link (spark): at most {self.scratch_left} scratch folders with files "
                  f"left by killed runs; {len(left)} after the rerun", file=sys.stderr)
            if left:
                problems.append(f"{len(left)} Spark scratch folders of killed runs (personal "
                                f"data) are still in the temp dir after the rerun")
        return problems


class ReportOperation(Operation):
    """`haven report sitrep` to a file: the file is the old one or the new one, never half."""

    name = "report"

    def prepare(self, world: World) -> None:
        self.output = world.root / "sitrep.pdf"

    def _args(self) -> list[str]:
        return ["report", "sitrep", "--format", "pdf", "-o", str(self.output), "--user",
                "coordinator"]

    def start(self, world: World, log: Path) -> subprocess.Popen[bytes]:
        return world.start(*self._args(), log=log)

    def check(self, world: World, log: str) -> list[str]:
        problems = []
        if self.output.exists():
            data = self.output.read_bytes()
            if not (data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]):
                problems.append(f"a half-written report ({len(data)} bytes) is left at "
                                f"{self.output.name}")
        elif "Wrote" in log:
            problems.append("the report said it was written, but there is no file")
        strays = [p.name for p in self.output.parent.iterdir()
                  if p.name.startswith(self.output.name) and p != self.output]
        if strays and "Wrote" in log:
            problems.append(f"files left beside the report: {strays}")
        return problems

    def complete(self, world: World) -> list[str]:
        done = world.haven(*self._args())
        if done.returncode != 0:
            return [f"the report run again failed: {(done.stderr or done.stdout)[-500:]}"]
        return self.check(world, done.stdout)


PLACE_SCRIPT = """
import sys, django
django.setup()
from haven.accounts.models import User
from haven.accounts.access import Actor
from haven.reception.services import placement_create
actor = Actor(user=User.objects.get(username="coordinator"), channel="cli")
for code in sys.argv[1:]:
    placed = placement_create(actor=actor, household=code, site="goris")
    print(("placed " if placed.created else "already ") + code, flush=True)
"""


class PlaceOperation(Operation):
    """Placements one after another: each acknowledged one kept, none placed twice."""

    name = "place"
    resumes = True

    def prepare(self, world: World) -> None:
        placed = {str(h) for (h,) in world.query(
            "SELECT DISTINCT household_id FROM reception_placement")}
        rows = world.query("SELECT h.id, h.code, COUNT(p.id) FROM registry_household h "
                           "JOIN registry_person p ON p.household_id = h.id "
                           "WHERE p.merged_into_id IS NULL GROUP BY h.id, h.code "
                           "ORDER BY h.code")
        free = world.query("SELECT COALESCE(SUM(beds), 0) FROM reception_shelterunit u "
                           "JOIN registry_site s ON s.id = u.site_id WHERE s.slug = 'goris'")
        beds = int(str(free[0][0])) - int(str(world.query(
            "SELECT COUNT(*) FROM reception_stay WHERE ended_at IS NULL")[0][0]))
        self.codes: list[str] = []
        for household_id, code, size in rows:
            if str(household_id) in placed or int(str(size)) > beds - 10:
                continue
            beds -= int(str(size))
            self.codes.append(str(code))
            if len(self.codes) == PLACEMENTS:
                break
        self.acknowledged: set[str] = set()

    def _command(self) -> list[str]:
        return [sys.executable, "-c", PLACE_SCRIPT, *self.codes]

    def start(self, world: World, log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen(self._command(), stdout=out, stderr=subprocess.STDOUT,
                                    env={**world.env,
                                         "DJANGO_SETTINGS_MODULE": "haven.config.settings"},
                                    start_new_session=True)

    def check(self, world: World, log: str) -> list[str]:
        self.acknowledged |= set(re.findall(r"^placed (\S+)$", log, re.MULTILINE))
        problems = []
        placements = collections.Counter(str(code) for (code,) in world.query(
            "SELECT h.code FROM reception_placement pl JOIN registry_household h "
            "ON h.id = pl.household_id"))
        lost = sorted(self.acknowledged - placements.keys())
        if lost:
            problems.append(f"{len(lost)} acknowledged placements lost (e.g. {lost[0]})")
        twice = [code for code, n in placements.items() if n > 1 and code in self.codes]
        if twice:
            problems.append(f"{len(twice)} households placed twice (e.g. {twice[0]})")
        return problems

    def _placed(self, world: World) -> set[str]:
        return {str(code) for (code,) in world.query(
            "SELECT h.code FROM reception_placement pl JOIN registry_household h "
            "ON h.id = pl.household_id")}

    def remaining(self, world: World) -> float:
        return 1 - len(self._placed(world) & set(self.codes)) / len(self.codes)

    def reset_if_done(self, world: World, log: str, templates: dict[str, Path | str]) -> None:
        # Once all are placed, later runs only answer "already": start over, so that each
        # kill falls among placements still being written.
        if self._placed(world) >= set(self.codes):
            world.copy_from(templates[self.template])
            self.acknowledged = set()

    def complete(self, world: World) -> list[str]:
        done = subprocess.run(self._command(), capture_output=True, text=True, check=False,
                              env={**world.env, "DJANGO_SETTINGS_MODULE":
                                   "haven.config.settings"}, timeout=600)
        if done.returncode != 0:
            return [f"the placements run again failed: {done.stderr[-800:]}"]
        problems = self.check(world, done.stdout)
        placed = self._placed(world)
        missing = [c for c in self.codes if c not in placed]
        if missing:
            problems.append(f"{len(missing)} households still unplaced after the rerun")
        return problems


class OdkOperation(Operation):
    """`haven serve` killed while devices send forms: every 201 kept, resends stored once."""

    name = "odk"
    # The server never ends by itself: kills fall in the first 6 s of the devices' burst
    # (after the server answered), and the harness counts those with a form in flight.
    window = 6.0
    DEVICES = 3
    PAUSE = 0.05  # seconds between a device's forms: a burst, not a flood

    def prepare(self, world: World) -> None:
        done = world.haven("device", "create", "--site", "goris", "--label", "crash test",
                           "--server", "http://127.0.0.1", "--no-qr")
        found = DEVICE_KEY.search(done.stdout)
        if not found:
            raise SystemExit(f"no device key: {done.stdout} {done.stderr}")
        self.path = f"/openrosa/key/{found.group(1)}/goris/submission"
        self.version = ""
        self.forms: dict[str, tuple[int, bytes]] = {}  # every form sent: members, XML
        self.acknowledged: set[str] = set()
        self.rounds = 0

    def _serve(self, world: World, log: Path) -> subprocess.Popen[bytes]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        return world.start("serve", "--host", "127.0.0.1", "--port", str(self.port),
                           "--workers", "2", log=log)

    def _send(self, xml: bytes) -> int:
        body, content_type = multipart(xml)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("POST", self.path, body=body, headers={
                "Content-Type": content_type, "X-OpenRosa-Version": "1.0",
                "Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())})
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def _version(self) -> str:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", self.path.replace("/submission", "/formList"),
                               headers={"X-OpenRosa-Version": "1.0"})
            data = connection.getresponse().read().decode()
        finally:
            connection.close()
        found = re.search(r"<version>([^<]+)</version>", data)
        return found.group(1) if found else ""

    def _device(self, index: int, stop: threading.Event) -> None:
        filler = FormFiller(self.rounds * 1000 + index, self.version)
        resend = random.Random(index)
        mine: list[bytes] = []
        while not stop.wait(self.PAUSE):
            if mine and resend.random() < 0.2:
                xml = resend.choice(mine)  # a lost answer: the phone sends it again
                instance_id = ""
            else:
                instance_id, members, xml = filler.household()
                with self.lock:
                    self.forms[instance_id] = (members, xml)
                mine.append(xml)
            with self.lock:
                self.in_flight += 1
            try:
                status = self._send(xml)
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)  # no server (starting, or just killed): try again later
                continue
            finally:
                with self.lock:
                    self.in_flight -= 1
            if status == 201 and instance_id:
                with self.lock:
                    self.acknowledged.add(instance_id)

    def start(self, world: World, log: Path) -> subprocess.Popen[bytes]:
        self.rounds += 1
        self.lock = threading.Lock()
        self.in_flight = 0
        server = self._serve(world, log)
        deadline = time.monotonic() + 300  # a loaded machine starts gunicorn slowly
        while not self.version:
            with contextlib.suppress(OSError, http.client.HTTPException):
                self.version = self._version()
            if time.monotonic() > deadline:
                raise SystemExit("haven serve did not answer: " + log.read_text()[-800:])
            time.sleep(0.1)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._device, args=(i, self.stop), daemon=True)
                        for i in range(self.DEVICES)]
        for thread in self.threads:
            thread.start()
        return server

    def writing(self) -> bool | None:
        with self.lock:
            return self.in_flight > 0

    def killed(self, world: World, process: subprocess.Popen[bytes]) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _stored(self, world: World) -> collections.Counter[str]:
        return collections.Counter(str(key) for (key,) in world.query(
            "SELECT key FROM intake_submission WHERE source = 'odk:household_registration'"))

    def check(self, world: World, log: str) -> list[str]:
        stored = self._stored(world)
        problems = []
        lost = sorted(self.acknowledged - stored.keys())
        if lost:
            problems.append(f"{len(lost)} forms answered 201 are not stored (e.g. {lost[0]})")
        twice = [k for k, n in stored.items() if n > 1]
        if twice:
            problems.append(f"{len(twice)} forms stored twice")
        households = world.query(
            "SELECT COUNT(DISTINCT household_id), COUNT(*) FROM intake_submission "
            "WHERE source = 'odk:household_registration'")[0]
        if households[0] != households[1]:
            problems.append(f"{households[1]} submissions share {households[0]} households")
        return problems

    def complete(self, world: World) -> list[str]:
        """Restart the server; every form ever sent is resent (a backlog): each stored once."""
        server = self._serve(world, world.root / "odk-complete.log")
        try:
            deadline = time.monotonic() + 300
            while True:
                with contextlib.suppress(OSError, http.client.HTTPException):
                    if self._version():
                        break
                if time.monotonic() > deadline:
                    return ["the server did not start again"]
                time.sleep(0.1)
            refused = [key for key, (_m, xml) in self.forms.items() if self._send(xml) != 201]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        problems = [f"{len(refused)} resent forms were not answered 201"] if refused else []
        problems += self.check(world, "")
        stored = self._stored(world)
        missing = [k for k in self.forms if k not in stored]
        if missing:
            problems.append(f"{len(missing)} forms sent are still not stored after the resend")
        members = dict(world.query(
            "SELECT s.key, COUNT(p.id) FROM intake_submission s JOIN registry_person p "
            "ON p.household_id = s.household_id WHERE s.source = 'odk:household_registration'"
            " GROUP BY s.key"))
        wrong = [k for k, (n, _xml) in self.forms.items() if members.get(k, n) != n]
        if wrong:
            problems.append(f"{len(wrong)} households stored with other members than sent")
        return problems


OPERATIONS: dict[str, Callable[[], Operation]] = {
    "import": ImportOperation, "scenario": ScenarioOperation, "link": LinkOperation,
    "report": ReportOperation, "place": PlaceOperation, "odk": OdkOperation,
}


# --------------------------------------------------------------------------- the run
@dataclass
class Outcome:
    operation: str
    kills: int = 0  # killed while still running
    finished_first: int = 0  # finished before the kill came
    # Of the kills, those that came while the run was writing: it had stored some of its
    # work and not all (import, place), or a form was in flight (odk). None: not seen.
    mid_write: int | None = None
    seconds: float = 0.0
    window: KillWindow | None = None  # the last measured (or fixed) window
    measurements: int = 0  # uninterrupted runs timed (the first, then each re-measure)
    moments: list[float] = field(default_factory=list)  # seconds after each start
    windows: list[KillWindow] = field(default_factory=list)  # each moment's window
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def timed_run(operation: Operation, world: World, log: Path, *, watch: bool = False,
              timeout: float = 1800) -> tuple[float, float, float]:
    """Run the operation uninterrupted to its end; return its seconds, first and last write's.

    With `watch`, the database is polled for the first write (when `remaining` first
    drops) and the last (when it reaches 0); 0 when not seen. Seconds count from when
    start() returned, as the kills' moments do.
    """
    process = operation.start(world, log)
    started = time.monotonic()
    first_write = last_write = 0.0
    before = operation.remaining(world) if watch else 0.0
    while True:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.01)
            break
        if time.monotonic() - started > timeout:
            kill_group(process)
            raise SystemExit(f"{operation.name}: the timed run did not end in {timeout:.0f} s")
        if watch:
            left = operation.remaining(world)
            if left < before and not first_write:
                first_write = time.monotonic() - started
            if left <= 0:
                last_write, watch = time.monotonic() - started, False
    seconds = time.monotonic() - started
    if process.returncode != 0:
        raise SystemExit(f"{operation.name}: the timed run failed: "
                         + log.read_text("utf-8", "replace")[-800:])
    return seconds, first_write, last_write


def measure_window(operation: Operation, world: World, template: Path | str) -> KillWindow:
    """Time uninterrupted runs in a world made from `template` (the kills' starting state).

    An operation whose progress can be seen runs twice: once watched for its first and
    last writes, then again from the template unwatched for its duration (polling the
    database slows the run it watches).
    """
    if operation.window is not None:
        return KillWindow(full=operation.window)
    operation.prepare(world)
    watched = first_write = last_write = 0.0
    if operation.resumes:
        watched, first_write, last_write = timed_run(
            operation, world, world.root / f"{operation.name}-measure-watched.log", watch=True)
        world.copy_from(template)
    full, _first, _last = timed_run(operation, world, world.root / f"{operation.name}-measure.log")
    if not last_write:
        return KillWindow(full=full)
    # The watched run is the slower one: its writes are placed at the same shares of the
    # unwatched run's duration.
    return KillWindow(full=full, start=full * first_write / watched,
                      end=full * last_write / watched)


def crash(operation: Operation, templates: dict[str, Path | str], root: Path, *, kills: int,
          rng: random.Random, say: Callable[[str], None] = lambda _text: None,
          database_url: str = "") -> Outcome:
    """Kill `operation` `kills` times at random points, checking after each; then complete it.

    The kill moments are drawn inside the duration of one uninterrupted run, timed first
    in a world of its own made from the same template (KillWindow).
    """
    started = time.monotonic()
    outcome = Outcome(operation.name)

    def fresh_window() -> KillWindow:
        measured = World(root / f"{operation.name}-measure-{outcome.measurements + 1}",
                         templates[operation.template], database_url)
        kept = dict(vars(operation))  # prepare() there must not undo what the kills counted
        try:
            window = measure_window(operation, measured, templates[operation.template])
        finally:
            measured.drop()
            vars(operation).clear()
            vars(operation).update(kept)
        outcome.measurements += 1
        say(f"{operation.name}: an uninterrupted run takes {window.full:.1f} s"
            + (f", writing from {window.start:.2f} s to {window.end:.2f} s"
               if window.end is not None else "")
            + ("" if operation.window is None else " (fixed window)"))
        return window

    world = World(root / operation.name, templates[operation.template], database_url)
    try:
        outcome.window = fresh_window()
        _crash(operation, world, templates, outcome, kills=kills, rng=rng, say=say,
               remeasure=fresh_window)
    finally:
        world.drop()
    outcome.seconds = time.monotonic() - started
    return outcome


def _kill_landed(operation: Operation, world: World, in_flight: bool | None,
                 remaining: float) -> tuple[bool | None, str]:
    """Return whether a kill came while the run was writing (None: not seen), and how."""
    if in_flight is not None:  # a server: was a form sent and not yet answered
        return in_flight, "killed while writing" if in_flight else "killed, no form in flight"
    if not operation.resumes:
        return None, "killed"
    left = operation.remaining(world)
    if 0 < left < remaining:  # some of its work stored, some not
        return True, "killed while writing"
    return False, "killed after its last write" if left <= 0 else "killed before its first write"


REMEASURE_AFTER = 3  # runs in a row that ended before their kill: time a run again


def _crash(operation: Operation, world: World, templates: dict[str, Path | str],
           outcome: Outcome, *, kills: int, rng: random.Random,
           say: Callable[[str], None],
           remeasure: Callable[[], KillWindow] | None = None) -> None:
    if outcome.window is None:
        raise ValueError("the kill window must be measured (crash) or given first")
    operation.prepare(world)
    ended_in_a_row = idle_in_a_row = 0
    for attempt in range(1, kills + 1):
        log = world.root / f"{operation.name}-{attempt}.log"
        remaining = operation.remaining(world)
        moment = outcome.window.moment(rng, remaining)
        outcome.moments.append(moment)
        outcome.windows.append(outcome.window)
        process = operation.start(world, log)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=moment)  # returns early if the run ends by itself
        in_flight = operation.writing()
        if kill_group(process):
            outcome.kills += 1
            ended_in_a_row = 0
            world.settle()
            wrote, how = _kill_landed(operation, world, in_flight, remaining)
            if wrote is not None:
                outcome.mid_write = (outcome.mid_write or 0) + int(wrote)
                idle_in_a_row = 0 if wrote else idle_in_a_row + 1
        else:
            outcome.finished_first += 1
            ended_in_a_row += 1
            how = "ended first"
            world.settle()
        operation.killed(world, process)
        text = log.read_text("utf-8", "replace")
        found = world.integrity()
        problems = [f"integrity: {found}"] if found else []
        problems += operation.check(world, text)
        if operation.resumes:
            # Run it again to its end after every kill (it resumes where the kill left it),
            # then start over from the template: the next kill falls in a whole run, inside
            # the window measured for one.
            again = operation.complete(world)
            found = world.integrity()
            again += [f"integrity after the rerun: {found}"] if found else []
            problems += [f"rerun: {p}" for p in again]
        outcome.failures += [f"kill {attempt}: {p}" for p in problems]
        say(f"{operation.name} kill {attempt}/{kills} at {moment:.2f} s "
            f"({f'{remaining:.0%} left; ' if operation.resumes else ''}{how}): "
            f"{'; '.join(problems) or 'integrity passed, nothing lost or doubled'}"
            + (", the rerun completed" if operation.resumes and not problems else ""))
        operation.reset_if_done(world, text, templates)
        # The machine's speed changed since the run was timed (runs end before their kill,
        # or kills come before the first write): time it again.
        if (max(ended_in_a_row, idle_in_a_row) >= REMEASURE_AFTER and remeasure is not None
                and operation.window is None and attempt < kills):
            outcome.window = remeasure()
            ended_in_a_row = idle_in_a_row = 0
    problems = operation.complete(world)
    found = world.integrity()
    if found:
        problems.append(f"integrity after the rerun: {found}")
    outcome.failures += [f"rerun: {p}" for p in problems]
    say(f"{operation.name} rerun: {'; '.join(problems) or 'completed'}")
    outcome.notes = operation.notes()
    for note in outcome.notes:
        say(f"{operation.name}: {note}")


@contextlib.contextmanager
def workspace(keep: bool = False) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="haven-crash-"))
    try:
        yield root
    finally:
        if keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50, help="kills per operation")
    parser.add_argument("--only", action="append", choices=sorted(OPERATIONS),
                        help="run only these operations (repeatable)")
    parser.add_argument("--seed", type=int, default=20230928)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server and name prefix (postgres://user@host:port/"
                             "NAME): each world gets a database NAME_<world>_<pid>, dropped after")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                        help="the linkage engine of the link operation")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    outcomes = []
    with workspace(args.keep) as root:
        templates = prepare_templates(root, args.database_url)
        try:
            for name in args.only or list(OPERATIONS):
                operation = (LinkOperation(args.engine) if name == "link"
                             else OPERATIONS[name]())
                try:
                    outcomes.append(crash(operation, templates, root, kills=args.kills,
                                          rng=rng, say=say, database_url=args.database_url))
                except SystemExit as stopped:  # e.g. a server that would not start: say so
                    outcomes.append(Outcome(name, failures=[f"could not run: {stopped}"]))
        finally:
            if args.database_url:
                drop_databases(args.database_url, list(templates.values()))
    print(f"{'operation':<10} {'window s':>11} {'timed':>5} {'killed':>6} {'mid-write':>9} "
          f"{'ended first':>11} {'failures':>8} {'seconds':>8}")
    for o in outcomes:
        window = (f"{o.window.full:.1f}" if o.window is None or o.window.end is None
                  else f"{o.window.start:.1f}-{o.window.end:.1f}/{o.window.full:.1f}")
        window = window if o.window else "-"
        flight = "-" if o.mid_write is None else str(o.mid_write)
        print(f"{o.operation:<10} {window:>11} {o.measurements:>5} {o.kills:>6} {flight:>9} "
              f"{o.finished_first:>11} {len(o.failures):>8} {o.seconds:>8.0f}")
        for failure in o.failures:
            print(f"  {failure}")
        for note in o.notes:
            print(f"  note: {note}")
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
