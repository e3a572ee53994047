"""Read a scenario's TOML tables with types, ranges and paths: every mistake, named.

A mistake is kept under its path (``tallies[3].cumulative``) and reading goes on with a
stand-in value, so one run of the loader reports every problem of the file at once.
Unknown keys are mistakes too: a misspelt setting must not silently fall back to a
default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

_MISSING: Any = object()


@dataclass(frozen=True)
class Triangle:
    """A triangular distribution: the least, the most likely and the greatest value."""

    low: float
    mode: float
    high: float


class TableReader:
    """Read one TOML table; record problems in the shared `errors` under their path."""

    def __init__(self, data: Mapping[str, Any], path: str,
                 errors: dict[str, list[str]]) -> None:
        self.data = data
        self.path = path
        self.errors = errors
        self._read: set[str] = set()

    def key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(self.key(key), []).append(message)

    def _value(self, key: str, kinds: tuple[type, ...], kind_name: str, default: Any) -> Any:
        self._read.add(key)
        if key not in self.data:
            if default is _MISSING:
                self.error(key, "is required")
            return None
        value = self.data[key]
        # TOML booleans are ints in Python; a number is never a boolean here.
        if isinstance(value, bool) or not isinstance(value, kinds):
            self.error(key, f"must be {kind_name}")
            return None
        return value

    def raw(self, key: str) -> Any:
        """Return the value as TOML gave it (None if absent), for shapes read by hand."""
        self._read.add(key)
        return self.data.get(key)

    def number(self, key: str, *, low: float | None = None, high: float | None = None,
               default: Any = _MISSING) -> float:
        value = self._value(key, (int, float), "a number", default)
        if value is None:
            return float(default) if default is not _MISSING else 0.0
        return self._in_range(key, float(value), low, high)

    def integer(self, key: str, *, low: int | None = None, high: int | None = None,
                default: Any = _MISSING) -> int:
        value = self._value(key, (int,), "a whole number", default)
        if value is None:
            return int(default) if default is not _MISSING and default is not None else 0
        return int(self._in_range(key, value, low, high))

    def _in_range(self, key: str, value: float, low: float | None,
                  high: float | None) -> float:
        if low is not None and value < low:
            self.error(key, f"must be at least {low:g}")
        if high is not None and value > high:
            self.error(key, f"must be at most {high:g}")
        return value

    def text(self, key: str, *, default: Any = _MISSING) -> str:
        value = self._value(key, (str,), "text", default)
        if value is None:
            return str(default) if default is not _MISSING else ""
        if not value.strip():
            self.error(key, "must not be empty")
        return str(value)

    def date(self, key: str) -> dt.date:
        value = self._value(key, (dt.date,), "a date (2023-09-24)", _MISSING)
        if value is None or isinstance(value, dt.datetime):
            if value is not None:
                self.error(key, "must be a date without a time (2023-09-24)")
            return dt.date(2000, 1, 1)
        return value

    def time(self, key: str) -> dt.time | None:
        value = self._value(key, (dt.time,), "a local time (12:00:00)", None)
        if value is not None and value.tzinfo is not None:
            self.error(key, "must be a local time without an offset")
        return value

    def local_datetime(self, key: str, *, required: bool = False) -> dt.datetime | None:
        value = self._value(key, (dt.datetime,), "a local date and time (2023-09-26T08:00:00)",
                            _MISSING if required else None)
        if value is not None and value.tzinfo is not None:
            self.error(key, "must be a local date and time, without an offset; the "
                            "scenario's time_zone applies")
        return value

    def weights(self, key: str, *, allowed: Collection[str] | None = None,
                required: bool = True) -> dict[str, float]:
        """Read a table of non-negative weights with at least one above zero."""
        table = self._value(key, (dict,), "a table of weights", _MISSING if required else None)
        if table is None:
            return {}
        weights: dict[str, float] = {}
        for name, weight in table.items():
            if allowed is not None and name not in allowed:
                self.error(key, f"unknown entry {name!r}; use {', '.join(sorted(allowed))}")
            elif isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
                self.error(key, f"the weight of {name!r} must be a number of at least 0")
            else:
                weights[name] = float(weight)
        if table and not any(weights.values()):
            self.error(key, "needs at least one weight above 0")
        return weights

    def triangle(self, key: str, *, low: float = 0.0) -> Triangle:
        value = self._value(key, (list,), "[min, mode, max]", _MISSING)
        if value is None:
            return Triangle(0.0, 0.0, 0.0)
        if len(value) != 3 or any(isinstance(v, bool) or not isinstance(v, (int, float))
                                  for v in value):
            self.error(key, "must be three numbers: [min, mode, max]")
            return Triangle(0.0, 0.0, 0.0)
        least, mode, most = (float(v) for v in value)
        if not low <= least <= mode <= most or least == most:
            self.error(key, f"must satisfy {low:g} <= min <= mode <= max and min < max")
        return Triangle(least, mode, most)

    def rows(self, key: str, *, required: bool = True) -> list[list[Any]]:
        """Read an array of arrays (inline rows such as ``[[18, 24, 4], ...]``)."""
        value = self._value(key, (list,), "a list of rows", _MISSING if required else None)
        if value is None:
            return []
        if not value and required:
            self.error(key, "must not be empty")
        rows = []
        for index, row in enumerate(value):
            if not isinstance(row, list):
                self.error(f"{key}[{index}]", "must be a row in brackets")
            else:
                rows.append(row)
        return rows

    def strings(self, key: str, *, required: bool = True) -> list[str]:
        value = self._value(key, (list,), "a list of text", _MISSING if required else None)
        if value is None:
            return []
        if not all(isinstance(v, str) and v.strip() for v in value):
            self.error(key, "must hold only non-empty text")
            return []
        return list(value)

    def table(self, key: str) -> TableReader:
        value = self._value(key, (dict,), "a table", _MISSING)
        return TableReader(value or {}, self.key(key), self.errors)

    def tables(self, key: str, *, required: bool = True) -> list[TableReader]:
        value = self._value(key, (list,), f"an array of tables ([[{key}]])",
                            _MISSING if required else None)
        if value is None:
            return []
        if not value and required:
            self.error(key, "must have at least one entry")
        readers = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.error(f"{key}[{index}]", "must be a table")
                continue
            readers.append(TableReader(item, self.key(f"{key}[{index}]"), self.errors))
        return readers

    def finish(self) -> None:
        """Record every key of the table that was never read: a misspelt or unknown setting."""
        for key in self.data:
            if key not in self._read:
                self.error(key, "is not a setting of a scenario (misspelt?)")
