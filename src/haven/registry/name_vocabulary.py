"""The name keys the registry holds, and those spelt like a typed one: name search's last tier.

The closer tiers of name search (haven.registry.name_lookup) find a person whose names'
keys are the typed ones or one edit away. A relative's spelling is sometimes further off:
a slip made before transliteration and another made by it (Онаес for Ованес, Ареивк
Оганесня for Arevik Hovhannisyan), a short name with a letter dropped twice. No index
finds keys two or three edits away, and listing them is hundreds of thousands of keys;
but a registry holds few *distinct* keys (some thousands of family names and given names
at a million persons), and comparing a typed key with each of them takes a few
milliseconds (rapidfuzz's Indel ratio, in C++). The keys found are then looked up in the
indexes like any other.

Each process keeps the distinct keys, read again when they are older than
`HAVEN_NAME_VOCABULARY_SECONDS` (default 60): a name first registered in the last minute
is found by the closer tiers only. The keys are every record's, not only those a searcher
may see: they are keys, never a person, and the lookup they feed is made within the
searcher's records (as haven.registry.name_lookup's near keys are).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from rapidfuzz import fuzz, process

from haven.registry.models import Person

DEFAULT_SECONDS = 60.0
# A key must share this much with the typed one (Indel ratio, 0-100): Zanna and Chana
# (zana, chana) are 67, Artyom and Artem 73; two unrelated names of five letters are 40-60.
SCORE_CUTOFF = 65.0
COLUMNS = ("family_name_key", "given_name_key")


@dataclass(frozen=True)
class _Loaded:
    database: str
    at: float
    keys: dict[str, list[str]]


_lock = threading.Lock()
_loaded: _Loaded | None = None


def spelt_like(column: str, key: str, limit: int) -> list[str]:
    """Return the registry's keys of `column` most like `key` (itself first if held), best first."""
    if not key:
        return []
    keys = _keys()[column]
    found = process.extract(key, keys, scorer=fuzz.ratio, limit=limit,
                            score_cutoff=SCORE_CUTOFF)
    return [choice for choice, _score, _index in found]


def forget() -> None:
    """Drop this process's keys: the next search reads them again (tests, after a restore)."""
    global _loaded  # noqa: PLW0603 - the process's one copy
    with _lock:
        _loaded = None


def _keys() -> dict[str, list[str]]:
    global _loaded  # noqa: PLW0603 - the process's one copy
    seconds = float(getattr(settings, "NAME_VOCABULARY_SECONDS", DEFAULT_SECONDS))
    database = str(connection.settings_dict["NAME"])
    loaded = _loaded
    if loaded is None or loaded.database != database or time.monotonic() - loaded.at > seconds:
        with _lock:
            _loaded = loaded = _Loaded(database=database, at=time.monotonic(),
                                       keys={column: _distinct(column) for column in COLUMNS})
    return loaded.keys


def _distinct(column: str) -> list[str]:
    # Plain SQL over the name-key indexes (a covering scan, 0.43 s at a million persons);
    # the column and table names are the model's, not input.
    table = connection.ops.quote_name(Person._meta.db_table)
    name = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT {name} FROM {table} WHERE {name} <> ''")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]
