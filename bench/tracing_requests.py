#!/usr/bin/env python3
"""Open N tracing requests in an existing Haven: the load of `registration.py --open-requests`.

Runs in the Haven's environment (its HAVEN_VAR_DIR or HAVEN_DATABASE_URL), after
`haven migrate` and `haven demo`. Each request is opened through the tracing app's own
service (`haven.tracing.services.request_create`) by the demo tracing officer at Goris,
for one sought person with a birth year and a sex, named in one of two ways (`--names`):

- `population` (the default): as the people of the karabakh-2023 scenario are named,
  each given name and surname drawn by its weight in the scenario's name lists
  (src/haven/intake/scenarios/names/: 91 surnames, 117 given names) and written in
  Armenian, Cyrillic or one of the Latin styles. bench/registration.py registers people
  of the commonest of those names only (9 surnames, 20 given names), so its households
  meet more sought namesakes than a hub's would, not fewer.
- `benchmark`: with bench/registration.py's own 9 surnames and 20 given names: every
  registrant is then a namesake of some 2 sought persons born within a year of them
  (6 alerts a household), the alerts' worst case rather than a hub's day.

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
from collections.abc import Callable
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
    parser.add_argument("--names", choices=("population", "benchmark"), default="population",
                        help="how the sought persons are named: by the scenario's name "
                             "frequencies, or all with bench/registration.py's few names "
                             "(default: %(default)s)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
    import django

    django.setup()
    from haven.accounts.access import Actor
    from haven.accounts.models import User
    from haven.tracing.services import RequestInput, SoughtInput, request_create
    actor = Actor(user=User.objects.get(username=args.user), channel="cli")
    first, _, last = args.birth_years.partition("-")
    years = (int(first), int(last or first))
    rng = random.Random(args.seed)
    name = population_names(rng) if args.names == "population" else benchmark_names(rng)
    started = time.perf_counter()
    for _ in range(args.count):
        sex = rng.choice(("female", "male"))
        given, family = name(sex)
        request_create(actor=actor, request=RequestInput(
            site=args.site, searcher_name="Bench searcher", sought=[SoughtInput(
                given_name=given, family_name=family, sex=sex,
                birth_year=rng.randint(*years))]))
    print(f"opened {args.count} tracing requests in {time.perf_counter() - started:.0f} s")
    return 0


def benchmark_names(rng: random.Random) -> Callable[[str], tuple[str, str]]:
    """Name a sought person as bench/registration.py names the people it registers."""
    from registration import FAMILIES, GIVEN  # bench/registration.py's names

    def name(sex: str) -> tuple[str, str]:
        script = rng.choice(list(GIVEN))
        women, men = GIVEN[script]
        return rng.choice(women if sex == "female" else men), rng.choice(FAMILIES[script])
    return name


def population_names(rng: random.Random) -> Callable[[str], tuple[str, str]]:
    """Name a sought person by the scenario's name frequencies, in any script or spelling."""
    from haven.intake.scenarios.model import scenario_load
    from haven.intake.scenarios.names import FORMS, NameEntry, spelling

    book = scenario_load("karabakh-2023").naming.book

    def drawn(entries: tuple[NameEntry, ...]) -> NameEntry:
        return rng.choices(entries, weights=[entry.weight for entry in entries])[0]

    def name(sex: str) -> tuple[str, str]:
        form = rng.choice(FORMS)
        given = drawn(book.female if sex == "female" else book.male)
        return (spelling(given, form, rng, main=0.8),
                spelling(drawn(book.surnames), form, rng, main=0.8))
    return name


if __name__ == "__main__":
    sys.exit(main())
