"""A throw-away Haven for benchmarks that talk to it over HTTP.

`Server` makes a temporary HAVEN_VAR_DIR with a fresh SQLite database, the demo sites
and users and an API token for registrar-goris, serves it with `haven serve`, and
stops and removes it however the benchmark ends (`running`).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

USERNAME = "registrar-goris"
LOCKED = "database is locked"


class Server:
    """A throw-away Haven: temporary HAVEN_VAR_DIR, demo data, token, `haven serve`."""

    def __init__(self, haven: Path, workers: int, keep: bool, *,
                 label: str = "benchmark") -> None:
        self.haven = haven
        self.workers = workers
        self.keep = keep
        self.label = label
        self.var_dir = Path(tempfile.mkdtemp(prefix="haven-bench-"))
        self.env = {k: v for k, v in os.environ.items()
                    if k not in {"HAVEN_DATABASE_URL", "HAVEN_DEBUG", "DJANGO_SETTINGS_MODULE"}}
        self.env["HAVEN_VAR_DIR"] = str(self.var_dir)
        self.host = "127.0.0.1"
        self.port = 0
        self.token = ""
        self.device_key = ""  # ODK device credentials for Goris, for the OpenRosa benchmark
        self.password = ""  # the demo users' password, for benchmarks that log in with it
        self.process: subprocess.Popen[bytes] | None = None
        self.stdout_path = self.var_dir / "server.stdout.log"
        self.stderr_path = self.var_dir / "server.stderr.log"

    @property
    def database(self) -> Path:
        return self.var_dir / "haven.sqlite3"

    def _haven(self, *args: str) -> str:
        done = subprocess.run([str(self.haven), *args], env=self.env, capture_output=True,
                              text=True, check=False, timeout=300)
        if done.returncode != 0:
            raise SystemExit(f"`haven {' '.join(args)}` failed:\n{done.stderr or done.stdout}")
        return done.stdout

    def prepare(self) -> None:
        self._haven("migrate")
        demo = self._haven("demo")
        found = re.search(r"password for all: (\S+?)\)", demo)
        self.password = found.group(1) if found else ""
        self.token = self._haven("token", "create", USERNAME, "--label", self.label).strip()
        device = self._haven("device", "create", "--site", "goris", "--label", self.label,
                             "--server", "http://127.0.0.1", "--no-qr")
        keyed = re.search(r"/openrosa/key/(\S+?)/goris", device)
        self.device_key = keyed.group(1) if keyed else ""

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind((self.host, 0))
            self.port = probe.getsockname()[1]
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            # A session of its own: Ctrl+C reaches only this script, which then stops the
            # server in order instead of leaving gunicorn half shut down.
            self.process = subprocess.Popen(
                [str(self.haven), "serve", "--host", self.host, "--port", str(self.port),
                 "--workers", str(self.workers)],
                env=self.env, stdout=out, stderr=err, start_new_session=True)
        self._wait_until_answering()

    def _wait_until_answering(self, timeout: float = 300.0) -> None:
        # Five minutes: on a shared 2-core machine under load, collectstatic and gunicorn's
        # start took over a minute, and a benchmark or test then failed for nothing.
        assert self.process is not None  # noqa: S101 - start() set it
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"haven serve exited with {self.process.returncode}:\n"
                                 + self.log_tail())
            connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
            try:
                connection.request("GET", "/api/v1/sites",
                                   headers={"Authorization": f"Bearer {self.token}"})
                if connection.getresponse().status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass  # not answering yet (a slow start: the socket is closed below all the same)
            finally:
                connection.close()
            time.sleep(0.1)
        raise SystemExit(f"haven serve did not answer within {timeout:.0f} s:\n"
                         + self.log_tail())

    def cpu_seconds(self) -> float:
        """CPU time used so far by the gunicorn master and its live workers (Linux /proc)."""
        if self.process is None:
            return 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        pids = [self.process.pid]
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def log_offsets(self) -> tuple[int, int]:
        return self.stdout_path.stat().st_size, self.stderr_path.stat().st_size

    def log_tail(self, lines: int = 30) -> str:
        text = self.stderr_path.read_text("utf-8", "replace") if self.stderr_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def locked_lines(self, since: tuple[int, int] = (0, 0)) -> int:
        """Count server log lines (access log and errors) that say the database was locked."""
        count = 0
        for path, offset in zip((self.stdout_path, self.stderr_path), since, strict=True):
            if path.exists():
                with path.open("rb") as log:
                    log.seek(offset)
                    count += sum(LOCKED.encode() in line for line in log)
        return count

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # gunicorn finishes requests in flight, then exits
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the session start() created
            process.wait(timeout=10)

    def remove(self) -> None:
        if self.keep:
            print(f"kept {self.var_dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.var_dir, ignore_errors=True)


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    """Prepare and start the server; stop and remove it however the block ends."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.prepare()
        server.start()
        yield server
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


P = TypeVar("P")
S = TypeVar("S")


def run_threads(plans: Sequence[P], run_client: Callable[[P], list[S]]) -> list[S]:
    """Run `run_client` for each plan, one thread per plan; return every sample."""
    results: list[list[S]] = [[] for _ in plans]

    def work(slot: int, plan: P) -> None:
        results[slot] = run_client(plan)

    threads = [threading.Thread(target=work, args=(i, p), daemon=True)
               for i, p in enumerate(plans)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [sample for result in results for sample in result]
