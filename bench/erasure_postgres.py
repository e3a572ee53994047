"""What a byte scan of PostgreSQL's files finds of an erased person (docs/retention.md).

    .venv/bin/python bench/erasure_postgres.py \
        postgres://postgres@127.0.0.1:5432 /var/lib/postgresql/15/main

Creates a database of its own, registers the canary person of haven.rights' tests,
erases them with `haven person erase` (which runs VACUUM), forces a CHECKPOINT, and
counts the canary in the database's table and index files and in pg_wal; then again
after VACUUM FULL. Needs read access to the data directory (run as root or postgres).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
import django

django.setup()
from haven.rights.tests.conftest import CANARY, DIGITS  # noqa: E402
from haven.rights.tests.test_erasure_bytes import REGISTER  # noqa: E402


def count(data: bytes) -> int:
    return len(re.findall(re.escape(CANARY), data, flags=re.IGNORECASE)) + data.count(DIGITS)


def main(server: str, data_dir: Path) -> None:
    name = f"haven_rights_scan_{uuid.uuid4().hex[:6]}"
    subprocess.run(["psql", f"{server}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
    url = f"{server}/{name}"
    env = {**os.environ, "HAVEN_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE":
           "haven.config.settings", "HAVEN_VAR_DIR": tempfile.mkdtemp(prefix=name)}

    def psql(sql: str) -> str:
        return subprocess.run(["psql", "-At", url, "-c", sql], check=True, capture_output=True,
                              text=True).stdout

    def scan(label: str) -> None:
        psql("CHECKPOINT")
        oid = psql(f"SELECT oid FROM pg_database WHERE datname = '{name}'")  # noqa: S608 - our own name.strip()
        files = sum(count(p.read_bytes()) for p in (data_dir / "base" / oid).glob("*")
                    if p.is_file())
        wal = sum(count(p.read_bytes()) for p in (data_dir / "pg_wal").glob("0*")
                  if p.is_file())
        print(f"{label}: table and index files {files}, pg_wal {wal}")

    try:
        haven = [sys.executable, "-m", "haven.cli.main"]
        subprocess.run([*haven, "migrate"], env=env, check=True, capture_output=True)
        code = subprocess.run([sys.executable, "-c", REGISTER], env=env, check=True,
                              capture_output=True, text=True).stdout.split()[-1]
        scan("registered")
        subprocess.run([*haven, "person", "erase", code, "--user", "coordinator", "--reason",
                        "scan", "--confirm", code], env=env, check=True, capture_output=True)
        scan("erased (DELETE, then VACUUM)")
        psql("VACUUM FULL")
        scan("after VACUUM FULL")
    finally:
        subprocess.run(["psql", f"{server}/postgres", "-qc",
                        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
