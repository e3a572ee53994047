"""Keep Haven's files to the user that runs it: var/ 0700, the SQLite files 0600.

A laptop at a border post is shared; a world-readable database (or its -wal, which holds
the latest registrations in clear) is a copy of every record for any local account.
var/ is created 0700 and the database file 0600 before SQLite first opens it
(haven.config.environment: var_dir, sqlite_file_create); SQLite creates the -wal and
-shm with the database file's own mode. An existing file is left as its owner set it, and
`haven check` warns (haven.W050, haven.W051) when either can be read by other users.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

PRIVATE_FILE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm")


def sqlite_files(settings_dict: dict[str, Any]) -> list[Path]:
    """Return the files of a file-backed SQLite database (none for memory or PostgreSQL)."""
    if not str(settings_dict.get("ENGINE", "")).endswith("sqlite3"):
        return []
    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return []
    return [Path(name + suffix) for suffix in SQLITE_SUFFIXES]


def _readable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & 0o077)
    except FileNotFoundError:
        return False


@register(Tags.security)
def check_file_modes(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Warn when var/ or the SQLite database files can be read by other users."""
    problems: list[CheckMessage] = []
    var = Path(settings.VAR_DIR)
    if _readable_by_others(var):
        problems.append(Warning(
            f"The folder {var} can be read by other users of this machine; it holds the "
            f"database, keys and uploads.", hint=f"chmod 700 {var}", id="haven.W050"))
    loose = [str(p) for p in sqlite_files(settings.DATABASES["default"])
             if _readable_by_others(p)]
    if loose:
        problems.append(Warning(
            f"Database files can be read by other users of this machine: {', '.join(loose)}.",
            hint=f"chmod 600 {' '.join(loose)}", id="haven.W051"))
    return problems
