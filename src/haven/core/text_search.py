"""Case-insensitive search that behaves the same for every script on SQLite and PostgreSQL.

SQLite's own LIKE and lower() fold only ASCII letters: "анаит" would not find "Анаит",
nor "վարդ" find "Վարդանյան", on a border-post laptop while it would on the national
server. Each SQLite connection therefore gets `haven_lower`, Python's Unicode lower(),
and searches compare lower-cased text on both sides.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func, Q
from django.db.models.lookups import StartsWith


def _lower(text: str | None) -> str | None:
    return text.lower() if text is not None else None


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Give a new SQLite connection the functions Haven's queries use (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("haven_lower", 1, _lower, deterministic=True)


class UnicodeLower(Func):
    """LOWER() that folds every script: PostgreSQL's own, or `haven_lower` on SQLite."""

    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function="haven_lower", **extra_context)


def starts_with(field: str, text: str) -> Q:
    """Return a filter: `field` starts with `text`, ignoring case in any script."""
    return Q(StartsWith(UnicodeLower(field), text.lower()))
