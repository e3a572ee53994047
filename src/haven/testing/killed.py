"""After a client was killed with SIGKILL: wait for what the database server still does.

Shared by the import crash test and the crash harness (bench/faults/crash.py), with the
check that a killed import left each household whole and once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

# Each household an import stored: its place of origin (unique in the sample files), its
# members, and their submission keys (one a member when it was stored whole and once).
IMPORTED_HOUSEHOLDS = """
    SELECT h.place_of_origin, COUNT(p.id), COUNT(DISTINCT s.key)
    FROM registry_household h
    JOIN registry_person p ON p.household_id = h.id
    LEFT JOIN intake_submission s ON s.person_id = p.id AND s.household_id = h.id
    WHERE h.channel = 'import'
    GROUP BY h.id, h.place_of_origin
"""
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


def imported_household_problems(stored: list[Any], expected: dict[str, int]) -> list[str]:
    """Say what is wrong with the households an import stored (rows of IMPORTED_HOUSEHOLDS),
    against the members each should have (by place of origin): a household stored twice,
    members missing, a member without its one submission. Empty when all is well."""
    problems = []
    origins = [str(origin) for origin, _persons, _keys in stored]
    if doubled := len(origins) - len(set(origins)):
        problems.append(f"{doubled} households stored twice")
    for origin, persons, keys in stored:
        if persons != (want := expected[str(origin)]):
            problems.append(f"{origin}: {persons} of {want} members")
        if keys != persons:
            problems.append(f"{origin}: {keys} submissions for {persons} persons")
    return problems
