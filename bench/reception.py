#!/usr/bin/env python3
"""Benchmark reception through Haven's HTTP API: 16 clerks placing households into shelters
near capacity, and the 46-bus arrival day of 28 September 2023 recorded through runs.

The script builds a throw-away Haven (`bench/server.py`: a fresh SQLite database, `haven
demo`, `haven serve` with gunicorn) and adds a bench shelter of BEDS beds in 20 units,
households of 1-6 people (about 1.2 times the beds) registered there, and 16 clerks with
API tokens. Then:

* **placements**: 16 clerks (threads, each with its own keep-alive connection) POST
  /api/v1/placements for every household, as fast as answers come back. The beds run
  out: late households get 409. Peer in the same run: one clerk alone placing into a
  second shelter of the same size.
* **bus day**: one dispatcher records the 46 buses of 28 September (1,560 passengers in
  households registered at Kornidzor): POST /api/v1/runs, POST …/passengers with the
  household codes, POST …/arrive. Peer in the same run: 1,560 other people recorded one
  at a time through POST /api/v1/arrivals, the registry's person-by-person endpoint.

Afterwards it reads the SQLite file: no unit holds more people than beds (0 over
capacity); every 201 stored the whole household and every 409 stored nothing, and each
refused household was bigger than the beds still free at the end, so it truly did not
fit (0 lost); every bus passenger has exactly one arrival at Goris. Exit 0 when all
checks pass, 1 when one fails.

    .venv/bin/python bench/reception.py              # 16 clerks, 3 workers
    .venv/bin/python bench/reception.py --json
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import random
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from machine import machine, machine_busy_seconds, machine_line  # bench/machine.py
from server import Server, run_threads, running  # bench/server.py

REPO = Path(__file__).resolve().parent.parent
BEDS = 2000
UNITS = 20
CLERKS = 16
BUSES = 46
BUS_PASSENGERS = 1560

# Runs inside the server's environment (its HAVEN_VAR_DIR) before it serves requests.
SETUP = r'''
import json, os, random, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
import django
django.setup()
from haven.accounts.access import Actor
from haven.accounts.models import User
from haven.accounts.services import token_create, user_create
from haven.reception.services import UnitInput, unit_create, vehicle_create
from haven.registry.models import Site
from haven.registry.services import HouseholdInput, MemberInput, households_register

beds, units, clerks, buses, passengers, seed = (int(x) for x in sys.argv[1:7])
rng = random.Random(seed)
coordinator = Actor(user=User.objects.get(username="coordinator"), channel="cli")
WOMEN = ["Anahit", "Narine", "Mariam", "Gayane", "Lusine", "Hasmik", "Armine", "Siranush"]
MEN = ["Tigran", "Armen", "Hovhannes", "Davit", "Sergey", "Aram", "Gevorg", "Vardan"]
FAMILY = ["Vardanyan", "Grigoryan", "Petrosyan", "Sargsyan", "Avetisyan", "Babayan"]

def family(size):
    men, women = rng.sample(MEN, 8), rng.sample(WOMEN, 8)
    last = rng.choice(FAMILY)
    return [MemberInput(given_name=(women if i % 2 else men).pop(), family_name=last,
                        sex="female" if i % 2 else "male",
                        birth_date=str(1960 + i * 3 if i < 2 else 2005 + i),
                        relationship="head" if i == 0 else ("spouse" if i == 1 else "child"))
            for i in range(size)]

def register(site, people):
    households, total = [], 0
    while total < people:
        size = min(people - total, rng.choice([1, 2, 3, 3, 4, 4, 5, 6]))
        households.append(HouseholdInput(site=site, members=family(size)))
        total += size
    out = []
    for start in range(0, len(households), 200):
        done = households_register(actor=coordinator, households=households[start:start + 200])
        assert not done.errors, done.errors
        out += [(h.code, h.size) for h in done.households]
    return out

sites = {}
for slug in ("bench-shelter", "bench-solo"):
    Site.objects.get_or_create(slug=slug, defaults={
        "kind": "shelter", "name_en": slug, "settlement": "Goris", "province": "Syunik"})
    for n in range(units):
        unit_create(actor=coordinator, site=slug, unit=UnitInput(
            name=f"Unit {n:02d}", beds=beds // units, accessible_beds=0))
    sites[slug] = register(slug, int(beds * 1.2))
tokens = []
for n in range(clerks):
    name = f"bench-clerk-{n:02d}"
    if not User.objects.filter(username=name).exists():
        user_create(actor=None, username=name, role="registrar",
                    sites=["bench-shelter", "bench-solo"], password="bench-" + "x" * 12)
    tokens.append(token_create(actor=None, username=name, label="bench"))
plates = []
for n in range(buses):
    plate = f"BENCH{n:03d}"
    vehicle_create(actor=coordinator, kind="bus", plate=plate, capacity=45)
    plates.append(plate)
json.dump({"shelter": sites["bench-shelter"], "solo": sites["bench-solo"],
           "bus_households": register("kornidzor", passengers),
           "one_by_one": register("kornidzor", passengers),
           "tokens": tokens, "plates": plates}, sys.stdout)
'''


class PatientServer(Server):
    """A Server that waits longer for gunicorn on a busy machine (the demo is big)."""

    def _wait_until_answering(self, timeout: float = 600.0) -> None:
        super()._wait_until_answering(timeout=timeout)


@dataclass
class Call:
    status: int
    ms: float
    household: str = ""
    size: int = 0


@dataclass
class Phase:
    name: str
    calls: int = 0
    seconds: float = 0.0
    per_s: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def phase(name: str, calls: list[Call], seconds: float) -> Phase:
    statuses: dict[str, int] = {}
    for call in calls:
        statuses[str(call.status)] = statuses.get(str(call.status), 0) + 1
    return Phase(name=name, calls=len(calls), seconds=round(seconds, 2),
                 per_s=round(len(calls) / seconds, 1) if seconds else 0.0,
                 p50_ms=round(percentile([c.ms for c in calls], 0.50), 1),
                 p95_ms=round(percentile([c.ms for c in calls], 0.95), 1), statuses=statuses)


class Clerk:
    """One API client with a keep-alive connection."""

    def __init__(self, server: Server, token: str) -> None:
        self.connection = http.client.HTTPConnection(server.host, server.port, timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: Any) -> tuple[int, Any, float]:
        started = time.perf_counter()
        self.connection.request("POST", f"/api/v1{path}", json.dumps(body), self.headers)
        response = self.connection.getresponse()
        data = response.read()
        took = (time.perf_counter() - started) * 1000
        try:
            return response.status, json.loads(data), took
        except ValueError:
            return response.status, data, took


def place_all(server: Server, tokens: list[str], households: list[list[Any]],
              site: str) -> tuple[list[Call], float]:
    plans = [(tokens[i], households[i::len(tokens)]) for i in range(len(tokens))]

    def clerk(plan: tuple[str, list[list[Any]]]) -> list[Call]:
        token, mine = plan
        client = Clerk(server, token)
        calls = []
        for code, size in mine:
            status, _body, ms = client.post("/placements", {"household": code, "site": site})
            calls.append(Call(status=status, ms=ms, household=code, size=size))
        return calls

    started = time.monotonic()
    calls = run_threads(plans, clerk)
    return calls, time.monotonic() - started


def bus_day(server: Server, plates: list[str], households: list[list[Any]]
            ) -> tuple[list[Call], float]:
    """46 runs Stepanakert -> Goris, each: plan, manifest, arrival."""
    client = Clerk(server, server.token)  # registrar-goris: Goris's dispatcher
    loads: list[list[str]] = [[] for _ in plates]
    for index, (code, _size) in enumerate(households):
        loads[index * len(plates) // len(households)].append(code)
    calls = []
    started = time.monotonic()
    for number, (plate, codes) in enumerate(zip(plates, loads, strict=True), start=1):
        status, run, ms = client.post("/runs", {
            "vehicle": plate, "destination": "goris", "origin_place": "Stepanakert",
            "reference": f"bench bus {number:02d} {time.time_ns()}"})
        calls.append(Call(status, ms))
        status, _manifest, ms = client.post(f"/runs/{run['id']}/passengers", {"codes": codes})
        calls.append(Call(status, ms))
        status, _arrival, ms = client.post(f"/runs/{run['id']}/arrive", {"absent": []})
        calls.append(Call(status, ms))
    return calls, time.monotonic() - started


def one_by_one(server: Server, person_codes: list[str]) -> tuple[list[Call], float]:
    client = Clerk(server, server.token)
    started = time.monotonic()
    calls = []
    for code in person_codes:
        status, _body, ms = client.post("/arrivals", {"person": code, "site": "goris"})
        calls.append(Call(status, ms))
    return calls, time.monotonic() - started


def lost_placements(db: sqlite3.Connection, calls: list[Call],
                    site: str) -> tuple[int, list[str], int]:
    """Return the free beds left at `site`, and the answers that do not match the database.

    A 201 must have stored the whole household; a 409 nothing, for a household bigger than
    the beds still free at the end (beds only fill up here, so it did not fit when refused).
    """
    stays = dict(db.execute(
        "SELECT h.code, COUNT(s.id) FROM registry_household h JOIN reception_placement p "
        "ON p.household_id = h.id JOIN reception_stay s ON s.placement_id = p.id "
        "JOIN registry_site t ON t.id = p.site_id WHERE t.slug = ? AND s.ended_at IS NULL "
        "GROUP BY h.code", [site]).fetchall())
    free = db.execute(
        "SELECT (SELECT SUM(beds) FROM reception_shelterunit u JOIN registry_site t "
        "ON t.id = u.site_id WHERE t.slug = ?) - (SELECT COUNT(*) FROM reception_stay s "
        "JOIN registry_site t ON t.id = s.site_id WHERE t.slug = ? AND s.ended_at IS NULL)",
        [site, site]).fetchone()[0]
    lost = [c.household for c in calls
            if (c.status == 201 and stays.get(c.household) != c.size)
            or (c.status == 409 and (c.household in stays or c.size <= free))
            or c.status not in {201, 409}]
    return free, lost, sum(stays.values())


def check(database: Path, placed: list[Call], solo: list[Call],
          bus_households: list[str]) -> dict[str, Any]:
    """Read the SQLite file: beds never overfilled, nothing lost, every passenger arrived once."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    over = db.execute(
        "SELECT COUNT(*) FROM (SELECT u.id FROM reception_shelterunit u JOIN reception_stay s "
        "ON s.unit_id = u.id AND s.ended_at IS NULL GROUP BY u.id HAVING COUNT(*) > u.beds)"
    ).fetchone()[0]
    free, lost, people = lost_placements(db, placed, "bench-shelter")
    solo_free, solo_lost, _solo_people = lost_placements(db, solo, "bench-solo")
    codes = ",".join("?" * len(bus_households))
    arrivals = db.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT a.person_id) FROM registry_arrival a "  # noqa: S608
        f"JOIN registry_person p ON p.id = a.person_id JOIN registry_household h "
        f"ON h.id = p.household_id JOIN registry_site t ON t.id = a.site_id "
        f"WHERE t.slug = 'goris' AND h.code IN ({codes})", bus_households).fetchone()
    db.close()
    return {"over_capacity_units": over, "lost": len(lost) + len(solo_lost),
            "lost_examples": (lost + solo_lost)[:5], "people_placed": people,
            "free_beds_at_end": free, "solo_free_beds_at_end": solo_free,
            "bus_arrivals": arrivals[0], "bus_passengers_arrived": arrivals[1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--haven", default=str(REPO / ".venv" / "bin" / "haven"))
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--clerks", type=int, default=CLERKS)
    parser.add_argument("--seed", type=int, default=928)
    parser.add_argument("--keep", action="store_true", help="keep the temporary HAVEN_VAR_DIR")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    server = PatientServer(Path(args.haven), args.workers, args.keep, label="reception-bench")
    report: dict[str, Any] = {"machine": machine(), "settings": {
        "clerks": args.clerks, "workers": args.workers, "beds": BEDS, "units": UNITS,
        "buses": BUSES, "passengers": BUS_PASSENGERS}}
    try:
        with running(server):
            say("setting up the bench shelters, households, clerks and buses")
            python = Path(args.haven).parent / "python"
            done = subprocess.run([str(python), "-c", SETUP, str(BEDS), str(UNITS),
                                   str(args.clerks), str(BUSES), str(BUS_PASSENGERS),
                                   str(args.seed)], env=server.env, capture_output=True,
                                  text=True, check=False, timeout=1800)
            if done.returncode != 0:
                raise SystemExit(f"setup failed:\n{done.stderr[-3000:]}")
            data = json.loads(done.stdout)
            busy_before, wall_before = machine_busy_seconds(), time.monotonic()
            say(f"placements: {args.clerks} clerks, {len(data['shelter'])} households, "
                f"{BEDS} beds")
            placed, seconds = place_all(server, data["tokens"], data["shelter"],
                                        "bench-shelter")
            report["placements"] = asdict(phase("placements, 16 clerks", placed, seconds))
            say("peer: one clerk alone")
            solo, seconds = place_all(server, data["tokens"][:1], data["solo"], "bench-solo")
            report["placements_one_clerk"] = asdict(phase("placements, 1 clerk", solo,
                                                          seconds))
            say(f"bus day: {BUSES} runs, {BUS_PASSENGERS} passengers")
            bus_codes = [code for code, _size in data["bus_households"]]
            runs, seconds = bus_day(server, data["plates"], data["bus_households"])
            report["bus_day"] = asdict(phase("46-bus day through runs", runs, seconds))
            say("peer: 1,560 arrivals one person at a time")
            persons = person_codes(server.database, [c for c, _s in data["one_by_one"]])
            single, seconds = one_by_one(server, persons)
            report["one_by_one"] = asdict(phase("1,560 arrivals one by one", single, seconds))
            busy = machine_busy_seconds() - busy_before
            wall = time.monotonic() - wall_before
            report["machine_busy_share"] = round(busy / wall / (report["machine"]["cores"]
                                                                or 1), 2)
        report["checks"] = check(server.database, placed, solo, bus_codes)
    finally:
        server.remove()
    ok = (report["checks"]["over_capacity_units"] == 0 and report["checks"]["lost"] == 0
          and report["checks"]["bus_passengers_arrived"] == BUS_PASSENGERS
          and report["checks"]["bus_arrivals"] == BUS_PASSENGERS)
    report["ok"] = ok
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        print_report(report)
    return 0 if ok else 1


def person_codes(database: Path, household_codes: list[str]) -> list[str]:
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    marks = ",".join("?" * len(household_codes))
    codes = [row[0] for row in db.execute(
        f"SELECT p.code FROM registry_person p JOIN registry_household h "  # noqa: S608
        f"ON h.id = p.household_id WHERE h.code IN ({marks}) ORDER BY p.code",
        household_codes)]
    db.close()
    random.Random(1).shuffle(codes)
    return codes


def print_report(report: dict[str, Any]) -> None:
    print(f"machine   {machine_line(report['machine'])}")
    print(f"settings  {report['settings']}; machine busy {report['machine_busy_share']:.0%} "
          f"of its cores during the phases")
    for key in ("placements", "placements_one_clerk", "bus_day", "one_by_one"):
        p = report[key]
        print(f"{p['name']:<28} {p['calls']:>6} calls in {p['seconds']:>7.1f} s = "
              f"{p['per_s']:>6.1f}/s  p50 {p['p50_ms']:>6.1f} ms  p95 {p['p95_ms']:>7.1f} ms  "
              f"{p['statuses']}")
    ratio = report["placements"]["per_s"] / (report["placements_one_clerk"]["per_s"] or 1)
    faster = report["one_by_one"]["seconds"] / (report["bus_day"]["seconds"] or 1)
    print(f"16 clerks place {ratio:.2f}x as many households a second as one clerk; the bus "
          f"day through runs takes 1/{faster:.1f} of the time of the same arrivals one by one")
    checks = report["checks"]
    print(f"checks    over capacity: {checks['over_capacity_units']} units; lost: "
          f"{checks['lost']}; {checks['people_placed']} people placed, free beds at the end: "
          f"{checks['free_beds_at_end']}; bus "
          f"passengers arrived once at Goris: {checks['bus_passengers_arrived']} "
          f"({checks['bus_arrivals']} arrivals)  {'OK' if report['ok'] else 'FAILED'}")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
