"""After an erasure, a byte scan of the database, its WAL and a later backup finds nothing.

Run as an operator would: `haven migrate`, the canary person registered by a separate
process, `haven person erase`, `haven backup`, against a SQLite file of the test's own,
then the files read byte by byte (the backup decrypted with its key first).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pyrage
import pytest
from django.db import connection

from haven.rights.tests.conftest import CANARY, DIGITS

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite",
                                reason="the byte scan reads SQLite's files; PostgreSQL: "
                                       "docs/retention.md")

REGISTER = """
import django; django.setup()
from haven.accounts.models import User
from haven.registry.models import Site
from haven.registry.services import HouseholdInput, household_register
from haven.testing.factories import actor_for, site_spec
from haven.rights.tests.conftest import register_subject
sites = {"kornidzor": Site.objects.create(**site_spec("kornidzor", "border_crossing")),
         "goris": Site.objects.create(**site_spec("goris"), capacity=1200),
         "vayk": Site.objects.create(**site_spec("vayk"), capacity=600)}
def user(name, role, *slugs):
    made = User.objects.create(username=name, role=role)
    made.sites.set([sites[s] for s in slugs])
    return made
users = {"coordinator": user("coordinator", "coordinator"),
         "registrar_vayk": user("registrar-vayk", "registrar", "vayk")}
def make_household(site="goris", members=None, user=None, **household):
    registrar = users["registrar_vayk"] if site == "vayk" else users["coordinator"]
    return household_register(actor=actor_for(registrar), household=HouseholdInput(
        site=site, members=members, **household))
print(register_subject(users, make_household).code)
"""


def _count(data: bytes) -> int:
    return len(re.findall(re.escape(CANARY), data, flags=re.IGNORECASE)) + data.count(DIGITS)


def _scan_files(var: Path) -> dict[str, int]:
    found = {}
    for suffix in ("", "-wal", "-shm"):
        path = var / f"haven.sqlite3{suffix}"
        found[path.name] = _count(path.read_bytes()) if path.exists() else 0
    return found


def _scan_backup(path: Path, key: Path) -> int:
    identity = pyrage.x25519.Identity.from_str(
        next(line for line in key.read_text().splitlines() if line.startswith("AGE-SECRET")))
    plain = pyrage.decrypt(path.read_bytes(), [identity])
    total = _count(plain)  # the tar as it is, and each member unpacked
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        for member in tar.getmembers():
            extracted = tar.extractfile(member)
            if extracted is not None:
                total += _count(extracted.read())
    return total


def test_no_byte_of_an_erased_person_is_left_in_the_database_its_wal_or_a_later_backup(
        tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    env = {**os.environ, "HAVEN_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE":
           "haven.config.settings", "HAVEN_DATABASE_URL": f"sqlite:///{var / 'haven.sqlite3'}"}

    def haven(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "haven.cli.main", *args], env=env,
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    haven("migrate")
    registered = subprocess.run([sys.executable, "-c", REGISTER], env=env, capture_output=True,
                                text=True, timeout=600, check=False)
    assert registered.returncode == 0, registered.stderr
    code = registered.stdout.split()[-1]
    haven("backup", "--to", str(tmp_path / "before"))
    before = _scan_files(var)
    assert sum(before.values()) > 0, before  # the scan finds the canary while it is there
    key = var / "backup.key"
    assert _scan_backup(next((tmp_path / "before").glob("*.age")), key) > 0

    out = haven("person", "erase", code, "--user", "coordinator", "--reason",
                "request no. 14", "--confirm", code)
    assert "Erased" in out
    haven("check", "--integrity")  # households, arrivals, merges, audit chain, occupancy
    haven("backup", "--to", str(tmp_path / "after"))
    assert _scan_files(var) == {"haven.sqlite3": 0, "haven.sqlite3-wal": 0,
                                "haven.sqlite3-shm": 0}
    assert _scan_backup(next((tmp_path / "after").glob("*.age")), key) == 0
