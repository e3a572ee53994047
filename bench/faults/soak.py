#!/usr/bin/env python3
"""Soak: clerks registering through the API and ODK devices resending backlogs, at once.

A throw-away Haven (bench/server.py: temporary var/, `haven demo`, `haven serve`) takes,
for `--minutes`, N clerks each registering a household through POST /api/v1/households
then pausing (`--clerk-pause` seconds), and M phones each sending a backlog of forms to
the OpenRosa submission URL and resending some already answered (a phone that lost the
answer sends again). Afterwards the database is read directly:

- lost: an answer 201 whose household (API) or instanceID (ODK) is not stored;
- doubled: an instanceID stored twice, or more API households stored than were sent;

and the report gives requests per second, p50/p95 latency per channel, the answers by
status, and the server's memory (RSS of gunicorn's master and workers) over time.

    .venv/bin/python bench/faults/soak.py                                 # 100 + 500, 10 min
    .venv/bin/python bench/faults/soak.py --clerks 10 --devices 50 --minutes 1
    .venv/bin/python bench/faults/soak.py --database-url postgres://postgres@127.0.0.1/haven_faults

Exit status 0 when nothing was lost or doubled and no answer was 5xx other than 503
(busy, retried); 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import math
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from intake_openrosa import FormFiller, multipart  # noqa: E402 - bench/intake_openrosa.py
from registration import PayloadMaker  # noqa: E402 - bench/registration.py
from server import Server, running  # noqa: E402 - bench/server.py

HAVEN = Path(sys.executable).with_name("haven")
SOURCE = "odk:household_registration"


@dataclass
class Tally:
    """What the clients saw; each client thread appends under the lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(
        default_factory=lambda: collections.defaultdict(list))
    statuses: collections.Counter[tuple[str, int]] = field(default_factory=collections.Counter)
    api_acknowledged: set[str] = field(default_factory=set)  # household ids answered 201
    api_sent: int = 0
    odk_acknowledged: set[str] = field(default_factory=set)  # instanceIDs answered 201
    odk_sent: set[str] = field(default_factory=set)

    def record(self, channel: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[(channel, status)] += 1
            self.latencies[channel].append(seconds)


def _request(port: int, method: str, path: str, body: bytes,
             headers: dict[str, str]) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def clerk(*, index: int, port: int, token: str, tally: Tally, stop: threading.Event,
          pause: float) -> None:
    """Register households one after another; a 503 (busy) is sent again after a moment."""
    maker = PayloadMaker(10_000 + index)
    rng = random.Random(index)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    stop.wait(rng.uniform(0, pause))  # clerks do not all start at the same instant
    while not stop.is_set():
        body = json.dumps(maker.household(), ensure_ascii=False).encode()
        while not stop.is_set():
            started = time.monotonic()
            with tally.lock:
                tally.api_sent += 1
            try:
                status, data = _request(port, "POST", "/api/v1/households", body, headers)
            except (OSError, http.client.HTTPException):
                status, data = 0, b""
            tally.record("api", status, time.monotonic() - started)
            if status == 201:
                with tally.lock:
                    tally.api_acknowledged.add(json.loads(data)["id"])
                break
            if status != 503:
                break  # refused or no answer: not retried (an API POST is not idempotent)
            stop.wait(1.0)
        stop.wait(rng.uniform(0.5, 1.5) * pause)


def device(*, index: int, port: int, path: str, version: str, tally: Tally,
           stop: threading.Event, pause: float, backlog: int) -> None:
    """Send a backlog of forms, resend a third of those already sent, and again."""
    filler = FormFiller(20_000 + index, version)
    rng = random.Random(-index)
    sent: list[tuple[str, bytes]] = []
    stop.wait(rng.uniform(0, pause))
    while not stop.is_set():
        batch = [filler.household() for _ in range(backlog)]
        queue = [(i, xml) for i, _m, xml in batch]
        queue += rng.sample(sent, k=min(len(sent), math.ceil(backlog / 3)))  # duplicates
        for instance_id, xml in queue:
            if stop.is_set():
                return
            body, content_type = multipart(xml)
            with tally.lock:
                tally.odk_sent.add(instance_id)
            started = time.monotonic()
            try:
                status, _data = _request(port, "POST", path, body, {
                    "Content-Type": content_type, "X-OpenRosa-Version": "1.0",
                    "Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())})
            except (OSError, http.client.HTTPException):
                status = 0
            tally.record("odk", status, time.monotonic() - started)
            if status == 201:
                with tally.lock:
                    tally.odk_acknowledged.add(instance_id)
                sent.append((instance_id, xml))
            stop.wait(rng.uniform(0.5, 1.5) * pause / backlog)
        stop.wait(rng.uniform(0.5, 1.5) * pause)


def rss_megabytes(pid: int) -> float:
    """The resident memory of gunicorn's master and its workers (Linux /proc)."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for one in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


class Store:
    """Read the stored counts from the server's database (SQLite file or PostgreSQL)."""

    def __init__(self, server: Server, database_url: str) -> None:
        self.server = server
        self.database_url = database_url

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if not self.database_url:
            with contextlib.closing(sqlite3.connect(self.server.database, timeout=60)) as db:
                return db.execute(sql).fetchall()
        import psycopg  # noqa: PLC0415 - PostgreSQL runs only

        with psycopg.connect(self.database_url) as db:
            return list(db.execute(sql).fetchall())  # type: ignore[arg-type]


@dataclass
class Outcome:
    figures: dict[str, Any]
    problems: list[str]


def soak(*, clerks: int, devices: int, seconds: float, clerk_pause: float,
         device_pause: float, backlog: int, workers: int, database_url: str = "",
         say: Any = lambda _text: None) -> Outcome:
    server = Server(HAVEN, workers=workers, keep=False, label="soak")
    if database_url:
        server.env["HAVEN_DATABASE_URL"] = database_url
    store = Store(server, database_url)
    tally = Tally()
    memory: list[tuple[float, float]] = []
    with running(server):
        assert server.process is not None  # noqa: S101 - running() started it
        say(f"serving on port {server.port}; {clerks} clerks, {devices} devices, {seconds:.0f} s")
        before_api = store.query("SELECT COUNT(*) FROM registry_household WHERE channel = 'api'"
                                 )[0][0]
        prefix = f"/openrosa/key/{server.device_key}/goris"
        _status, data = _request(server.port, "GET", f"{prefix}/formList", b"",
                                 {"X-OpenRosa-Version": "1.0"})
        version = data.decode().split("<version>", 1)[1].split("<", 1)[0]
        stop = threading.Event()
        threading.stack_size(512 * 1024)
        threads = [threading.Thread(target=clerk, daemon=True, kwargs={
            "index": i, "port": server.port, "token": server.token, "tally": tally,
            "stop": stop, "pause": clerk_pause}) for i in range(clerks)]
        threads += [threading.Thread(target=device, daemon=True, kwargs={
            "index": i, "port": server.port, "path": f"{prefix}/submission",
            "version": version, "tally": tally, "stop": stop, "pause": device_pause,
            "backlog": backlog}) for i in range(devices)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while time.monotonic() - started < seconds:
            memory.append((time.monotonic() - started, rss_megabytes(server.process.pid)))
            say(f"{memory[-1][0]:5.0f} s  RSS {memory[-1][1]:6.0f} MB  "
                f"api {len(tally.api_acknowledged)}  odk {len(tally.odk_acknowledged)}")
            time.sleep(min(10.0, max(0.5, seconds / 20)))
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        elapsed = time.monotonic() - started
        memory.append((elapsed, rss_megabytes(server.process.pid)))
        stored_ids = {str(i).replace("-", "") for (i,) in store.query(
            "SELECT id FROM registry_household WHERE channel = 'api'")}
        stored_keys = collections.Counter(str(k) for (k,) in store.query(
            f"SELECT key FROM intake_submission WHERE source = '{SOURCE}'"))  # noqa: S608
        stderr = server.stderr_path.read_text("utf-8", "replace")
    problems = []
    lost_api = [i for i in tally.api_acknowledged if i.replace("-", "") not in stored_ids]
    lost_odk = sorted(tally.odk_acknowledged - stored_keys.keys())
    doubled_odk = [k for k, n in stored_keys.items() if n > 1]
    stored_api = len(stored_ids) - before_api
    if lost_api or lost_odk:
        problems.append(f"lost: {len(lost_api)} API households, {len(lost_odk)} ODK forms")
    if doubled_odk:
        problems.append(f"doubled: {len(doubled_odk)} ODK forms stored twice")
    if stored_api > tally.api_sent:
        problems.append(f"doubled: {stored_api} API households stored for {tally.api_sent} sent")
    if stray := sorted(stored_keys.keys() - tally.odk_sent):
        problems.append(f"{len(stray)} forms stored that no device sent")
    errors = {f"{c} {s}": n for (c, s), n in tally.statuses.items() if s >= 500 and s != 503}
    if errors:
        problems.append(f"server errors: {errors}")
    if "Traceback" in stderr:
        problems.append("the server logged a traceback")
    figures = {
        "clerks": clerks, "devices": devices, "seconds": round(elapsed),
        "api_acknowledged": len(tally.api_acknowledged), "api_sent": tally.api_sent,
        "api_stored": stored_api,
        "odk_acknowledged": len(tally.odk_acknowledged), "odk_stored": len(stored_keys),
        "answers": {f"{c} {s}": n for (c, s), n in sorted(tally.statuses.items())},
        "requests_per_second": round(sum(tally.statuses.values()) / elapsed, 1),
        "stored_per_second": round((stored_api + len(stored_keys)) / elapsed, 1),
        "latency_ms": {c: {"p50": round(percentile(v, 50) * 1000),
                           "p95": round(percentile(v, 95) * 1000),
                           "max": round(max(v) * 1000)} for c, v in tally.latencies.items()},
        "rss_mb": " ".join(f"{t:.0f}s:{m:.0f}" for t, m in memory),
        "lost": len(lost_api) + len(lost_odk), "doubled": len(doubled_odk),
    }
    return Outcome(figures, problems)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clerks", type=int, default=100)
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clerk-pause", type=float, default=5.0,
                        help="seconds a clerk takes between two registrations (mean)")
    parser.add_argument("--device-pause", type=float, default=30.0,
                        help="seconds between two backlogs of a phone (mean)")
    parser.add_argument("--backlog", type=int, default=5, help="forms in a phone's backlog")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL (an empty database, dropped and made again)")
    args = parser.parse_args(argv)
    if args.database_url:
        name = args.database_url.rsplit("/", 1)[1]
        admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
        for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", admin, "-c", sql], check=True, capture_output=True)
    outcome = soak(clerks=args.clerks, devices=args.devices, seconds=args.minutes * 60,
                   clerk_pause=args.clerk_pause, device_pause=args.device_pause,
                   backlog=args.backlog, workers=args.workers, database_url=args.database_url,
                   say=lambda text: print(text, file=sys.stderr, flush=True))
    print(json.dumps(outcome.figures, indent=1))
    for problem in outcome.problems:
        print(f"PROBLEM: {problem}")
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
