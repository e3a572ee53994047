"""A full disk: a clean refusal on every channel, the database intact, work resumes.

The first tests make the database say "full" in-process (every adapter's answer); the
last fills a real size-limited tmpfs under `haven serve` and a CLI import, then frees it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db import OperationalError
from django.test import Client
from tests.test_busy_database import HOUSEHOLD, QuickServer

from haven.cli.main import cli
from haven.core.disk_full import is_disk_full
from haven.intake.tests.test_openrosa_recordings import Device, collect_submission

FULL = OperationalError("database or disk is full")


def full(*args, **kwargs):
    raise FULL


def test_what_counts_as_a_full_disk():
    assert is_disk_full(FULL)
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(OperationalError('could not extend file "base/16384/2619": '
                                         "No space left on device"))
    assert not is_disk_full(OperationalError("database is locked"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))


@pytest.mark.django_db
def test_the_api_answers_507_with_a_json_body(api, sites, monkeypatch):
    monkeypatch.setattr("haven.registry.services.registration.households_register", full)
    response = api("registrar").post("/households", HOUSEHOLD)
    assert response.status_code == 507
    assert response.json()["error"] == "disk_full"
    assert "nothing was stored" in response.json()["message"]


@pytest.mark.django_db
def test_openrosa_answers_503_so_that_collect_keeps_the_form(users, sites, monkeypatch):
    monkeypatch.setattr("haven.intake.openrosa.views.submission_receive", full)
    response = Device(username="registrar-goris").submit(collect_submission())
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert b"disk is full" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "words"), [("en", "The disk is full"),
                                                 ("ru", "Диск заполнен"),
                                                 ("hy", "Սկավառակը լցված է")])
def test_a_page_says_the_disk_is_full_in_the_readers_language(users, sites, monkeypatch,
                                                             language, words):
    monkeypatch.setattr("haven.registry.services.registration.households_register", full)
    client = Client(headers={"Accept-Language": language})
    client.force_login(users["registrar"])
    response = client.post("/households/new/", {
        "site": "goris", "members-0-given_name": "Narine", "members-0-family_name": "Sargsyan",
        "members-0-sex": "female", "members-0-relationship": "head"})
    assert response.status_code == 507
    assert words in response.content.decode()


@pytest.mark.django_db
def test_the_cli_says_so_and_exits_non_zero(users, sites, monkeypatch):
    from haven.cli import reception  # noqa: F401, PLC0415 - registers `haven reception`

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("haven.reception.services.placement_create", no_space)
    result = CliRunner().invoke(cli, ["reception", "place", "HVN-0000-0000-0000", "--site",
                                      "goris", "--user", "coordinator"])
    assert result.exit_code == 1
    assert "disk holding Haven's data is full" in result.output


# --------------------------------------------------------------------------- a real disk
@contextlib.contextmanager
def small_disk(megabytes: int):
    """Mount a tmpfs of `megabytes` (root only); skip the test when mounting is impossible."""
    mount_point = Path(tempfile.mkdtemp(prefix="haven-full-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs",
                           str(mount_point)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        mount_point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not root'})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        mount_point.rmdir()


def fill(path: Path) -> None:
    """Write zeros to `path` until the disk refuses, down to its last block."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (1 << 20, 1 << 16, 4096, 512):
            with contextlib.suppress(OSError):
                while True:
                    os.write(descriptor, b"\0" * size)
    finally:
        os.close(descriptor)


def post(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - the test's own server on localhost
        url, json.dumps(HOUSEHOLD).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - localhost
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        with refused:  # its socket, closed here and not by the garbage collector
            return refused.code, json.loads(refused.read() or b"{}")


@pytest.mark.skipif(bool(os.environ.get("HAVEN_DATABASE_URL")), reason="var/ on SQLite")
def test_a_real_full_disk_refuses_cleanly_keeps_the_data_and_resumes(tmp_path):
    haven = Path(sys.executable).with_name("haven")
    with small_disk(48) as disk:
        server = QuickServer(haven, workers=1, keep=False, label="disk full")
        server.var_dir = disk
        server.env["HAVEN_VAR_DIR"] = str(disk)
        server.stdout_path = tmp_path / "server.out"  # logs off the small disk
        server.stderr_path = tmp_path / "server.err"
        try:
            server.prepare()
            server.start()
            url = f"http://{server.host}:{server.port}/api/v1/households"
            assert post(url, server.token)[0] == 201
            filler = disk / "filler.bin"
            fill(filler)
            answers = [post(url, server.token) for _ in range(60)]
            acknowledged = sum(status == 201 for status, _body in answers)
            refused = [body for status, body in answers if status != 201]
            # SQLite reuses free pages it already holds, so a few may still fit; then no more.
            assert refused, "the disk never filled up"
            assert {status for status, _b in answers} <= {201, 507}
            assert all(body["error"] == "disk_full" for body in refused)
            assert "Traceback" not in server.stderr_path.read_text(errors="replace")

            csv = tmp_path / "arrivals.csv"
            from haven.intake.importing.samples import sample_csv  # noqa: PLC0415

            sample_csv(csv, 50)
            env = {**server.env, "DJANGO_SETTINGS_MODULE": "haven.config.settings"}
            imported = subprocess.run(
                [str(haven), "import", "households", str(csv), "--site", "goris", "--user",
                 "registrar-goris"], env=env, capture_output=True, text=True, check=False,
                timeout=300)
            assert imported.returncode != 0
            assert "disk holding Haven's data is full" in imported.stderr
            assert "Traceback" not in imported.stderr

            filler.unlink()  # space returns: the same requests now succeed
            assert post(url, server.token)[0] == 201
            acknowledged += 2
            checked = subprocess.run([str(haven), "check", "--integrity"], env=env,
                                     capture_output=True, text=True, check=False, timeout=300)
            assert checked.returncode == 0, checked.stdout + checked.stderr
        finally:
            server.stop()
        with contextlib.closing(sqlite3.connect(server.database)) as db:
            stored = db.execute("SELECT COUNT(*) FROM registry_household WHERE channel = 'api'"
                                ).fetchone()[0]
        assert stored == acknowledged
