"""Demo sites, users and households: the first hours at Kornidzor, Goris and Vayk in 2023.

Loading twice changes nothing: sites and users are matched by name, and households are
only registered when no demo registrar has registered any yet.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from haven.accounts.access import Actor
from haven.accounts.models import User
from haven.accounts.services import user_create
from haven.core import clock
from haven.registry.models import Household, Site
from haven.registry.services import HouseholdInput, MemberInput, arrival_record, household_register

DEMO_PASSWORD = "haven-demo-2023"  # noqa: S105 - published demo credential, printed on start

SITES: list[dict[str, Any]] = [
    {"slug": "kornidzor", "kind": "border_crossing", "name_en": "Kornidzor border post",
     "name_hy": "Կոռնիձորի անցակետ", "name_ru": "КПП Корнидзор", "settlement": "Kornidzor",
     "province": "Syunik", "province_code": "AM-SU", "capacity": None},
    {"slug": "goris", "kind": "reception_hub", "name_en": "Goris theatre reception hub",
     "name_hy": "Գորիսի թատրոնի ընդունման կենտրոն", "name_ru": "Пункт приёма в театре Гориса",
     "settlement": "Goris", "province": "Syunik", "province_code": "AM-SU", "capacity": 1200},
    {"slug": "vayk", "kind": "reception_hub", "name_en": "Vayk reception hub",
     "name_hy": "Վայքի ընդունման կենտրոն", "name_ru": "Пункт приёма в Вайке", "settlement": "Vayk",
     "province": "Vayots Dzor", "province_code": "AM-VD", "capacity": 600},
]

USERS = [
    ("admin", "administrator", []),
    ("coordinator", "coordinator", []),
    ("registrar-kornidzor", "registrar", ["kornidzor"]),
    ("registrar-goris", "registrar", ["goris"]),
    ("registrar-vayk", "registrar", ["vayk"]),
    ("tracing", "tracing_officer", []),
    ("protection-goris", "protection_officer", ["goris"]),
    ("auditor", "auditor", []),
    ("viewer", "viewer", []),
]

# (given, family, patronymic, sex) in the three ways names reach a clerk.
FAMILIES = {
    "armenian": ["Վարդանյան", "Հարությունյան", "Գրիգորյան", "Պետրոսյան", "Հովհաննիսյան",
                 "Սարգսյան", "Ավետիսյան", "Բաբայան"],
    "cyrillic": ["Варданян", "Арутюнян", "Григорян", "Петросян", "Оганесян", "Саргсян",
                 "Аветисян", "Бабаян"],
    "latin": ["Vardanyan", "Harutyunyan", "Grigoryan", "Petrosyan", "Hovhannisyan",
              "Sargsyan", "Avetisyan", "Babayan"],
}
GIVEN = {
    "armenian": (["Անահիտ", "Նարինե", "Մարիամ", "Գայանե", "Լուսինե"],
                 ["Տիգրան", "Արմեն", "Հովհաննես", "Դավիթ", "Սերգեյ"]),
    "cyrillic": (["Анаит", "Нарине", "Мариам", "Гаяне", "Лусине"],
                 ["Тигран", "Армен", "Оганес", "Давид", "Сергей"]),
    "latin": (["Anahit", "Narine", "Mariam", "Gayane", "Lusine"],
              ["Tigran", "Armen", "Hovhannes", "Davit", "Sergey"]),
}
# Soviet-era documents give a patronymic: (son's, daughter's) form of the father's name.
PATRONYMICS = {"Тигран": ("Тигранович", "Тиграновна"), "Армен": ("Арменович", "Арменовна"),
               "Оганес": ("Оганесович", "Оганесовна"), "Давид": ("Давидович", "Давидовна"),
               "Сергей": ("Сергеевич", "Сергеевна")}
ORIGINS = ["Stepanakert", "Ստեփանակերտ", "Степанакерт", "Martuni", "Askeran", "Hadrut",
           "Martakert", "Shushi"]
HOUSEHOLDS = 36
# Heads of household who registered a second time at their hub, their names written in
# another script, as happened in 2023: `haven demo` then links them (haven.cli.demo), so
# the demo shows merged persons and a review queue.
SECOND_REGISTRATIONS = 6


@dataclass(frozen=True)
class DemoSummary:
    sites_created: int
    users_created: int
    households_created: int


def demo_load(*, seed: int = 2023) -> DemoSummary:
    """Create the demo sites, users and households that are not there yet."""
    sites_created = 0
    for spec in SITES:
        _, created = Site.objects.get_or_create(slug=spec["slug"], defaults=spec)
        sites_created += created
    users_created = 0
    for username, role, sites in USERS:
        if not User.objects.filter(username=username).exists():
            user_create(actor=None, username=username, role=role, sites=sites,
                        password=DEMO_PASSWORD)
            users_created += 1
    clerks = {u.username: u for u in User.objects.filter(username__startswith="registrar-")}
    households_created = 0
    if not Household.objects.filter(created_by__in=clerks.values()).exists():
        households_created = _register_households(clerks, random.Random(seed))  # noqa: S311
    return DemoSummary(sites_created, users_created, households_created)


def _register_households(clerks: dict[str, User], rng: random.Random) -> int:
    start = dt.datetime(2023, 9, 24, 9, 0, tzinfo=dt.UTC)
    border = Actor(user=clerks["registrar-kornidzor"], channel="scenario")
    with transaction.atomic():
        for number in range(HOUSEHOLDS):
            script = ("armenian", "cyrillic", "latin")[number % 3]
            family = rng.randrange(len(FAMILIES[script]))
            women, men = GIVEN[script]
            father = rng.choice(men)
            head_age = rng.randint(28, 70)
            members = [MemberInput(given_name=father, family_name=FAMILIES[script][family],
                                   sex="male", birth_date=str(2023 - head_age),
                                   relationship="head", document_type="passport",
                                   document_number=f"AM{rng.randint(1000000, 9999999)}")]
            if rng.random() < 0.8:
                members.append(MemberInput(given_name=rng.choice(women),
                                           family_name=FAMILIES[script][family], sex="female",
                                           estimated_age=head_age - rng.randint(0, 5),
                                           relationship="spouse"))
            for child in range(rng.randint(0, 3)):
                members.append(MemberInput(
                    given_name=rng.choice(women if child % 2 else men),
                    family_name=FAMILIES[script][family],
                    patronymic=(PATRONYMICS[father][child % 2] if script == "cyrillic" else ""),
                    sex="female" if child % 2 else "male",
                    birth_date=f"{rng.randint(2006, 2022)}-{rng.randint(1, 12):02d}-"
                               f"{rng.randint(1, 28):02d}",
                    relationship="child",
                    vulnerabilities=["malnourished"] if rng.random() < 0.15 else [],
                ))
            if rng.random() < 0.2:
                members[0].vulnerabilities = [rng.choice(["injured", "burns",
                                                          "chronic_illness"])]
            arrived = start + dt.timedelta(hours=4 * number + rng.randint(0, 3))
            with clock.frozen_at(arrived):
                household = household_register(
                    actor=border,
                    household=HouseholdInput(site="kornidzor", members=members,
                                             place_of_origin=rng.choice(ORIGINS),
                                             phone=f"+374 97 {rng.randint(100000, 999999)}"),
                    arrived_at=arrived,
                )
            hub = "registrar-goris" if number % 2 else "registrar-vayk"
            onward = Actor(user=clerks[hub], channel="scenario")
            later = arrived + dt.timedelta(hours=rng.randint(2, 8))
            with clock.frozen_at(later):
                for person in household.members.all():
                    arrival_record(actor=onward, person=person.code, site=hub.split("-")[1],
                                   arrived_at=later)
            if number < SECOND_REGISTRATIONS:
                # The head again, alone, a day later at the hub, from another document.
                other = ("armenian", "cyrillic", "latin")[(number + 1) % 3]
                head = members[0]
                again = MemberInput(
                    given_name=GIVEN[other][1][GIVEN[script][1].index(father)],
                    family_name=FAMILIES[other][family], sex="male",
                    birth_date=head.birth_date if number % 2 else "", relationship="head",
                    estimated_age=None if number % 2 else head_age)
                with clock.frozen_at(later + dt.timedelta(days=1)):
                    household_register(actor=onward, household=HouseholdInput(
                        site=hub.split("-")[1], members=[again],
                        phone=household.phone if number % 3 else ""))
    return HOUSEHOLDS + SECOND_REGISTRATIONS
