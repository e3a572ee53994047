#!/usr/bin/env python3
"""Benchmark the ODK (OpenRosa) channel: devices sending household registrations at once.

The script builds a throw-away Haven (fresh SQLite database in a temporary HAVEN_VAR_DIR,
`haven migrate`, `haven demo`, device credentials for Goris), serves it with
`haven serve` (gunicorn), and lets N concurrent clients act like ODK Collect: fetch the
form list, then POST filled-in forms to /openrosa/key/<token>/goris/submission as
multipart with an `xml_submission_file` part, at a fixed total rate. About 5% of the posts
are deliberate resends of a form already acknowledged, as a phone does when an answer is
lost. Afterwards it reads the SQLite file directly to prove exactly-once storage: one
Submission row and one household per acknowledged instanceID, with the members sent,
and nothing else.

    .venv/bin/python bench/intake_openrosa.py                   # 50/s for 30 s, 8 clients
    .venv/bin/python bench/intake_openrosa.py --rate 100 --auth basic

Only the standard library is used. Exit status: 0 when every answer was 201 and storage
was exactly once and the server kept up; 1 on a correctness failure; 2 when correct but
the server fell behind the offered rate.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import datetime as dt
import http.client
import math
import os
import random
import re
import sqlite3
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from machine import machine, machine_busy_seconds  # bench/machine.py
from server import LOCKED, USERNAME, Server, run_threads, running  # bench/server.py

REPO = Path(__file__).resolve().parent.parent
SITE = "goris"
FORM_ID = "household_registration"
SOURCE = f"odk:{FORM_ID}"
LIST_NS = "{http://openrosa.org/xforms/xformsList}"
RESPONSE_NS = "{http://openrosa.org/http/response}"
CODE = re.compile(r"HVN-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
DEFAULT_WORKERS = 3  # as bench/registration.py: the best on the 2-core reference machine
MAX_LAG_S = 1.0  # a request leaving later than this behind its slot: the server fell behind
OTHERS_WARNING = 0.10  # share of the machine's CPU used by others that spoils the figures
EXIT_OK, EXIT_BROKEN, EXIT_SLOW = 0, 1, 2

# --------------------------------------------------------------------------- forms
GIVEN = {
    "armenian": (["Անահիտ", "Նարինե", "Մարիամ", "Գայանե", "Լուսինե", "Հասմիկ"],
                 ["Տիգրան", "Արմեն", "Հովհաննես", "Դավիթ", "Սերգեյ", "Արամ"]),
    "cyrillic": (["Анаит", "Нарине", "Мариам", "Гаяне", "Лусине", "Асмик"],
                 ["Тигран", "Армен", "Оганес", "Давид", "Сергей", "Арам"]),
    "latin": (["Anahit", "Narine", "Mariam", "Gayane", "Lusine", "Hasmik"],
              ["Tigran", "Armen", "Hovhannes", "Davit", "Sergey", "Aram"]),
}
FAMILIES = {
    "armenian": ["Վարդանյան", "Հարությունյան", "Գրիգորյան", "Պետրոսյան", "Սարգսյան"],
    "cyrillic": ["Варданян", "Арутюнян", "Григорян", "Петросян", "Саргсян"],
    "latin": ["Vardanyan", "Harutyunyan", "Grigoryan", "Petrosyan", "Sargsyan"],
}
ORIGINS = ["Stepanakert", "Ստեփանակերտ", "Степанакерт", "Martuni", "Askeran", "Martakert"]
NAMESPACES = ('xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" '
              'xmlns:orx="http://openrosa.org/xforms" '
              'xmlns:odk="http://www.opendatakit.org/xforms" '
              'xmlns:ev="http://www.w3.org/2001/xml-events" '
              'xmlns:xsd="http://www.w3.org/2001/XMLSchema"')


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class FormFiller:
    """Fill in the household form as a clerk would, 1-6 members, reproducibly from a seed."""

    def __init__(self, seed: int, version: str) -> None:
        self.rng = random.Random(seed)
        self.version = version
        self.year = dt.datetime.now(dt.UTC).year

    def _birth(self, age: int) -> tuple[str, dict[str, str]]:
        year = self.year - max(age, 1)
        kind = self.rng.random()
        if kind < 0.25:
            return "year", {"birth_year": str(year)}
        if kind < 0.45:
            return "month", {"birth_month": f"{year}-{self.rng.randint(1, 12):02d}-01"}
        if kind < 0.55:
            return "estimated", {"estimated_age": str(max(age, 1))}
        return "day", {"birth_date": f"{year}-{self.rng.randint(1, 12):02d}-"
                                    f"{self.rng.randint(1, 28):02d}"}

    def _member(self, family: str, relationship: str, sex: str, age: int, given: str) -> str:
        precision, birth = self._birth(age)
        values = {"given_name": given, "family_name": family, "patronymic": "", "sex": sex,
                  "birth_date_precision": precision, "birth_date": "", "birth_month": "",
                  "birth_year": "", "estimated_age": "", "relationship": relationship,
                  "document_type": "none", "document_number": "", "vulnerabilities": ""}
        values.update(birth)
        if self.rng.random() < 0.3:
            values["document_type"] = "passport"
            values["document_number"] = f"AN{self.rng.randint(1000000, 9999999)}"
        if self.rng.random() < 0.1:
            values["vulnerabilities"] = self.rng.choice(["injured", "burns injured",
                                                         "malnourished", "chronic_illness"])
        return "<members>" + "".join(
            f"<{k}>{_escape(v)}</{k}>" if v else f"<{k}/>" for k, v in values.items()
        ) + "</members>"

    def household(self) -> tuple[str, int, bytes]:
        """Return (instanceID, number of members, the XML as Collect writes it)."""
        rng = self.rng
        script = rng.choice(list(GIVEN))
        family = rng.choice(FAMILIES[script])
        size = rng.randint(1, 6)
        head_sex = rng.choice(("female", "male"))
        head_age = rng.randint(25, 75)
        plan = [("head", head_sex, head_age)]
        if size >= 2:
            plan.append(("spouse", "male" if head_sex == "female" else "female", head_age))
        while len(plan) < size:
            plan.append(("child", rng.choice(("female", "male")), rng.randint(1, 20)))
        # Distinct given names within a household: Haven refuses the same person twice.
        women, men = (list(names) for names in GIVEN[script])
        rng.shuffle(women)
        rng.shuffle(men)
        members = []
        for relationship, sex, age in plan:
            given = (women if sex == "female" else men).pop()
            members.append(self._member(family, relationship, sex, age, given))
        instance_id = f"uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        now = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=4)))
        start = (now - dt.timedelta(seconds=rng.randint(30, 300))).isoformat(
            timespec="milliseconds")
        xml = (f"<?xml version='1.0' ?><data id=\"{FORM_ID}\" version=\"{self.version}\" "
               f"{NAMESPACES}><start>{start}</start>"
               f"<end>{now.isoformat(timespec='milliseconds')}</end><intro/>"
               f"<household><place_of_origin>{_escape(rng.choice(ORIGINS))}</place_of_origin>"
               f"<phone>+374 97 {rng.randint(100000, 999999)}</phone><size/></household>"
               + "".join(members)
               + f"<meta><instanceID>{instance_id}</instanceID>"
               f"<instanceName>{_escape(family)}</instanceName></meta></data>")
        return instance_id, len(members), xml.encode("utf-8")


def multipart(xml: bytes) -> tuple[bytes, str]:
    """Return a body and its Content-Type, as ODK Collect's OkHttp writes them."""
    boundary = str(uuid.uuid4())
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; "
            f"filename=\"Haven household registration.xml\"\r\nContent-Type: text/xml\r\n"
            f"Content-Length: {len(xml)}\r\n\r\n").encode() + xml + \
        f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# --------------------------------------------------------------------------- clients
@dataclass
class Sample:
    due: float
    sent: float
    done: float
    status: int  # 0 when the connection failed before an answer
    instance_id: str
    members: int
    resend: bool
    code: str = ""
    problem: str = ""


@dataclass(frozen=True)
class ClientPlan:
    host: str
    port: int
    path: str  # the submission URL's path
    headers: tuple[tuple[str, str], ...]
    version: str
    index: int
    clients: int
    start: float
    deadline: float
    rate: float
    resend_share: float
    seed: int


def _send(connection: http.client.HTTPConnection, plan: ClientPlan,
          xml: bytes) -> tuple[int, str]:
    body, content_type = multipart(xml)
    headers = dict(plan.headers)
    headers.update({"Content-Type": content_type,
                    "Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())})
    connection.request("POST", plan.path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    if response.will_close:
        connection.close()  # gunicorn's sync workers answer "Connection: close"
    text = ""
    with contextlib.suppress(ElementTree.ParseError):
        root = ElementTree.fromstring(data)  # noqa: S314 - the server under test, not input
        text = root.findtext(f"{RESPONSE_NS}message") or ""
    return response.status, text or data.decode("utf-8", "replace")[:200]


def run_client(plan: ClientPlan) -> list[Sample]:
    """Send forms at this client's share of the rate until the deadline (open loop)."""
    filler = FormFiller(plan.seed, plan.version)
    chooser = random.Random(plan.seed + 1)
    connection = http.client.HTTPConnection(plan.host, plan.port, timeout=60)
    acknowledged: list[tuple[str, int, bytes]] = []
    samples: list[Sample] = []
    step = 0
    try:
        while True:
            # Request k of client i is due at start + (k*N + i)/rate; latency counts from
            # then, so a stalled server cannot hide the queue behind it.
            due = plan.start + (step * plan.clients + plan.index) / plan.rate
            if due >= plan.deadline:
                break
            step += 1
            resend = bool(acknowledged) and chooser.random() < plan.resend_share
            instance_id, members, xml = (chooser.choice(acknowledged) if resend
                                         else filler.household())
            time.sleep(max(0.0, due - time.monotonic()))
            sent = time.monotonic()
            try:
                status, message = _send(connection, plan, xml)
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                samples.append(Sample(due, sent, time.monotonic(), 0, instance_id, members,
                                      resend, problem=f"{type(exc).__name__}: {exc}"[:200]))
                continue
            found = CODE.search(message)
            sample = Sample(due, sent, time.monotonic(), status, instance_id, members, resend,
                            code=found.group(0) if found else "",
                            problem="" if status == 201 else message)
            samples.append(sample)
            if status == 201 and not resend:
                acknowledged.append((instance_id, members, xml))
    finally:
        connection.close()
    return samples




def device_headers(server: Server, auth: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Return the server address's path prefix and the headers a device sends."""
    headers = [("X-OpenRosa-Version", "1.0"),
               ("User-Agent", "org.odk.collect.android/v2023.2.4 okhttp/4.11.0 (bench)")]
    if auth == "token":
        return f"/openrosa/key/{server.device_key}/{SITE}", tuple(headers)
    secret = base64.b64encode(f"{USERNAME}:{server.password}".encode()).decode()
    return f"/openrosa/{SITE}", (*headers, ("Authorization", f"Basic {secret}"))


def form_version(server: Server, prefix: str, headers: tuple[tuple[str, str], ...]) -> str:
    """Ask the form list for the form's version, as a device does before filling it in."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        connection.request("GET", f"{prefix}/formList", headers=dict(headers))
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise SystemExit(f"formList answered {response.status}: {data[:300]!r}")
    root = ElementTree.fromstring(data)  # noqa: S314 - the server under test
    version = root.findtext(f"{LIST_NS}xform/{LIST_NS}version")
    if not version:
        raise SystemExit(f"formList lists no form: {data[:300]!r}")
    return version


# --------------------------------------------------------------------------- checks
def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


@dataclass
class Integrity:
    acknowledged: int = 0  # distinct instanceIDs answered 201
    resends: int = 0
    stored_submissions: int = 0
    stored_households: int = 0
    missing: list[str] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)
    wrong_members: list[str] = field(default_factory=list)
    shared_households: list[str] = field(default_factory=list)
    resend_other_household: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unacknowledged or self.wrong_members
                    or self.shared_households or self.resend_other_household) \
            and self.acknowledged == self.stored_submissions == self.stored_households


def check_exactly_once(database: Path, before: set[str], samples: list[Sample]) -> Integrity:
    """Compare the 201 answers with what the SQLite file holds, row by row."""
    result = Integrity()
    sent: dict[str, Sample] = {}
    codes: dict[str, set[str]] = collections.defaultdict(set)
    for sample in samples:
        if sample.status != 201:
            continue
        codes[sample.instance_id].add(sample.code)
        if sample.resend:
            result.resends += 1
        else:
            sent[sample.instance_id] = sample
    result.acknowledged = len(sent)
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        stored = dict(db.execute("SELECT key, household_id FROM intake_submission "
                                 "WHERE source = ?", (SOURCE,)).fetchall())
        households = {row[0]: row[1] for row in db.execute(
            "SELECT id, code FROM registry_household")}
        members = collections.Counter(row[0] for row in db.execute(
            "SELECT household_id FROM registry_person"))
    result.stored_submissions = len(stored)
    result.stored_households = len(set(households) - before)
    result.missing = sorted(sent.keys() - stored.keys())
    result.unacknowledged = sorted(stored.keys() - sent.keys())
    seen: dict[str, str] = {}
    for key, household in stored.items():
        if household in seen:
            result.shared_households.append(key)
        seen[household] = key
        acknowledged = sent.get(key)
        if acknowledged is not None and members[household] != acknowledged.members:
            result.wrong_members.append(key)
        if codes.get(key, set()) - {households.get(household)}:
            result.resend_other_household.append(key)
    return result


# --------------------------------------------------------------------------- report






def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores; {info['os']}; "
          f"Python {info['python']}, SQLite {info['sqlite']}; Haven {info['haven_commit']}")
    server = Server(Path(args.haven), args.workers, args.keep, label="odk bench")
    try:
        with running(server):
            prefix, headers = device_headers(server, args.auth)
            version = form_version(server, prefix, headers)
            with contextlib.closing(sqlite3.connect(f"file:{server.database}?mode=ro",
                                                    uri=True)) as db:
                before = {row[0] for row in db.execute("SELECT id FROM registry_household")}

            def plans(seconds: float, seed: int) -> list[ClientPlan]:
                start = time.monotonic() + 0.3
                return [ClientPlan(host=server.host, port=server.port,
                                   path=f"{prefix}/submission", headers=headers,
                                   version=version, index=i, clients=args.clients,
                                   start=start, deadline=start + seconds, rate=args.rate,
                                   resend_share=args.resends, seed=seed * 1000 + i)
                        for i in range(args.clients)]

            warm: list[Sample] = []
            if args.warmup > 0:
                say(f"warm-up {args.warmup:g} s (every worker loads the form)")
                warm = run_threads(plans(args.warmup, seed=1), run_client)
            say(f"measuring {args.duration:g} s: {args.rate:g} submissions/s from "
                f"{args.clients} clients, ~{args.resends:.0%} resends, {args.workers} workers, "
                f"{args.auth} auth")
            started = time.monotonic()
            cpu_before = (server.cpu_seconds(), time.process_time(), machine_busy_seconds())
            samples = run_threads(plans(args.duration, seed=2), run_client)
            elapsed = max(max((s.done for s in samples), default=started) - started, 1e-9)
            server_cpu = server.cpu_seconds() - cpu_before[0]
            client_cpu = time.process_time() - cpu_before[1]
            others_cpu = max(0.0, machine_busy_seconds() - cpu_before[2] - server_cpu
                             - client_cpu)
        integrity = check_exactly_once(server.database, before, warm + samples)
        locked = server.locked_lines()
    finally:
        server.remove()
    ok = [s for s in samples if s.status == 201]
    latencies = [(s.done - s.due) * 1000 for s in samples]
    failures = collections.Counter(str(s.status or s.problem.split(":", 1)[0])
                                   for s in warm + samples if s.status != 201)
    lag = max(((s.sent - s.due) for s in samples), default=0.0)
    success = len(ok) / max(len(samples), 1)
    print(f"requests: {len(samples)} in {elapsed:.1f} s ({len(samples) / elapsed:.1f}/s "
          f"offered {args.rate:g}/s), {sum(s.resend for s in samples)} of them resends")
    print(f"success: {success:.2%} answered 201; failures {dict(failures) or 'none'}")
    for sample in [s for s in warm + samples if s.status != 201][:5]:
        print(f"  {sample.status} {sample.problem[:160]}")
    print(f"latency ms (from the slot each request was due): p50 {percentile(latencies, 50):.1f}"
          f"  p95 {percentile(latencies, 95):.1f}  p99 {percentile(latencies, 99):.1f}"
          f"  max {max(latencies, default=0):.1f}; latest send {lag * 1000:.0f} ms behind")
    verdict = "PASS" if integrity.ok else "FAIL"
    print(f"exactly-once {verdict}: {integrity.acknowledged} instanceIDs acknowledged "
          f"({integrity.resends} resends acknowledged), {integrity.stored_submissions} "
          f"submissions and {integrity.stored_households} households stored; "
          f"{len(integrity.missing)} missing, {len(integrity.unacknowledged)} unacknowledged, "
          f"{len(integrity.wrong_members)} with wrong members, "
          f"{len(integrity.shared_households)} sharing a household, "
          f"{len(integrity.resend_other_household)} resends naming another household")
    capacity = elapsed * (os.cpu_count() or 1)
    print(f"CPU: server {server_cpu * 1000 / max(len(samples), 1):.1f} ms per submission "
          f"({server_cpu / capacity:.0%} of the machine), clients {client_cpu / capacity:.0%}, "
          f"other processes {others_cpu / capacity:.0%}")
    if others_cpu / capacity > OTHERS_WARNING:
        print("WARNING: other processes used the CPU during the run; its figures understate "
              "what Haven can do")
    print(f'"{LOCKED}" in server logs: {locked}')
    if failures or not integrity.ok or locked:
        return EXIT_BROKEN
    if lag > MAX_LAG_S:
        print(f"SLOW: requests left up to {lag:.1f} s after their slot")
        return EXIT_SLOW
    return EXIT_OK


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/intake_openrosa.py", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=50.0, metavar="PER_S",
                        help="submissions per second in all, resends included "
                             "(default: %(default)s)")
    parser.add_argument("--duration", type=float, default=30.0, metavar="SECONDS",
                        help="measured time (default: %(default)s)")
    parser.add_argument("--clients", type=int, default=8, metavar="N",
                        help="concurrent devices (default: %(default)s)")
    parser.add_argument("--resends", type=float, default=0.05, metavar="SHARE",
                        help="share of posts that resend an acknowledged form "
                             "(default: %(default)s)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, metavar="W",
                        help="gunicorn worker processes (default: %(default)s)")
    parser.add_argument("--auth", choices=["token", "basic"], default="token",
                        help="a device key in the server address, or HTTP Basic with the demo "
                             "password (default: %(default)s)")
    parser.add_argument("--warmup", type=float, default=2.0, metavar="SECONDS",
                        help="paced warm-up before measuring; checked, not counted "
                             "(default: %(default)s)")
    parser.add_argument("--haven", default=str(Path(sys.executable).parent / "haven"),
                        help="the haven command (default: next to this Python)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary HAVEN_VAR_DIR and print where it is")
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.duration <= 0 or args.clients < 1 or args.workers < 1:
        parser.error("--rate, --duration, --clients and --workers must be positive")
    if not 0 <= args.resends < 1:
        parser.error("--resends must be in [0, 1)")
    if not Path(args.haven).exists():
        parser.error(f"no haven command at {args.haven}; pass --haven PATH")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        say("interrupted; the server was stopped")
        return 130


if __name__ == "__main__":
    sys.exit(main())
