"""Replay a scenario into the database through the registry's own services.

`scenario_run(name="karabakh-2023", scale=0.1)` generates the scenario's people and
registers them the way the clerks would have: households at the border through
`households_register` (batches of at most 500, in order of arrival, hour by hour), each
household's onward arrival at its hub through `arrivals_record`, and the planted second
registrations at the hubs through `households_register` again. The clock is frozen at
the simulated time of each batch, so records and audit events carry the scenario's
dates.

A replay goes into a database that holds no replayed households yet: it refuses with
Conflict otherwise (replaying twice would double every figure, and the demo's own
households would blur the tallies). The truth (which registrations are the same
person) goes to ``<HAVEN_VAR_DIR>/scenarios/<name>-truth.csv``, never into the database:
the linkage engine must find the duplicates from the data alone. A replay is one
transaction: interrupted, it leaves nothing, and runs again from the start.
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from haven.accounts.access import Actor
from haven.accounts.models import User
from haven.accounts.services import user_create
from haven.core import clock
from haven.core.errors import Conflict, ValidationFailed
from haven.intake.scenarios.generator import (
    MAX_SCALE,
    PlannedDuplicate,
    PlannedHousehold,
    scenario_days,
)
from haven.intake.scenarios.model import Scenario, scenario_load
from haven.intake.scenarios.timeline import HOUR, scaled
from haven.intake.scenarios.writing import Written
from haven.registry.models import Household, Person, Site
from haven.registry.services import (
    HouseholdInput,
    MemberInput,
    arrivals_record,
    households_register,
)
from haven.registry.vocabulary import Channel

BATCH_HOUSEHOLDS = 500
BATCH_ARRIVALS = 2000
TRUTH_COLUMNS = ["person_code", "household_code", "true_person_id", "true_household_id",
                 "registration", "duplicate_of", "site", "arrived_at", "script", "child",
                 "variation"]


@dataclass(frozen=True)
class ReplayProgress:
    date: dt.date
    people: int  # people registered at the border so far
    total: int


@dataclass
class DayFigures:
    """One day of the replay, by local date."""

    date: dt.date
    people: int = 0  # who crossed the border this day
    people_cumulative: int = 0
    target: int | None = None  # the scaled tally of this day, if one was published
    registrations: int = 0  # persons registered this day: at the border and again at hubs
    registrations_cumulative: int = 0
    duplicates: int = 0  # second registrations among them
    children_cumulative: int = 0
    onward: dict[str, int] = field(default_factory=dict)  # hub -> arrivals this day


@dataclass
class ReplaySummary:
    scenario: str
    scale: float
    seed: int
    days: list[DayFigures]
    households: int
    people: int
    registrations: int
    duplicates: int
    children: int
    truth_path: Path
    seconds: float


def scenario_run(
    *, name: str, scale: float = 1.0, seed: int | None = None,
    progress: Callable[[ReplayProgress], None] | None = None,
    clerk_password: str | None = None, truth_dir: Path | None = None,
) -> ReplaySummary:
    """Replay the scenario `name` at `scale` into the database and write its truth file.

    Sites and clerk accounts the scenario names are created when missing (clerks without
    a password can only use tokens, unless `clerk_password` is given). Raise Conflict if
    the database already holds replayed households, ValidationFailed for a bad scale or
    scenario file, NotFound for an unknown scenario.
    """
    started = time.monotonic()
    scenario = replay_check(name=name, scale=scale)
    seed = scenario.seed if seed is None else seed
    actors = _actors(scenario, clerk_password)
    folder = truth_dir or Path(settings.VAR_DIR) / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    truth_path = folder / f"{scenario.name}-truth.csv"
    partial = truth_path.with_name(truth_path.name + ".partial")
    # All or nothing: a replay killed half-way (power cut, kill -9) leaves no replayed
    # household behind, so running it again is not refused as "already replayed" and
    # replays it whole. The truth file takes its place before the commit: a crash between
    # the two leaves a truth file the next replay overwrites, never a replay without one.
    with transaction.atomic(), partial.open("w", newline="", encoding="utf-8") as handle:
        run = _Replay(scenario, actors, csv.writer(handle), scale=scale, progress=progress)
        run.replay(scenario_days(scenario, scale=scale, seed=seed))
        handle.flush()
        partial.replace(truth_path)
    return run.summary(scale=scale, seed=seed, truth_path=truth_path,
                       seconds=time.monotonic() - started)


def replay_check(*, name: str, scale: float) -> Scenario:
    """Return the scenario `name` if it can be replayed at `scale` into this database.

    Raise NotFound for an unknown scenario, ValidationFailed for a bad file or scale,
    Conflict if the database already holds replayed households.
    """
    scenario = scenario_load(name)
    if not 0 < scale <= MAX_SCALE:
        raise ValidationFailed.single("scale", f"must be above 0 and at most {MAX_SCALE:g}")
    if Household.objects.filter(channel=Channel.SCENARIO).exists():
        raise Conflict("this database already holds replayed households (an earlier replay "
                       "or `haven demo`); replay into a fresh database: set HAVEN_VAR_DIR or "
                       "HAVEN_DATABASE_URL to a new one and run `haven migrate`")
    return scenario


def _actors(scenario: Scenario, clerk_password: str | None) -> dict[str, Actor]:
    """Return the clerk of each site as an Actor, creating missing sites and clerks."""
    actors = {}
    for spec in scenario.sites:
        site, _ = Site.objects.get_or_create(slug=spec.slug, defaults={
            "kind": spec.kind, "name_en": spec.name_en, "name_hy": spec.name_hy,
            "name_ru": spec.name_ru, "settlement": spec.settlement, "province": spec.province,
            "capacity": spec.capacity,
        })
        user = User.objects.filter(username=spec.clerk).first()
        if user is None:
            user = user_create(actor=None, username=spec.clerk, role="registrar",
                               sites=[spec.slug], password=clerk_password)
        actor = Actor(user=user, channel=Channel.SCENARIO)
        if not site.is_active or not actor.may_act_for_site(site.id):
            raise Conflict(f"the scenario's clerk {spec.clerk!r} cannot register at site "
                           f"{spec.slug!r} (inactive site, or the user acts for other sites)")
        actors[spec.slug] = actor
    return actors


@dataclass(order=True)
class _Event:
    at: dt.datetime
    sequence: int
    kind: str = field(compare=False)  # "onward" or "again"
    item: Any = field(compare=False)


class _Replay:
    """Register planned days hour by hour; keep the counts and write the truth."""

    def __init__(self, scenario: Scenario, actors: dict[str, Actor], truth: Any, *,
                 scale: float, progress: Callable[[ReplayProgress], None] | None) -> None:
        self.scenario = scenario
        self.scale = scale
        self.actors = actors
        self.truth = truth
        self.truth.writerow(TRUTH_COLUMNS)
        self.progress = progress
        self.total = scaled(scenario.people, scale)
        self.pending: list[_Event] = []
        self.sequence = itertools.count()
        self.frozen = dt.datetime.min.replace(tzinfo=dt.UTC)
        self.codes: dict[str, str] = {}  # true person id -> code of the first registration
        self.days: dict[dt.date, DayFigures] = {}
        self.people = self.households = self.registrations = self.duplicates = 0
        self.children = 0

    # ---------------------------------------------------------------- the loop
    def replay(self, days: Iterator[Any]) -> None:
        for day in days:
            figures = self._day(day.date)
            figures.people = day.people
            figures.people_cumulative = day.plan.cumulative
            if day.plan.tally is not None:
                figures.target = scaled(day.plan.tally.cumulative, self.scale)
            self.children += day.children
            figures.children_cumulative = self.children
            for duplicate in day.duplicates:
                self._push(duplicate.arrived_at, "again", duplicate)
            households = day.households
            index = 0
            for start in _hours(day.plan.start, day.plan.end):
                end = start + HOUR
                batch = []
                while index < len(households) and households[index].arrived_at < end:
                    batch.append(households[index])
                    index += 1
                for chunk in _chunks(batch, BATCH_HOUSEHOLDS):
                    self._register_border(chunk, day.date)
                self._flush(before=end)
            assert index == len(households)  # noqa: S101 - the hours cover the day's window
        while self.pending:  # onward arrivals and second registrations after the last day
            self._flush(before=_hour_start(self.pending[0].at) + HOUR)

    def _push(self, at: dt.datetime, kind: str, item: Any) -> None:
        heapq.heappush(self.pending, _Event(at, next(self.sequence), kind, item))

    def _flush(self, *, before: dt.datetime) -> None:
        """Process the onward arrivals and second registrations due before `before`."""
        onward: dict[str, list[tuple[Any, dt.datetime]]] = {}
        again: dict[str, list[PlannedDuplicate]] = {}
        while self.pending and self.pending[0].at < before:
            event = heapq.heappop(self.pending)
            if event.kind == "onward":
                hub, person_ids = event.item
                onward.setdefault(hub, []).extend((pid, event.at) for pid in person_ids)
            else:
                again.setdefault(event.item.site, []).append(event.item)
        for hub, arrivals in onward.items():
            for chunk in _chunks(arrivals, BATCH_ARRIVALS):
                self._record_onward(hub, chunk)
        for hub, duplicates in again.items():
            for chunk in _chunks(duplicates, BATCH_HOUSEHOLDS):
                self._register_again(hub, chunk)

    def _freeze_at(self, latest: dt.datetime) -> dt.datetime:
        """Return the moment to freeze the clock at: the batch's latest, never going back."""
        self.frozen = max(self.frozen, latest)
        return self.frozen

    # ---------------------------------------------------------------- registrations
    def _register_border(self, chunk: list[PlannedHousehold], date: dt.date) -> None:
        site = self.scenario.border.slug
        stored = self._register(site, [(h.arrived_at, h.place_of_origin, h.phone, h.written)
                                       for h in chunk], labels=[h.true_id for h in chunk])
        for household, (household_code, persons) in zip(chunk, stored, strict=True):
            for member, written, (_pid, code) in zip(household.members, household.written,
                                                     persons, strict=True):
                self.codes[member.true_id] = code
                self.truth.writerow([code, household_code, member.true_id, household.true_id,
                                     "original", "", site, _iso(household.arrived_at),
                                     written.script, int(member.child), ""])
            self._push(household.hub_arrived_at, "onward",
                       (household.hub, [pid for pid, _code in persons]))
            self._count(household.arrived_at, registrations=len(persons))
        self.households += len(chunk)
        self.people += sum(len(h.members) for h in chunk)
        if self.progress is not None:
            self.progress(ReplayProgress(date=date, people=self.people, total=self.total))

    def _register_again(self, hub: str, chunk: list[PlannedDuplicate]) -> None:
        stored = self._register(hub, [(d.arrived_at, d.place_of_origin, d.phone, d.written)
                                      for d in chunk],
                                labels=[f"{d.original.true_id} again" for d in chunk])
        for duplicate, (household_code, persons) in zip(chunk, stored, strict=True):
            for member, written, note, (_pid, code) in zip(
                    duplicate.members, duplicate.written, duplicate.notes, persons,
                    strict=True):
                self.truth.writerow([code, household_code, member.true_id,
                                     duplicate.original.true_id, "duplicate",
                                     self.codes[member.true_id], hub,
                                     _iso(duplicate.arrived_at), written.script,
                                     int(member.child), note])
            self._count(duplicate.arrived_at, registrations=len(persons),
                        duplicates=len(persons))
        self.households += len(chunk)
        self.duplicates += sum(len(d.members) for d in chunk)

    def _register(self, site: str,
                  households: list[tuple[dt.datetime, str, str, list[Written]]], *,
                  labels: list[str]) -> list[tuple[str, list[tuple[Any, str]]]]:
        """Register households at `site`; return each one's code and its (id, code) pairs."""
        inputs = [HouseholdInput(site=site, members=[_member_input(w) for w in written],
                                 place_of_origin=place, phone=phone, arrived_at=arrived)
                  for arrived, place, phone, written in households]
        with clock.frozen_at(self._freeze_at(max(h[0] for h in households))):
            outcome = households_register(actor=self.actors[site], households=inputs)
        if outcome.errors:
            index, errors = next(iter(outcome.errors.items()))
            raise ValidationFailed({f"{labels[index]} {key}": value
                                    for key, value in errors.items()},
                                   message=f"the scenario made a household that Haven refuses "
                                           f"({labels[index]}); this is a bug in the generator")
        stored = [h for h in outcome.households if h is not None]
        members: dict[Any, list[tuple[int, Any, str]]] = {h.id: [] for h in stored}
        for household_id, position, pk, code in Person.objects.filter(
                household_id__in=list(members)).values_list("household_id", "position",
                                                            "id", "code"):
            members[household_id].append((position, pk, code))
        return [(h.code, [(pk, code) for _p, pk, code in sorted(members[h.id])])
                for h in stored]

    def _record_onward(self, hub: str, arrivals: list[tuple[Any, dt.datetime]]) -> None:
        with clock.frozen_at(self._freeze_at(max(at for _pid, at in arrivals))):
            arrivals_record(actor=self.actors[hub],
                            arrivals=[(pid, hub, at) for pid, at in arrivals])
        for _pid, at in arrivals:
            figures = self._day(_local_date(at, self.scenario))
            figures.onward[hub] = figures.onward.get(hub, 0) + 1

    # ---------------------------------------------------------------- figures
    def _day(self, date: dt.date) -> DayFigures:
        if date not in self.days:
            self.days[date] = DayFigures(date=date)
        return self.days[date]

    def _count(self, at: dt.datetime, *, registrations: int, duplicates: int = 0) -> None:
        figures = self._day(_local_date(at, self.scenario))
        figures.registrations += registrations
        figures.duplicates += duplicates
        self.registrations += registrations

    def summary(self, *, scale: float, seed: int, truth_path: Path,
                seconds: float) -> ReplaySummary:
        days = [self.days[d] for d in sorted(self.days)]
        registrations = people = children = 0
        for figures in days:
            registrations += figures.registrations
            figures.registrations_cumulative = registrations
            # Days after the last arrival (second registrations) carry the totals on.
            people = figures.people_cumulative = max(figures.people_cumulative, people)
            children = figures.children_cumulative = max(figures.children_cumulative, children)
        return ReplaySummary(
            scenario=self.scenario.name, scale=scale, seed=seed, days=days,
            households=self.households, people=self.people,
            registrations=self.registrations, duplicates=self.duplicates,
            children=self.children, truth_path=truth_path, seconds=seconds,
        )


def _member_input(written: Written) -> MemberInput:
    return MemberInput(
        given_name=written.given_name, family_name=written.family_name,
        patronymic=written.patronymic, sex=written.sex, birth_date=written.birth_date,
        estimated_age=written.estimated_age, relationship=written.relationship,
        document_type=written.document_type, document_number=written.document_number,
        vulnerabilities=list(written.vulnerabilities),
    )


def _hours(start: dt.datetime, end: dt.datetime) -> Iterator[dt.datetime]:
    """Yield the start of each clock hour from the one holding `start` until `end`."""
    moment = _hour_start(start)
    while moment < end:
        yield moment
        moment += HOUR


def _hour_start(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _local_date(moment: dt.datetime, scenario: Scenario) -> dt.date:
    return moment.astimezone(scenario.zone).date()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
