"""Reception's demo: shelter units at Goris and Vayk, and the transport of 28 September 2023.

On 28 September 2023, 46 Yerevan buses moved 1,560 people from Stepanakert to Goris, and
23 ambulances brought back 23 severely injured people. The demo registers the buses'
passengers as their households crossed at Kornidzor, plans each bus run with its
manifest, and records its arrival at Goris (two passengers on the manifests did not
arrive: they are flagged for tracing); each ambulance carries one patient to a
hospital. Families of the first buses are placed in the Goris theatre's halls.

Loading twice changes nothing: units are matched by site and name, sites by slug, and a
run is created only when no run has its reference.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from haven.accounts.access import Actor
from haven.accounts.models import User
from haven.core import clock
from haven.core.errors import ValidationFailed
from haven.reception.models import Run, ShelterUnit, Vehicle
from haven.reception.services import (
    RunInput,
    UnitInput,
    passengers_add,
    placement_create,
    run_arrive,
    run_create,
    run_depart,
    unit_create,
    vehicle_create,
)
from haven.registry.models import Site
from haven.registry.services import HouseholdInput, MemberInput, households_register

DAY = dt.date(2023, 9, 28)
YEREVAN = dt.timezone(dt.timedelta(hours=4))
BUSES = 46
BUS_PASSENGERS = 1560  # who arrived; the manifests hold NO_SHOWS more
NO_SHOWS = 2
AMBULANCES = 23
PLACED_BUSES = 12  # the families of the first buses get beds at the Goris theatre

HOSPITALS = [
    {"slug": "goris-medical-centre", "kind": "hospital", "name_en": "Goris Medical Centre",
     "name_hy": "Գորիսի բժշկական կենտրոն", "name_ru": "Горисский медицинский центр",
     "settlement": "Goris", "province": "Syunik"},
    {"slug": "yerevan-burn-centre", "kind": "hospital", "name_en": "National Burn Centre",
     "name_hy": "Այրվածքաբանության ազգային կենտրոն", "name_ru": "Национальный ожоговый центр",
     "settlement": "Yerevan", "province": "Yerevan"},
]
# (site, unit, beds, beds a wheelchair reaches): the hubs' capacities, as rooms.
UNITS = [
    ("goris", "Auditorium", 600, 20), ("goris", "Foyer", 300, 40),
    ("goris", "School No. 2 gym", 300, 10),
    ("vayk", "Sports hall", 400, 30), ("vayk", "Classrooms", 200, 0),
]
FAMILY = ["Vardanyan", "Harutyunyan", "Grigoryan", "Petrosyan", "Hovhannisyan", "Sargsyan",
          "Avetisyan", "Babayan", "Hakobyan", "Mkrtchyan", "Karapetyan", "Gasparyan"]
WOMEN = ["Anahit", "Narine", "Mariam", "Gayane", "Lusine", "Hasmik", "Armine", "Siranush"]
MEN = ["Tigran", "Armen", "Hovhannes", "Davit", "Sergey", "Aram", "Gevorg", "Vardan"]


@dataclass(frozen=True)
class ReceptionDemo:
    units_created: int
    bus_runs_created: int
    ambulance_runs_created: int


def _at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=YEREVAN)


def _family(rng: random.Random, size: int) -> list[MemberInput]:
    family = rng.choice(FAMILY)
    men, women = rng.sample(MEN, len(MEN)), rng.sample(WOMEN, len(WOMEN))  # no name twice
    members = [MemberInput(given_name=men.pop(), family_name=family, sex="male",
                           birth_date=str(rng.randint(1940, 1995)), relationship="head")]
    for index in range(1, size):
        woman = index % 2 == 1
        members.append(MemberInput(
            given_name=(women if woman else men).pop(), family_name=family,
            sex="female" if woman else "male",
            birth_date=str(rng.randint(1945, 1995) if index == 1 else rng.randint(2005, 2023)),
            relationship="spouse" if index == 1 else "child"))
    return members


def bus_loads(rng: random.Random, *, buses: int = BUSES,
              passengers: int = BUS_PASSENGERS) -> list[list[int]]:
    """Return each bus's families (their sizes), so that the buses carry `passengers`."""
    per_bus = [passengers // buses + (1 if n < passengers % buses else 0) for n in range(buses)]
    loads = []
    for seats in per_bus:
        sizes: list[int] = []
        while sum(sizes) < seats:
            sizes.append(min(seats - sum(sizes), rng.choice([1, 2, 3, 3, 4, 4, 5, 6])))
        loads.append(sizes)
    return loads


def _units(actor: Actor) -> int:
    created = 0
    for slug, name, beds, accessible in UNITS:
        if Site.objects.filter(slug=slug).exists() and \
                not ShelterUnit.objects.filter(site__slug=slug, name=name).exists():
            unit_create(actor=actor, site=slug, unit=UnitInput(name=name, beds=beds,
                                                               accessible_beds=accessible))
            created += 1
    return created


def _vehicle(actor: Actor, kind: str, plate: str, capacity: int, operator: str) -> str:
    if not Vehicle.objects.filter(plate=plate).exists():
        vehicle_create(actor=actor, kind=kind, plate=plate, capacity=capacity, operator=operator)
    return plate


def _bus_run(actor: Actor, number: int, sizes: list[int], rng: random.Random, *,
             no_show: bool) -> list[str]:
    """Register a bus's families at the border, plan its run and record its arrival."""
    reference = f"{DAY.isoformat()} Stepanakert-Goris bus {number:02d}"
    plate = _vehicle(actor, "bus", f"YB{number:03d}", 45, "Yerevan city buses")
    left, crossed, arrived = (_at(6, 30) + dt.timedelta(minutes=7 * number),
                              _at(14, 0) + dt.timedelta(minutes=7 * number),
                              _at(17, 0) + dt.timedelta(minutes=7 * number))
    households = [HouseholdInput(site="kornidzor", members=_family(rng, size),
                                 place_of_origin="Stepanakert", arrived_at=crossed)
                  for size in sizes]
    with clock.frozen_at(crossed):
        outcome = households_register(actor=actor, households=households)
    if outcome.errors:  # the demo's own families are valid: a refusal is a bug to see
        raise ValidationFailed(next(iter(outcome.errors.values())))
    codes = [h.code for h in outcome.households if h is not None]
    with clock.frozen_at(left):
        run = run_create(actor=actor, run=RunInput(
            vehicle=plate, destination="goris", origin_place="Stepanakert", reference=reference,
            planned_departure=left, planned_arrival=arrived))
        names = [("Karine", "Avanesyan")] if no_show else []
        passengers_add(actor=actor, run=str(run.id), codes=codes, names=names)
        run_depart(actor=actor, run=str(run.id), at=left)
    with clock.frozen_at(arrived + dt.timedelta(minutes=20)):
        run_arrive(actor=actor, run=str(run.id), at=arrived,
                   absent=[str(run.passengers.count())] if no_show else [])
    return codes


def _ambulance_run(actor: Actor, number: int, rng: random.Random) -> None:
    reference = f"{DAY.isoformat()} Stepanakert ambulance {number:02d}"
    plate = _vehicle(actor, "ambulance", f"AMB{number:03d}", 2, "Ministry of Health")
    burned = number % 3 != 0  # most were burned at the Berkadzor fuel depot
    hospital = "yerevan-burn-centre" if burned else "goris-medical-centre"
    left, crossed, arrived = (_at(5) + dt.timedelta(minutes=20 * number),
                              _at(9) + dt.timedelta(minutes=20 * number),
                              _at(12) + dt.timedelta(minutes=20 * number))
    patient = _family(rng, 1)
    patient[0].vulnerabilities = ["burns"] if burned else ["injured"]
    with clock.frozen_at(crossed):
        household = households_register(actor=actor, households=[HouseholdInput(
            site="kornidzor", members=patient, place_of_origin="Stepanakert",
            arrived_at=crossed)]).households[0]
    assert household is not None  # noqa: S101 - the demo's own data is valid
    with clock.frozen_at(left):
        run = run_create(actor=actor, run=RunInput(
            vehicle=plate, destination=hospital, hospital=hospital, origin_place="Stepanakert",
            reference=reference, planned_departure=left, planned_arrival=arrived))
        passengers_add(actor=actor, run=str(run.id), codes=[household.code])
    with clock.frozen_at(arrived):
        run_arrive(actor=actor, run=str(run.id), at=arrived)


def reception_demo_load(*, seed: int = 928) -> ReceptionDemo:
    """Create what is not there yet: hospitals, units, the day's bus and ambulance runs."""
    coordinator = User.objects.filter(username="coordinator").first()
    if coordinator is None or Site.objects.filter(slug__in=["kornidzor", "goris"]).count() != 2:
        return ReceptionDemo(0, 0, 0)
    actor = Actor(user=coordinator, channel="scenario")
    for spec in HOSPITALS:
        Site.objects.get_or_create(slug=spec["slug"], defaults=spec)
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    with clock.frozen_at(_at(5)):
        units = _units(actor)
    loads = bus_loads(rng)
    buses = ambulances = 0
    for number, sizes in enumerate(loads, start=1):
        if Run.objects.filter(reference=f"{DAY.isoformat()} Stepanakert-Goris bus "
                                        f"{number:02d}").exists():
            continue
        with transaction.atomic():
            codes = _bus_run(actor, number, sizes, rng, no_show=number in {9, 31})
            if number <= PLACED_BUSES:
                with clock.frozen_at(_at(19) + dt.timedelta(minutes=5 * number)):
                    for code in codes:
                        placement_create(actor=actor, household=code, site="goris")
        buses += 1
    for number in range(1, AMBULANCES + 1):
        if Run.objects.filter(reference=f"{DAY.isoformat()} Stepanakert ambulance "
                                        f"{number:02d}").exists():
            continue
        with transaction.atomic():
            _ambulance_run(actor, number, rng)
        ambulances += 1
    return ReceptionDemo(units, buses, ambulances)
