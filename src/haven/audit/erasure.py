"""The one way past the audit log's DELETE and TRUNCATE triggers: wiping a whole database.

The triggers (migrations/_append_only.py) refuse to delete audit events on SQLite and
PostgreSQL, whoever asks. Only `audit_erasure()` lets them through, for the moments a
whole database is emptied on purpose: the test runner's flush between tests. Nothing in
Haven's pages, API or commands calls it. On SQLite the triggers ask the function
`haven_audit_erasable()`, which Haven's connections define; a connection without it
(the sqlite3 shell) cannot delete either. On PostgreSQL they read the session setting
`haven.audit_erasure`, which only this function sets.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

_erasing = False


def register_sqlite_function(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Define haven_audit_erasable() on a new SQLite connection (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("haven_audit_erasable", 0,
                                              lambda: 1 if _erasing else 0)


@contextmanager
def audit_erasure() -> Iterator[None]:
    """Let DELETE and TRUNCATE of the audit tables through, for a whole-database wipe."""
    global _erasing  # noqa: PLW0603 - one process-wide switch, off but for a wipe
    _erasing = True
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET haven.audit_erasure = 'on'")
    try:
        yield
    finally:
        _erasing = False
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET haven.audit_erasure")
