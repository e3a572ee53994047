"""Integrity checks of the stored data: what `haven check --integrity` runs.

Each app declares the invariants of its own records in `<app>/integrity.py` with the
`@integrity_check` decorator (as Django's system checks are declared), imported by its
AppConfig.ready(). A check returns the findings it made, each naming the rule broken and
how many rows break it, never the personal values in them. The database's own check
(SQLite `integrity_check` and `foreign_key_check`; PostgreSQL's invalid indexes and
constraints) runs first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Finding:
    check: str  # the rule, e.g. "registry.person_has_an_arrival"
    message: str  # what is wrong, in words, with counts and ids, without personal values

    def __str__(self) -> str:
        return f"{self.check}: {self.message}"


IntegrityCheck = Callable[[], Iterable[Finding]]
_CHECKS: dict[str, IntegrityCheck] = {}


def integrity_check(name: str) -> Callable[[IntegrityCheck], IntegrityCheck]:
    """Register `check` under `name` (an app's label and the rule: "registry.arrivals")."""

    def register(check: IntegrityCheck) -> IntegrityCheck:
        _CHECKS[name] = check
        return check

    return register


def registered_checks() -> dict[str, IntegrityCheck]:
    return {"database": database_check, **dict(sorted(_CHECKS.items()))}


def database_check() -> Iterable[Finding]:
    """The engine's own view: pages and indexes sound, every foreign key pointing somewhere."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            rows = [r[0] for r in cursor.fetchall()]
            if rows != ["ok"]:
                yield Finding("database.integrity_check", "; ".join(rows[:20]))
            cursor.execute("PRAGMA foreign_key_check")
            broken: dict[str, int] = {}
            for table, _rowid, parent, _fk in cursor.fetchall():
                key = f"{table} -> {parent}"
                broken[key] = broken.get(key, 0) + 1
            for key, n in sorted(broken.items()):
                yield Finding("database.foreign_keys", f"{n} rows of {key} point to no row")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT indexrelid::regclass::text FROM pg_index "
                           "WHERE NOT indisvalid OR NOT indisready")
            for (name,) in cursor.fetchall():
                yield Finding("database.indexes", f"index {name} is not valid")
            cursor.execute("SELECT conname, conrelid::regclass::text FROM pg_constraint "
                           "WHERE NOT convalidated")
            for name, table in cursor.fetchall():
                yield Finding("database.constraints", f"constraint {name} on {table} "
                                                      f"is not validated")


def integrity_run(progress: Callable[[str], None] | None = None) -> list[Finding]:
    """Run every registered check; return all findings (empty: the data is sound)."""
    findings: list[Finding] = []
    for name, check in registered_checks().items():
        if progress is not None:
            progress(name)
        findings.extend(check())
    return findings
