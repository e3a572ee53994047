"""Reception's records for the role matrix (tests/test_roles_matrix.py): one site's units,
placement and run, the bodies of reception's writes, and fresh records for the writes
that use one up (a placement checked out cannot be checked out again)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from haven.accounts.models import User
from haven.reception.models import Vehicle
from haven.reception.services import (
    RunInput,
    UnitInput,
    passengers_add,
    placement_create,
    run_create,
    unit_create,
    vehicle_create,
    waiting_add,
)
from haven.testing.factories import actor_for, member

_unique = itertools.count(1)
MATRIX_BUS = "35MX001"


def _household(make_household: Callable[..., Any], site: str) -> Any:
    return make_household(site=site, members=[member(given_name="Hasmik")])


def _run(users: dict[str, User], site: str) -> str:
    coordinator = actor_for(users["coordinator"])
    plate = f"35LL{next(_unique):03d}"
    vehicle_create(actor=coordinator, kind="bus", plate=plate, capacity=50)
    run = run_create(actor=coordinator, run=RunInput(vehicle=plate, destination=site,
                                                     origin_place="Stepanakert"))
    return str(run.id)


def reception_records(site: str, users: dict[str, User],
                      make_household: Callable[..., Any]) -> dict[str, str]:
    """Two units at the site (the second for moves within it), a placement, a run."""
    coordinator = actor_for(users["coordinator"])
    if not Vehicle.objects.filter(plate=MATRIX_BUS).exists():
        vehicle_create(actor=coordinator, kind="bus", plate=MATRIX_BUS, capacity=50)
    unit = unit_create(actor=coordinator, site=site, unit=UnitInput(name="Hall", beds=60))
    unit_create(actor=coordinator, site=site, unit=UnitInput(name="Annex", beds=60))
    placed = placement_create(actor=coordinator, household=_household(make_household, site).code,
                              site=site)
    run = _run(users, site)
    passengers_add(actor=coordinator, run=run,
                   codes=[_household(make_household, site).code])
    return {"unit": str(unit.id), "placement": str(placed.placement.id), "run": run}


def reception_renewals(users: dict[str, User], make_household: Callable[..., Any],
                       ) -> dict[str, Callable[[str], dict[str, str]]]:
    coordinator = actor_for(users["coordinator"])

    def placement(check_in: bool) -> Callable[[str], dict[str, str]]:
        def make(site: str) -> dict[str, str]:
            placed = placement_create(actor=coordinator, site=site, check_in=check_in,
                                      household=_household(make_household, site).code,
                                      unit="Hall")
            return {"placement": str(placed.placement.id)}
        return make

    def entry(site: str) -> dict[str, str]:
        waiting, _new = waiting_add(actor=coordinator, site=site,
                                    household=_household(make_household, site).code)
        return {"entry": str(waiting.id)}

    def run(site: str) -> dict[str, str]:
        return {"run": _run(users, site)}

    return {
        "POST /api/v1/placements/{placement}/check-in": placement(check_in=False),
        "POST /api/v1/placements/{placement}/transfer": placement(check_in=True),
        "POST /api/v1/placements/{placement}/check-out": placement(check_in=True),
        "POST /api/v1/waiting-list/{entry}/cancel": entry,
        "POST /api/v1/runs/{run}/depart": run,
        "POST /api/v1/runs/{run}/arrive": run,
        "POST /api/v1/runs/{run}/cancel": run,
    }


def reception_bodies(target: dict[str, str], records: dict[str, Any]) -> dict[str, Any]:
    site = target["site"]
    return {
        "POST /api/v1/sites/{site}/units": {"name": f"Room {next(_unique)}", "beds": 4},
        "PATCH /api/v1/sites/{site}/units/{unit}": {"beds": 61},
        "POST /api/v1/placement-proposals": {"household": target["household"]},
        "POST /api/v1/placements": {"household": target["household"], "site": site},
        "POST /api/v1/placements/{placement}/check-in": {},
        "POST /api/v1/placements/{placement}/transfer": {"site": site, "unit": "Annex"},
        "POST /api/v1/placements/{placement}/check-out": {"destination": "onward_travel"},
        "POST /api/v1/waiting-list": {"household": target["household"], "site": site},
        "POST /api/v1/household-arrivals/preview": {
            "code": records["border_person"]["person"], "site": site},
        "POST /api/v1/household-arrivals": {"code": records["border_person"]["person"],
                                            "site": site},
        "POST /api/v1/vehicles": {"kind": "bus", "plate": f"ZZ{next(_unique):04d}",
                                  "capacity": 40},
        "POST /api/v1/runs": {"vehicle": MATRIX_BUS, "destination": site,
                              "origin_place": "Stepanakert"},
        "POST /api/v1/runs/{run}/passengers": {"codes": [target["household"]]},
        "POST /api/v1/runs/{run}/depart": {},
        "POST /api/v1/runs/{run}/arrive": {"absent": []},
        "POST /api/v1/runs/{run}/cancel": {},
        "POST /api/v1/cards": {"households": [target["household"]]},
    }
