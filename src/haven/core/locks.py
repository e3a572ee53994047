"""Serialise writers that must see each other's work (the last beds, the last kits in stock).

On SQLite every write transaction already holds the database's one write lock from its
BEGIN (IMMEDIATE, see settings), so two clerks' checks and inserts never interleave. On
PostgreSQL two transactions read the same stock at once; a transaction-level advisory
lock on a name makes the second wait until the first commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def _lock_id(name: str) -> int:
    # A signed 64-bit integer from the name: PostgreSQL's advisory lock key.
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def serialized(name: str) -> Iterator[None]:
    """Hold the lock `name` until the surrounding transaction ends; use inside atomic()."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(name)])
    yield
