"""Demo heritage sites of Nagorno-Karabakh with dated observations: loading twice adds nothing.

The observations paraphrase public reporting (the sources are named in each); they are
demonstration data, not a survey.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from haven.accounts.access import Actor
from haven.accounts.models import User
from haven.documentation import services
from haven.documentation.models import HeritageSite, Testimony
from haven.documentation.testimonies import TestimonyInput, testimony_record

HERITAGE: list[dict[str, Any]] = [
    {"kind": "church", "name_en": "Holy Saviour Ghazanchetsots Cathedral",
     "name_hy": "Սուրբ Ամենափրկիչ Ղազանչեցոց մայր տաճար",
     "name_ru": "Собор Святого Всеспасителя Казанчецоц", "settlement": "Shushi",
     "latitude": "39.75880", "longitude": "46.74960",
     "description": "Cathedral built 1868-1887, restored in the 1990s.",
     "observations": [
         (dt.date(2019, 9, 1), "visit", "intact", "", "In use for services."),
         (dt.date(2020, 10, 8), "published", "damaged",
          "Human Rights Watch, 16 December 2020",
          "Struck twice on 8 October 2020; roof and interior damaged."),
         (dt.date(2021, 5, 4), "published", "altered", "Press reports, May 2021",
          "Scaffolding up and the dome taken down in works announced as restoration."),
     ]},
    {"kind": "monastery", "name_en": "Dadivank Monastery", "name_hy": "Դադիվանք",
     "name_ru": "Монастырь Дадиванк", "settlement": "Vank (Kalbajar)",
     "latitude": "40.16150", "longitude": "46.28820",
     "description": "Monastery of the 9th-13th centuries.",
     "observations": [
         (dt.date(2020, 11, 14), "published", "intact", "Press reports, November 2020",
          "Khachkars removed to Armenia by the community before the handover."),
     ]},
    {"kind": "monastery", "name_en": "Gandzasar Monastery", "name_hy": "Գանձասար",
     "name_ru": "Монастырь Гандзасар", "settlement": "Vank",
     "latitude": "40.03060", "longitude": "46.53830",
     "description": "Monastery with the Cathedral of St John the Baptist, 1216-1238.",
     "observations": [
         (dt.date(2019, 6, 1), "visit", "intact", "", "In use; visited by pilgrims."),
     ]},
    {"kind": "monument", "name_en": "We Are Our Mountains", "name_hy": "Մենք ենք մեր սարերը",
     "name_ru": "Мы — наши горы", "settlement": "Stepanakert",
     "latitude": "39.83600", "longitude": "46.77500",
     "description": "Monument of 1967, known as Tatik-Papik (Grandmother and Grandfather).",
     "observations": []},
]


DEMO_STATEMENT = (
    "We left Stepanakert on 26 September with my mother and two children. The road to "
    "the bridge took us thirty-one hours; we slept in the car near Lisagor. Before we "
    "left I photographed our house on Tumanyan street and the deed, which we kept. "
    "(Demonstration data: this statement was written for Haven's demo.)")


def _demo_testimony() -> None:
    """One consented testimony, recorded by Goris' protection officer, if there is none."""
    officer = User.objects.filter(username="protection-goris").first()
    if officer is None or Testimony.objects.exists():
        return
    actor = Actor(user=officer, channel="cli")
    with transaction.atomic():
        testimony_record(actor=actor, testimony=TestimonyInput(
            site="goris", given_on=dt.date(2023, 9, 29), language="en",
            statement=DEMO_STATEMENT, witness_description="A mother of two from Stepanakert, "
            "born 1979 (demonstration data)", consent_internal=True, consent_legal=True))


def documentation_demo_load() -> int:
    """Register the demo heritage sites and their observations, unless they are there."""
    _demo_testimony()
    if HeritageSite.objects.filter(name_en__in=[h["name_en"] for h in HERITAGE]).exists():
        return 0
    actor = Actor(user=User.objects.get(username="coordinator"), channel="cli")
    with transaction.atomic():
        for spec in HERITAGE:
            values = {k: v for k, v in spec.items() if k != "observations"}
            site = services.heritage_create(actor=actor,
                                            heritage=services.HeritageInput(**values))
            for on, source, condition, reference, note in spec["observations"]:
                services.heritage_observe(actor=actor, heritage=site.pk, observed_on=on,
                                          source=source, condition=condition,
                                          reference=reference, note=note)
    return len(HERITAGE)
