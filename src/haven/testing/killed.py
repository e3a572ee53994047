"""After a client was killed with SIGKILL: wait for what the database server still does.

Shared by the import crash test and the crash harness (bench/faults/crash.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

_OTHER_BACKENDS = ("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND pid <> pg_backend_pid()")


def postgres_backends_settle(query: Callable[[str], list[Any]], timeout: float = 30) -> None:
    """Wait until no other backend of this PostgreSQL database is left (at most `timeout` s).

    PostgreSQL finishes a COMMIT the client sent just before it was killed: waiting for
    it makes the state checked the one the next run finds. (On SQLite the client is the
    database: a killed process's commit reached the file or it did not; callers skip it.)
    `query` runs SQL on the database and returns its rows.
    """
    deadline = time.monotonic() + timeout
    while query(_OTHER_BACKENDS)[0][0] and time.monotonic() < deadline:
        time.sleep(0.05)
