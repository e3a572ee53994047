#!/usr/bin/env python3
"""Open N tracing requests in an existing Haven: the load of `registration.py --open-requests`.

Runs in the Haven's environment (its HAVEN_VAR_DIR or HAVEN_DATABASE_URL), after
`haven migrate` and `haven demo`. Each request is opened through the tracing app's own
service (`haven.tracing.services.request_create`) by the demo tracing officer at Goris,
for one sought person named as bench/registration.py names the people it registers
(Armenian, Cyrillic or Latin letters; the same given names and surnames), with a birth
year and a sex: so every registration of the benchmark meets open requests for people of
its names, as at a hub where families are looking for each other.

    HAVEN_VAR_DIR=... .venv/bin/python bench/tracing_requests.py 10000
"""

from __future__ import annotations

# Django and the apps are imported after the environment is read.
# ruff: noqa: PLC0415
import argparse
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--user", default="tracing", help="a user who may trace")
    parser.add_argument("--site", default="goris")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--birth-years", default="1935-2020", metavar="FIRST-LAST",
                        help="the sought persons' birth years (default: those the benchmark "
                             "registers, so registrations meet namesakes and raise alerts; "
                             "1900-1915 measures the check alone: names meet, years never do)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
    import django

    django.setup()
    from haven.accounts.access import Actor
    from haven.accounts.models import User
    from haven.tracing.services import RequestInput, SoughtInput, request_create
    from registration import FAMILIES, GIVEN  # bench/registration.py's names

    actor = Actor(user=User.objects.get(username=args.user), channel="cli")
    first, _, last = args.birth_years.partition("-")
    years = (int(first), int(last or first))
    rng = random.Random(args.seed)
    started = time.perf_counter()
    for _ in range(args.count):
        script = rng.choice(list(GIVEN))
        women, men = GIVEN[script]
        sex = rng.choice(("female", "male"))
        request_create(actor=actor, request=RequestInput(
            site=args.site, searcher_name="Bench searcher", sought=[SoughtInput(
                given_name=rng.choice(women if sex == "female" else men),
                family_name=rng.choice(FAMILIES[script]), sex=sex,
                birth_year=rng.randint(*years))]))
    print(f"opened {args.count} tracing requests in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
