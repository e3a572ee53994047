"""A few computed results kept per process, least recently used first out.

Reports, their charts, their PDFs and the open-data publication are costly to build and
change only with an audited write, so each is kept under a key that holds the write clock
(`audit_last_event_id`) or its own figures: a key never names a person or a user.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Kept(Generic[K, V]):
    """At most `size` values by key, safe across a server's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def forget(self) -> None:
        with self._lock:
            self._values.clear()
