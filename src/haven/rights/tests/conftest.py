"""A person with a canary in every personal field Haven stores, in every app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from haven.accounts.models import User
from haven.core import clock
from haven.documentation import testimonies as statements
from haven.linkage.models import MatchCandidate
from haven.linkage.services import person_merge
from haven.protection.services import (
    CasualtyInput,
    IncidentInput,
    LeftBehindInput,
    ReferralInput,
    casualty_record,
    incident_create,
    left_behind_register,
    referral_create,
)
from haven.reception.services import (
    RunInput,
    UnitInput,
    passengers_add,
    placement_create,
    run_create,
    unit_create,
    vehicle_create,
)
from haven.registry.models import Person, Site
from haven.registry.services import arrival_record
from haven.testing.factories import actor_for, member

# Every personal text holds CANARY (the scan ignores case: name keys are lower case);
# every number holds DIGITS. Neither occurs in Haven's code, schema or demo data.
CANARY = b"anarikz"
DIGITS = b"918273"


@dataclass
class Subject:
    code: str  # the person's code
    twin_code: str  # their second record, merged into the first
    household_code: str
    other_code: str  # a stranger, registered at the same site, who must survive
    ids: list[str]


@pytest.fixture
def subject(users: dict[str, User], make_household: Any) -> Subject:
    """Register the canary person twice (merged), with every kind of record about them."""
    return register_subject(users, make_household)


def register_subject(users: dict[str, User], make_household: Any) -> Subject:
    """Register the canary person (see `subject`); also run by the byte-scan's subprocess."""
    coordinator = actor_for(users["coordinator"])
    officer = User.objects.create(username="protection-goris-2", role="protection_officer")
    officer.sites.set([Site.objects.get(slug="goris")])
    household = make_household(
        site="goris", place_of_origin="Qanarikzavan", phone="+374 77 918273",
        members=[member(given_name="Qanarikzu", family_name="Kanarikzyan",
                        patronymic="Qanarikzovna", document_type="passport",
                        document_number="AN918273", vulnerabilities=["injured", "pregnant"])])
    person = household.members.get()
    twin = make_household(site="vayk", members=[member(
        given_name="Qanarikzu", family_name="Канарикзян", document_type="passport",
        document_number="918273")]
    ).members.get()
    other = make_household(site="goris", members=[member(given_name="Narine",
                                                          family_name="Sargsyan")])
    stranger = other.members.get()
    arrival_record(actor=coordinator, person=person.code, site="kornidzor")
    MatchCandidate.objects.create(left_id=min(person.id, stranger.id),
                                  right_id=max(person.id, stranger.id), probability=0.3,
                                  created_at=clock.now(), updated_at=clock.now())
    person_merge(actor=coordinator, person=twin.code, into=person.code)
    referral_create(actor=coordinator, referral=ReferralInput(
        person=person.code, service="psychosocial", to_site="goris", from_site="goris",
        urgency="routine", consent=True, notes="Qanarikz note", reason="Qanarikz reason"))
    incident = incident_create(actor=coordinator, incident=IncidentInput(
        kind="explosion", name="Berkadzor", occurred_on=dt.date(2023, 9, 25), place="Berkadzor"))
    casualty_record(actor=coordinator, casualty=CasualtyInput(
        incident=str(incident.id), kind="injured", site="goris", person=person.code,
        marks="Qanarikz tattoo", injuries="burns"))
    left_behind_register(actor=coordinator, entry=LeftBehindInput(
        site="goris", given_name="Siranush", family_name="Avetisyan",
        reported_on=dt.date(2025, 12, 1), relatives=[person.code]))
    statements.testimony_record(actor=actor_for(officer), testimony=statements.TestimonyInput(
        site="goris", given_on=dt.date(2023, 9, 29), witness=person.code,
        statement="Qanarikz said we left on the 26th.", consent_internal=True))
    unit_create(actor=coordinator, site="goris", unit=UnitInput(name="Hall", beds=60))
    placement_create(actor=coordinator, household=household.code, site="goris", unit="Hall")
    vehicle_create(actor=coordinator, kind="bus", plate="35LL918", capacity=50)
    run = run_create(actor=coordinator, run=RunInput(vehicle="35LL918", destination="goris",
                                                     origin_place="Stepanakert"))
    passengers_add(actor=coordinator, run=str(run.id), codes=[person.code])
    ids = [str(person.id), str(twin.id), str(household.id), str(twin.household_id)]
    return Subject(code=person.code, twin_code=twin.code, household_code=household.code,
                   other_code=stranger.code, ids=ids)


def person_of(code: str) -> Person | None:
    return Person.objects.filter(code=code).first()

