"""Demo of care and protection in 2023: the Berkadzor explosion, the road, those left behind.

The register holds the published figures: 218 dead in the fuel depot explosion at
Berkadzor on 25 September 2023, 142 of its burned brought to hospitals in Armenia, and
70 people who died on the road. Loading twice changes nothing: everything is created
only if the explosion is not in the register yet. Called by `haven demo`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from haven.accounts.access import Actor
from haven.accounts.models import User
from haven.accounts.services import user_create
from haven.core import clock
from haven.protection.models import Incident
from haven.protection.services import (
    CasualtyInput,
    IncidentInput,
    LeftBehindInput,
    ReferralInput,
    WelfareCheckInput,
    casualty_record,
    incident_create,
    left_behind_register,
    left_behind_transfer,
    referral_accept,
    referral_create,
    welfare_check_record,
)
from haven.registry.selectors import RecordFilters, person_list, site_by_slug
from haven.registry.services import SiteInput, site_create

EXPLOSION = "Berkadzor fuel depot explosion"
DEAD_IN_EXPLOSION = 218
INJURED_BROUGHT_TO_ARMENIA = 142
DIED_ON_THE_ROAD = 70

HOSPITALS = [
    SiteInput(slug="yerevan-burns", kind="hospital", name_en="National Burns Centre, Yerevan",
              name_hy="Այրվածքաբանության ազգային կենտրոն, Երևան",
              name_ru="Национальный ожоговый центр, Ереван", settlement="Yerevan",
              province="Yerevan", capacity=120),
    SiteInput(slug="goris-medical", kind="hospital", name_en="Goris Medical Centre",
              name_hy="Գորիսի բժշկական կենտրոն", name_ru="Медицинский центр Гориса",
              settlement="Goris", province="Syunik", capacity=80),
]
USERS = [("protection-burns", "protection_officer", ["yerevan-burns"]),
         ("protection-goris-medical", "protection_officer", ["goris-medical"])]

CLOTHING = ["dark coat, felt boots", "blue work jacket", "grey headscarf, long skirt",
            "school uniform", "military-style trousers, sneakers", "wool cardigan"]
BELONGINGS = ["plastic bag with documents", "wedding ring", "mobile phone, broken",
              "car keys", "small icon on a chain", "nothing"]
LEFT_BEHIND = [
    # given, family, sex, born, vulnerabilities, where
    ("Siranush", "Avetisyan", "female", 1938, ["disability_mobility", "elderly_alone"],
     "Own house, Stepanakert, near the market"),
    ("Grigor", "Babayan", "male", 1944, ["chronic_illness", "elderly_alone"],
     "Village of Karmir Shuka, with a neighbour"),
    ("Anush", "Petrosyan", "female", 1951, ["disability_seeing"],
     "Stepanakert, care home on Azatamartikneri avenue"),
    ("Levon", "Hovhannisyan", "male", 1936, ["disability_mobility", "chronic_illness"],
     "Martuni, family house"),
    ("Arev", "Sargsyan", "female", 1947, ["disability_cognition"],
     "Askeran, with a cousin"),
]


@dataclass(frozen=True)
class ProtectionDemoSummary:
    created: bool
    casualties: int = 0
    referrals: int = 0
    left_behind: int = 0


def protection_demo_load(*, seed: int = 2023) -> ProtectionDemoSummary:
    """Create the demo's hospitals, officers, incidents, casualties, referrals and people
    left behind, unless the explosion is already in the register."""
    if Incident.objects.filter(name=EXPLOSION).exists():
        return ProtectionDemoSummary(created=False)
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    admin = Actor(user=User.objects.get(username="admin"), channel="cli")
    coordinator = Actor(user=User.objects.get(username="coordinator"), channel="cli")
    goris = Actor(user=User.objects.get(username="protection-goris"), channel="cli")
    with transaction.atomic():
        for hospital in HOSPITALS:
            if site_by_slug(hospital.slug) is None:
                site_create(actor=admin, site=hospital)
        for username, role, sites in USERS:
            if not User.objects.filter(username=username).exists():
                from haven.registry.demo import DEMO_PASSWORD  # noqa: PLC0415

                user_create(actor=None, username=username, role=role, sites=sites,
                            password=DEMO_PASSWORD)
        casualties = _casualties(coordinator, rng)
        referrals = _referrals(goris)
        left = _left_behind(coordinator, goris)
    return ProtectionDemoSummary(created=True, casualties=casualties, referrals=referrals,
                                 left_behind=left)


def _casualties(actor: Actor, rng: random.Random) -> int:
    with clock.frozen_at(dt.datetime(2023, 10, 3, 12, tzinfo=dt.UTC)):
        explosion = incident_create(actor=actor, incident=IncidentInput(
            kind="explosion", name=EXPLOSION, occurred_on=dt.date(2023, 9, 25),
            place="Berkadzor, near Stepanakert",
            description="A fuel depot exploded while people queued for fuel to leave: 218 "
                        "dead, hundreds burned; 142 of the injured were brought to Armenia."))
        road = incident_create(actor=actor, incident=IncidentInput(
            kind="journey", name="Deaths on the road through the Lachin corridor",
            occurred_on=dt.date(2023, 9, 24), place="Stepanakert - Kornidzor road",
            description="70 people died during the 30-40 hour drive: exhaustion, "
                        "malnutrition, lack of medicine."))
        count = 0
        for number in range(DEAD_IN_EXPLOSION):
            described = number % 9 == 0  # a few of the unidentified, described in full
            casualty_record(actor=actor, casualty=CasualtyInput(
                incident=str(explosion.id), kind="dead", site="kornidzor",
                sex=rng.choice(["male", "female", "unknown"]),
                approximate_age=rng.randint(16, 80) if described else None,
                clothing=rng.choice(CLOTHING) if described else "",
                belongings=rng.choice(BELONGINGS) if described else "",
                found_at="Fuel depot grounds, Berkadzor" if described else ""))
            count += 1
        for number in range(INJURED_BROUGHT_TO_ARMENIA):
            casualty_record(actor=actor, casualty=CasualtyInput(
                incident=str(explosion.id), kind="injured",
                site="yerevan-burns" if number % 3 else "goris-medical",
                occurred_on=dt.date(2023, 9, 25), sex=rng.choice(["male", "female"]),
                approximate_age=rng.randint(5, 75),
                injuries=f"Burns, {rng.choice([15, 20, 30, 40, 60])}% of the body surface"))
            count += 1
        for _number in range(DIED_ON_THE_ROAD):
            casualty_record(actor=actor, casualty=CasualtyInput(
                incident=str(road.id), kind="dead", site="kornidzor",
                occurred_on=dt.date(2023, 9, rng.randint(24, 30)),
                sex=rng.choice(["male", "female"]), approximate_age=rng.randint(60, 92),
                injuries=rng.choice(["Exhaustion", "Malnutrition", "No insulin for days",
                                     "Heart failure in the queue"])))
            count += 1
    return count


def _referrals(officer: Actor) -> int:
    """Refer Goris' burns and malnutrition cases the protection officer can see."""
    made = 0
    for code, service, to_site in (("burns", "burns_unit", "yerevan-burns"),
                                   ("injured", "hospital", "goris-medical"),
                                   ("malnourished", "nutrition", "goris")):
        found = person_list(actor=officer, filters=RecordFilters(vulnerability=code),
                            per_page=2)
        for person in found.items:
            with clock.frozen_at(dt.datetime(2023, 9, 28, 10, tzinfo=dt.UTC)):
                referral = referral_create(actor=officer, referral=ReferralInput(
                    person=person.code, service=service, to_site=to_site,
                    urgency="emergency" if code != "malnourished" else "urgent",
                    consent=True, reason=f"Flagged {code} at registration",
                    notes="Seen at the Goris theatre hub; family travels with them."))
                if to_site == "goris" and made % 2 == 0:
                    referral_accept(actor=officer, referral_id=referral.id)
            made += 1
    return made


def _left_behind(coordinator: Actor, officer: Actor) -> int:
    made = 0
    for number, (given, family, sex, born, codes, where) in enumerate(LEFT_BEHIND):
        with clock.frozen_at(dt.datetime(2023, 10, 5, 9, tzinfo=dt.UTC)):
            entry = left_behind_register(actor=officer, entry=LeftBehindInput(
                site="goris", given_name=given, family_name=family, sex=sex, birth_year=born,
                vulnerabilities=codes, location=where, reported_on=dt.date(2023, 10, 4),
                needs="Food, medicine, a way to call relatives",
                reported_by="A neighbour who left on 29 September", check_every_days=14))
            welfare_check_record(actor=officer, entry_id=entry.id, check=WelfareCheckInput(
                checked_on=dt.date(2023, 10, 5), condition="needs_help", needs_met="partly",
                visited_by="ICRC team", notes="Food parcel and medicine left."))
        if number < 2:  # moved in January 2026, received at Goris
            with clock.frozen_at(dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)):
                left_behind_transfer(actor=coordinator, entry_id=entry.id, to_site="goris")
        made += 1
    return made
