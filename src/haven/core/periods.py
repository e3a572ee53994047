"""Periods of days: the one way every report chooses its from–to and shows long quiet stretches.

A report over the days "since the first arrival up to today" buries a ten-day crisis in
years of zeros. Reports therefore:

- default to `period_of_data`: the first to the last day that has data (today when none);
- take a chosen period through `period_parse` (`from` and `to`, YYYY-MM-DD, either
  optional), refusing a reversed or future one with the field named;
- show a day series through `stretches`: runs of quiet days longer than `QUIET_DAYS`
  become one stretch ("no arrivals, 12 Oct 2023 – 4 Dec 2026"), busy days stay one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.utils.translation import gettext as _

from haven.core.errors import ValidationFailed

T = TypeVar("T")
# A quiet run this long or shorter stays day by day: a gap of a day or two is part of the story.
QUIET_DAYS = 2


@dataclass(frozen=True)
class Period:
    """The local days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def period_of_data(first: dt.date | None, last: dt.date | None, *, today: dt.date) -> Period:
    """Return the period that has data: `first` to `last`, or today alone when there is none."""
    if first is None or last is None:
        return Period(today, today)
    return Period(min(first, today), min(last, today))


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.single(name, _("use YYYY-MM-DD")) from None


def period_parse(*, start: str | None, end: str | None, today: dt.date,
                 default: Callable[[], Period]) -> Period:
    """Return the period chosen by `from` (start) and `to` (end), each YYYY-MM-DD or empty.

    Neither given: `default()` (usually the period that has data). Only `to`: from the
    default's start (or `to` itself if that is later). Only `from`: up to today.
    ValidationFailed names `from` or `to` for a bad date, a future `to` or a reversed period.
    """
    start_text, end_text = (start or "").strip(), (end or "").strip()
    if not start_text and not end_text:
        return default()
    chosen_end = _date(end_text, "to") if end_text else today
    if chosen_end > today:
        raise ValidationFailed.single("to", _("is in the future"))
    chosen_start = _date(start_text, "from") if start_text else min(default().start, chosen_end)
    if chosen_start > chosen_end:
        raise ValidationFailed.single("from", _("is after the end of the period"))
    return Period(chosen_start, chosen_end)


@dataclass
class Stretch(Generic[T]):
    """Consecutive entries of a day series: one busy day, or a run of quiet ones."""

    start: dt.date
    end: dt.date
    quiet: bool
    entries: list[T] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def entry(self) -> T:
        """The last entry: a quiet stretch's cumulative figures are those of its last day."""
        return self.entries[-1]


def stretches(entries: Sequence[T], *, day: Callable[[T], dt.date],
              quiet: Callable[[T], bool], longest: int = QUIET_DAYS) -> list[Stretch[T]]:
    """Return `entries` (ordered by day) as busy days and collapsed runs of quiet days.

    A run of more than `longest` consecutive quiet entries becomes one quiet stretch; shorter
    runs and busy entries stay one stretch per entry.
    """
    out: list[Stretch[T]] = []
    run: list[T] = []

    def flush() -> None:
        if len(run) > longest:
            out.append(Stretch(day(run[0]), day(run[-1]), True, list(run)))
        else:
            out.extend(Stretch(day(e), day(e), True, [e]) for e in run)
        run.clear()

    for entry in entries:
        if quiet(entry):
            run.append(entry)
            continue
        flush()
        out.append(Stretch(day(entry), day(entry), False, [entry]))
    flush()
    return out
