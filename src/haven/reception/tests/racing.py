"""Clerks racing for the last beds: the code shared by the concurrency test and its runs.

Each trial makes a shelter with a few beds left and has clerks, each on a thread with
its own database connection, place households at the same instant (a barrier). It
counts who was placed and who refused, and checks the beds. Run on the configured
database in this process, or on a fresh SQLite file in a child process:

    HAVEN_VAR_DIR=$(mktemp -d) python -m haven.reception.tests.racing --trials 50

(the test suite's SQLite database lives in memory, where connections share one cache
and SQLite's file locking, the thing under test, does not apply).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class RaceResult:
    trials: int = 0
    placed: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    over_capacity: int = 0  # trials that ended with more people than beds
    lost: int = 0  # trials where a household that fitted was refused, or stored half
    engine: str = ""


def _clerks(count: int) -> list[Any]:
    from haven.accounts.models import User  # noqa: PLC0415 - after Django is set up

    clerks = []
    for n in range(count):
        user, _ = User.objects.get_or_create(username=f"race-clerk-{n}",
                                             defaults={"role": "coordinator"})
        clerks.append(user)
    return clerks


def _household(actor: Any, site: str, size: int) -> str:
    from haven.registry.services import HouseholdInput, MemberInput, household_register  # noqa: PLC0415

    names = ["Anahit", "Narine", "Mariam", "Gayane", "Lusine", "Hasmik", "Armine", "Sona"]
    members = [MemberInput(given_name=names[i % len(names)], family_name="Vardanyan", sex="female",
                           birth_date="1980", relationship="head" if i == 0 else "child")
               for i in range(size)]
    return household_register(actor=actor, household=HouseholdInput(site=site,
                                                                      members=members)).code


def race(trials: int, *, clerks: int = 2, beds: int = 6, left: int = 4,
         size: int = 3) -> RaceResult:
    """Race `clerks` households of `size` for the `left` beds of a `beds`-bed shelter."""
    from django.db import connection, connections  # noqa: PLC0415

    from haven.accounts.access import Actor  # noqa: PLC0415
    from haven.core.errors import Conflict  # noqa: PLC0415
    from haven.reception.models import Stay  # noqa: PLC0415
    from haven.reception.services import UnitInput, placement_create, unit_create  # noqa: PLC0415
    from haven.registry.models import Site  # noqa: PLC0415

    result = RaceResult(engine=connection.vendor)
    users = _clerks(clerks)
    actors = [Actor(user=u, channel="api") for u in users]
    fit = left // size  # how many of the racing households the beds can hold
    for _trial in range(trials):
        slug = f"race-{uuid.uuid4().hex[:10]}"
        Site.objects.create(slug=slug, kind="shelter", name_en="Race shelter",
                            settlement="Goris", province="Syunik")
        unit_create(actor=actors[0], site=slug, unit=UnitInput(name="Hall", beds=beds))
        if beds - left:
            placement_create(actor=actors[0], household=_household(actors[0], slug, beds - left),
                             site=slug)
        households = [_household(actors[0], slug, size) for _ in range(clerks)]
        barrier = threading.Barrier(clerks)
        outcomes: list[str] = []

        def clerk(index: int, code: str, slug: str = slug,
                  barrier: threading.Barrier = barrier, outcomes: list[str] = outcomes) -> None:
            try:
                barrier.wait(timeout=30)
                placement_create(actor=actors[index], household=code, site=slug)
                outcomes.append("placed")
            except Conflict as refusal:
                outcomes.append(refusal.reason)
            except Exception as problem:  # reported: the test fails on it
                outcomes.append(f"error: {type(problem).__name__}: {problem}")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=clerk, args=(i, code))
                   for i, code in enumerate(households)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result.trials += 1
        result.placed += outcomes.count("placed")
        result.refused += outcomes.count("no_room")
        result.errors.extend(o for o in outcomes if o not in {"placed", "no_room"})
        present = Stay.objects.filter(site__slug=slug, ended_at__isnull=True).count()
        if present > beds:
            result.over_capacity += 1
        half = Stay.objects.filter(site__slug=slug).values("placement_id").distinct().count()
        if outcomes.count("placed") != min(fit, clerks) or present != (beds - left) + \
                size * outcomes.count("placed") or half != 1 + outcomes.count("placed") - (
                    0 if beds - left else 1):
            result.lost += 1
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--clerks", type=int, default=2)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
    import django  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    django.setup()
    call_command("migrate", verbosity=0)
    outcome = race(arguments.trials, clerks=arguments.clerks)
    json.dump(asdict(outcome), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
