"""A small registry with every figure worked out by hand (see `registry` below)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from haven.core import clock
from haven.protection.services import CasualtyInput, IncidentInput, casualty_record, incident_create
from haven.registry.models import Person, PersonVulnerability
from haven.registry.services import arrival_record
from haven.testing.factories import actor_for, member

YEREVAN = dt.timezone(dt.timedelta(hours=4))


def local(day: int, hour: int, minute: int = 0, month: int = 9) -> dt.datetime:
    return dt.datetime(2023, month, day, hour, minute, tzinfo=YEREVAN)


@pytest.fixture
def registry(sites, users, make_household) -> dict[str, Any]:
    """Three households; two registrations of one woman, merged; worked-out figures.

    24 Sep 10:00 Kornidzor, household A: Anahit (F, 1948: 60+), Tigran (M, 2010-05: 5-17),
        Nare (F, 2021: 0-4).
    24 Sep 22:30 UTC = 25 Sep 02:30 local, Kornidzor, household B: Aram (M, 1990: 18-59,
        injured, deceased), and a person of unknown sex and age (two disabilities).
    The casualty register (haven.protection), 25 Sep at Kornidzor: Aram dead, and an
        unidentified man injured: the report's one death and one injured.
    25 Sep 12:00 Goris, household C: Anahit registered again (1948), merged into A's Anahit.
    25 Sep 15:00 Goris: A's three members arrive onward.

    Report for 25 Sep: 5 persons, 6 registrations; 24 Sep: 3 and 3.
    """
    a = make_household(site="kornidzor", arrived_at=local(24, 10), members=[
        member(given_name="Anahit", sex="female", birth_date="1948"),
        member(given_name="Tigran", sex="male", birth_date="2010-05", relationship="child"),
        member(given_name="Nare", sex="female", birth_date="2021", relationship="grandchild"),
    ])
    b = make_household(site="kornidzor",
                       arrived_at=dt.datetime(2023, 9, 24, 22, 30, tzinfo=dt.UTC), members=[
        member(given_name="Aram", family_name="Petrosyan", sex="male", birth_date="1990",
               vulnerabilities=["injured"]),
        member(given_name="Somebody", family_name="Petrosyan", sex="unknown", birth_date="",
               relationship="other_relative",
               vulnerabilities=["disability_seeing", "disability_hearing"]),
    ])
    c = make_household(site="goris", arrived_at=local(25, 12), members=[
        member(given_name="Анаит", family_name="Варданян", sex="female", birth_date="1948"),
    ])
    anahit = a.members.get(given_name="Anahit")
    again = c.members.get()
    Person.objects.filter(pk=again.pk).update(merged_into=anahit)
    Person.objects.filter(given_name="Aram").update(status="deceased")
    for person in a.members.all():
        arrival_record(actor=actor_for(users["coordinator"]), person=person.code, site="goris",
                       arrived_at=local(25, 15))
    assert PersonVulnerability.objects.count() == 3
    coordinator = actor_for(users["coordinator"])
    with clock.frozen_at(local(26, 9)):
        depot = incident_create(actor=coordinator, incident=IncidentInput(
            kind="explosion", name="Fuel depot", occurred_on=dt.date(2023, 9, 25),
            place="Berkadzor"))
        for kind, person in (("dead", b.members.get(given_name="Aram").code), ("injured", "")):
            casualty_record(actor=coordinator, casualty=CasualtyInput(
                incident=str(depot.id), kind=kind, site="kornidzor", person=person))
    return {"a": a, "b": b, "c": c, "anahit": anahit, "again": again}
