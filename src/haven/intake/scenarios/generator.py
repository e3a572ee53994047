"""Generate a scenario's people day by day, deterministically from a seed.

`scenario_days(scenario, scale=0.1, seed=2023)` yields one `SimulatedDay` per day: the
households that cross the border that day (exactly the day's share of the scaled
tallies), each with its arrival time, its onward hub and time, and the second
registrations planted among that day's people. Nothing here touches the database: the
replay registers what this module plans, and the same seed always plans the same.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from haven.intake.scenarios.model import Convoy, Scenario, ScenarioSite, Settlement
from haven.intake.scenarios.people import ADULT, HouseholdComposer, Member
from haven.intake.scenarios.timeline import (
    ArrivalClock,
    DayPlan,
    day_plans,
    scaled,
    split_by_weight,
    traffic_weight,
    uniform_moment,
)
from haven.intake.scenarios.writing import Hand, Scribe, Written
from haven.registry.vocabulary import Relationship

MAX_SCALE = 10.0


@dataclass
class PlannedHousehold:
    """A household's first registration, at the border, and where it goes next."""

    true_id: str
    site: str
    arrived_at: dt.datetime  # aware, UTC
    place_of_origin: str
    phone: str
    members: list[Member]
    written: list[Written]
    hand: Hand
    hub: str
    hub_arrived_at: dt.datetime
    settlement: Settlement
    phone_digits: str
    convoy: str = ""


@dataclass
class PlannedDuplicate:
    """A second registration, at a hub, of some of a household's people."""

    original: PlannedHousehold
    site: str
    arrived_at: dt.datetime
    place_of_origin: str
    phone: str
    members: list[Member]
    written: list[Written]
    notes: list[str]


@dataclass
class SimulatedDay:
    plan: DayPlan
    households: list[PlannedHousehold]
    duplicates: list[PlannedDuplicate]
    children: int  # among this day's people, by their birth dates as written

    @property
    def date(self) -> dt.date:
        return self.plan.date

    @property
    def people(self) -> int:
        return self.plan.people


def scenario_days(scenario: Scenario, *, scale: float, seed: int) -> Iterator[SimulatedDay]:
    """Yield the scenario's days with their households, at `scale`, from `seed`."""
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(f"scale must be above 0 and at most {MAX_SCALE:g}")
    yield from _Generator(scenario, scale=scale, seed=seed).days()


class _Generator:
    def __init__(self, scenario: Scenario, *, scale: float, seed: int) -> None:
        self.scenario = scenario
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 - synthetic people, not secrets
        self.composer = HouseholdComposer(scenario, self.rng)
        self.scribe = Scribe(scenario, self.rng)
        self.plans = day_plans(scenario, scale)
        self.casualties = self._casualties_by_day()
        self.people = 0
        self.households = 0
        self.duplicated = 0
        self.settlement_weights = [s.weight for s in scenario.settlements]

    def days(self) -> Iterator[SimulatedDay]:
        for plan in self.plans:
            households = self._households(plan)
            duplicates = self._duplicates(plan, households)
            children = sum(m.child for h in households for m in h.members)
            yield SimulatedDay(plan=plan, households=households, duplicates=duplicates,
                               children=children)

    # ---------------------------------------------------------------- households
    def _households(self, plan: DayPlan) -> list[PlannedHousehold]:
        rng, scenario = self.rng, self.scenario
        clock = ArrivalClock(scenario, plan.start, plan.end)
        convoys = {c: scaled(c.people, self.scale) for c in scenario.convoys
                   if c.date == plan.date}
        drafts: list[tuple[dt.datetime, list[Member], Convoy | None]] = []
        remaining = plan.people
        while remaining > 0:
            size = min(self.composer.size(), remaining)
            members = self.composer.compose(size, day=plan.date,
                                            share=plan.period.children_share,
                                            care=plan.period.care_factor)
            remaining -= len(members)  # minors alone come in threes at most
            convoy = next((c for c, left in convoys.items() if left > 0), None)
            if convoy is not None:
                convoys[convoy] -= len(members)
                arrived = self._convoy_moment(plan, convoy)
            else:
                arrived = clock.draw(rng)
            drafts.append((arrived, members, convoy))
        drafts.sort(key=lambda d: d[0])
        for _arrived, members, _convoy in drafts:
            for member in members:
                self.people += 1
                member.true_id = f"{scenario.id_prefix}-P{self.people:06d}"
        self._casualties_assign(plan, drafts)
        return [self._household(arrived, members, convoy)
                for arrived, members, convoy in drafts]

    def _convoy_moment(self, plan: DayPlan, convoy: Convoy) -> dt.datetime:
        zone = self.scenario.zone
        start = max(plan.start, dt.datetime.combine(convoy.date, convoy.start, tzinfo=zone))
        end = min(plan.end, dt.datetime.combine(convoy.date, convoy.until, tzinfo=zone))
        return uniform_moment(self.rng, start, end if end > start else plan.end)

    def _household(self, arrived: dt.datetime, members: list[Member],
                   convoy: Convoy | None) -> PlannedHousehold:
        rng, scenario, spec = self.rng, self.scenario, self.scenario.households
        self.households += 1
        hand = self.scribe.hand()
        if convoy is not None:
            settlement = next((s for s in scenario.settlements
                               if s.names["latin"] == convoy.origin),
                              scenario.settlements[0])
        else:
            settlement = rng.choices(scenario.settlements, weights=self.settlement_weights)[0]
        digits = ""
        if rng.random() < spec.phone:
            prefixes = list(spec.phone_prefixes)
            prefix = rng.choices(prefixes, weights=[spec.phone_prefixes[p]
                                                    for p in prefixes])[0]
            digits = f"{prefix}{rng.randrange(10**6):06d}"
        hub, hub_arrived = self._onward(arrived, convoy)
        return PlannedHousehold(
            true_id=f"{scenario.id_prefix}-H{self.households:06d}",
            site=scenario.border.slug, arrived_at=arrived,
            place_of_origin=self.scribe.place(settlement, hand),
            phone=self.scribe.phone(digits), members=members,
            written=[self.scribe.write(m, hand) for m in members], hand=hand,
            hub=hub.slug, hub_arrived_at=hub_arrived, settlement=settlement,
            phone_digits=digits, convoy=convoy.note if convoy else "",
        )

    def _onward(self, arrived: dt.datetime,
                convoy: Convoy | None) -> tuple[ScenarioSite, dt.datetime]:
        """Return the hub the household goes on to and when it arrives there."""
        rng = self.rng
        options: list[tuple[ScenarioSite, dt.datetime]] = []
        for hub in self.scenario.hubs:
            delay = hub.delay_hours
            assert delay is not None  # noqa: S101 - the loader gives every hub a delay
            hours = rng.triangular(delay.low, delay.high, delay.mode)
            moment = arrived + dt.timedelta(seconds=round(hours * 3600))
            if convoy is not None and hub.slug == convoy.hub:
                return hub, moment
            if hub.opens is None or moment >= hub.opens:
                options.append((hub, moment))
        if not options:  # every hub opens later: the first one takes them in when it opens
            first = min(self.scenario.hubs, key=lambda h: h.opens or arrived)
            assert first.opens is not None  # noqa: S101 - no option means every hub opens later
            return first, first.opens.astimezone(dt.UTC)
        return rng.choices(options, weights=[hub.share for hub, _ in options])[0]

    # ---------------------------------------------------------------- casualties
    def _casualties_by_day(self) -> dict[tuple[int, dt.date], int]:
        """Share each casualty group among its days, by the people expected in its window."""
        counts: dict[tuple[int, dt.date], int] = {}
        for index, group in enumerate(self.scenario.casualties):
            weights = []
            for plan in self.plans:
                start, end = max(plan.start, group.start), min(plan.end, group.until)
                day_traffic = traffic_weight(self.scenario, plan.start, plan.end)
                inside = traffic_weight(self.scenario, start, end) if end > start else 0.0
                weights.append(plan.people * inside / day_traffic if day_traffic else 0.0)
            shares = split_by_weight(scaled(group.people, self.scale), weights)
            for plan, share in zip(self.plans, shares, strict=True):
                counts[index, plan.date] = share
        return counts

    def _casualties_assign(self, plan: DayPlan,
                           drafts: list[tuple[dt.datetime, list[Member], Convoy | None]]
                           ) -> None:
        for index, group in enumerate(self.scenario.casualties):
            wanted = self.casualties.get((index, plan.date), 0)
            if not wanted:
                continue
            inside = [m for arrived, members, _ in drafts if group.start <= arrived < group.until
                      for m in members]
            for member in self.rng.sample(inside, min(wanted, len(inside))):
                member.vulnerabilities.extend(c for c in group.codes
                                              if c not in member.vulnerabilities)

    # ---------------------------------------------------------------- duplicates
    def _duplicates(self, plan: DayPlan,
                    households: list[PlannedHousehold]) -> list[PlannedDuplicate]:
        """Plant second registrations so that they are `rate` of the people so far."""
        rng, spec = self.rng, self.scenario.duplicates
        needed = round(plan.cumulative * spec.rate) - self.duplicated
        duplicates: list[PlannedDuplicate] = []
        for index in rng.sample(range(len(households)), len(households)):
            if needed <= 0:
                break
            household = households[index]
            shape = _draw(rng, spec.shapes)
            chosen = _shape(household, shape, rng)[:needed]
            change = _draw(rng, spec.names)
            hand = self.scribe.other_hand(household.hand, change)
            written, notes = [], []
            for position, relationship in chosen:
                text, note = self.scribe.rewrite(
                    household.members[position], household.written[position], hand,
                    change=change, relationship=relationship)
                written.append(text)
                notes.append(f"shape={shape};{note}")
            hours = rng.triangular(spec.delay_hours.low, spec.delay_hours.high,
                                   spec.delay_hours.mode)
            phone = self.scribe.phone(household.phone_digits) \
                if rng.random() < spec.keep_phone else ""
            duplicates.append(PlannedDuplicate(
                original=household, site=household.hub,
                arrived_at=household.hub_arrived_at + dt.timedelta(seconds=round(hours * 3600)),
                place_of_origin=self.scribe.place(household.settlement, hand), phone=phone,
                members=[household.members[p] for p, _ in chosen], written=written,
                notes=notes,
            ))
            needed -= len(chosen)
            self.duplicated += len(chosen)
        duplicates.sort(key=lambda d: d.arrived_at)
        return duplicates


def _shape(household: PlannedHousehold, shape: str,
           rng: random.Random) -> list[tuple[int, str]]:
    """Return (member position, relationship in the new household) for who registers again.

    `person`: one adult alone, as head. `parent_with_children`: the spouse, now head,
    with the minor children. Otherwise, or when the household has no such people, the
    whole household as it was.
    """
    members = household.members
    if shape == "person":
        adults = [i for i, m in enumerate(members) if m.age >= ADULT] or [0]
        return [(rng.choice(adults), Relationship.HEAD)]
    if shape == "parent_with_children":
        spouse = next((i for i, m in enumerate(members)
                       if m.relationship == Relationship.SPOUSE), None)
        minors = [i for i, m in enumerate(members)
                  if m.relationship == Relationship.CHILD and m.age < ADULT]
        if spouse is not None and minors:
            return [(spouse, Relationship.HEAD), *((i, Relationship.CHILD) for i in minors)]
    return [(i, m.relationship) for i, m in enumerate(members)]


def _draw(rng: random.Random, weights: dict[str, float]) -> str:
    names = [k for k, w in weights.items() if w > 0]
    return rng.choices(names, weights=[weights[k] for k in names])[0]
