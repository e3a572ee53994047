"""The one place Haven reads the time, so tests and scenario replays can set it."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """Return the current aware UTC datetime (or the frozen one in tests and replays)."""
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Return today's date in UTC."""
    return now().date()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Freeze `now()` at `moment` (which must be aware) for the duration of the block."""
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    global _frozen  # noqa: PLW0603 - the clock seam is deliberately process-wide
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
