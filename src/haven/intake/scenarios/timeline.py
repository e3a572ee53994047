"""The days of a scenario: how many people arrive on each, and when in the day.

A tally counts people up to the end of its local day (or up to its `until`). The people
between two tallies are shared among the days in between by the traffic of each day's
window, with largest remainders, so each scaled tally is met exactly: on the day of a
tally the cumulative number of people is `round(tally.cumulative * scale)`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from haven.intake.scenarios.model import Scenario, Tally

HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class DayPlan:
    date: dt.date
    start: dt.datetime  # aware: the first moment anyone may arrive this day
    end: dt.datetime  # aware: arrivals are before this
    people: int
    cumulative: int
    tally: Tally | None  # the tally of this day, if one was published
    period: Tally  # the tally whose period holds this day (its shares and factors apply)


def scaled(count: int, scale: float) -> int:
    """Return `count` people at `scale`: multiplied and rounded."""
    return round(count * scale)


def day_plans(scenario: Scenario, scale: float) -> list[DayPlan]:
    """Return every day of the scenario with its number of people at `scale`."""
    plans: list[DayPlan] = []
    previous_cumulative = 0
    previous_date: dt.date | None = None
    for index, tally in enumerate(scenario.tallies):
        first = tally.date if previous_date is None else previous_date + dt.timedelta(days=1)
        days = [first + dt.timedelta(days=n) for n in range((tally.date - first).days + 1)]
        windows = [_window(scenario, day, first_day=(index == 0 and day == days[0]),
                           tally=tally if day == tally.date else None) for day in days]
        weights = [traffic_weight(scenario, start, end) for start, end in windows]
        target = scaled(tally.cumulative, scale)
        shares = _largest_remainders(target - previous_cumulative, weights)
        cumulative = previous_cumulative
        for day, (start, end), people in zip(days, windows, shares, strict=True):
            cumulative += people
            plans.append(DayPlan(date=day, start=start, end=end, people=people,
                                 cumulative=cumulative,
                                 tally=tally if day == tally.date else None, period=tally))
        previous_cumulative, previous_date = target, tally.date
    return plans


def _window(scenario: Scenario, day: dt.date, *, first_day: bool,
            tally: Tally | None) -> tuple[dt.datetime, dt.datetime]:
    zone = scenario.zone
    opens = scenario.tallies[0].start if first_day else None
    start = dt.datetime.combine(day, opens or dt.time(0), tzinfo=zone)
    if tally is not None and tally.until is not None:
        end = dt.datetime.combine(day, tally.until, tzinfo=zone)
    else:
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def _hours(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Return the parts of local clock hours that [start, end) covers."""
    parts = []
    moment = start
    while moment < end:
        next_hour = moment.replace(minute=0, second=0, microsecond=0) + HOUR
        parts.append((moment, min(next_hour, end)))
        moment = next_hour
    return parts


def traffic_weight(scenario: Scenario, start: dt.datetime, end: dt.datetime) -> float:
    """Return the traffic over [start, end): hourly weights times the covered fractions."""
    return sum(scenario.hourly[a.hour] * (b - a) / HOUR for a, b in _hours(start, end))


class ArrivalClock:
    """Draw arrival moments within a window, as busy as the traffic of each hour."""

    def __init__(self, scenario: Scenario, start: dt.datetime, end: dt.datetime) -> None:
        self.parts = _hours(start, end)
        weights = [scenario.hourly[a.hour] * (b - a) / HOUR for a, b in self.parts]
        if not any(weights):  # a window in hours without traffic: spread evenly
            weights = [(b - a) / HOUR for a, b in self.parts]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> dt.datetime:
        """Return an aware UTC moment in the window, to the second."""
        (start, end), = rng.choices(self.parts, cum_weights=self.cumulative)
        seconds = int((end - start).total_seconds())
        moment = start + dt.timedelta(seconds=rng.randrange(max(seconds, 1)))
        return moment.astimezone(dt.UTC)


def uniform_moment(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """Return an aware UTC moment in [start, end), to the second."""
    seconds = int((end - start).total_seconds())
    return (start + dt.timedelta(seconds=rng.randrange(max(seconds, 1)))).astimezone(dt.UTC)


def _largest_remainders(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` into whole numbers that add up to it."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        shares = [0] * len(weights)
        if weights and total > 0:
            shares[-1] = total
        return shares
    exact = [total * w / weight_sum for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def split_by_weight(total: int, weights: list[float]) -> list[int]:
    """Split `total` into whole numbers in proportion to `weights` (largest remainders)."""
    return _largest_remainders(total, weights)
