"""File permissions: var/ 0700, the SQLite database and its -wal and -shm 0600, and
`haven check` warning (haven.W050, haven.W051) when other users can read them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path


def _haven(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HAVEN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["HAVEN_VAR_DIR"] = str(var)
    # A permissive umask, as on many desktops: Haven must not rely on the user's.
    return subprocess.run(["sh", "-c", 'umask 022 && exec "$@"', "sh", sys.executable, "-m",
                           "haven.cli.main", *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_var_and_the_database_files_are_private_and_check_warns_when_not(tmp_path):
    var = tmp_path / "fresh" / "var"
    migrated = _haven(var, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    # A registration's writes go to the -wal first; a second process keeps -wal and -shm.
    created = _haven(var, "createuser", "anna", "--role", "registrar")
    assert created.returncode == 0, created.stderr
    assert _mode(var) == 0o700
    database = var / "haven.sqlite3"
    files = [p for p in (database, Path(f"{database}-wal"), Path(f"{database}-shm"))
             if p.exists()]
    assert database in files
    assert {str(p.name): _mode(p) for p in files} == {str(p.name): 0o600 for p in files}
    assert _haven(var, "check").returncode == 0

    var.chmod(0o755)
    database.chmod(0o644)
    checked = _haven(var, "check")
    assert checked.returncode == 1
    assert "haven.W050" in checked.stderr
    assert "haven.W051" in checked.stderr
    assert str(database) in checked.stderr
