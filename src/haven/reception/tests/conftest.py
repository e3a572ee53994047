"""Reception's fixtures: units with beds, and families of any size, built through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from haven.reception.models import ShelterUnit
from haven.reception.services import UnitInput, unit_create
from haven.registry.models import Household
from haven.testing.factories import actor_for, member

GIVEN = ["Anahit", "Tigran", "Narine", "Armen", "Mariam", "Davit", "Gayane", "Sergey",
         "Lusine", "Hovhannes", "Hasmik", "Aram"]


@pytest.fixture
def add_unit(users) -> Callable[..., ShelterUnit]:
    """`add_unit("goris", "Hall A", beds=10, accessible_beds=2)`, as the coordinator."""
    def add(site: str, name: str, beds: int, accessible_beds: int = 0) -> ShelterUnit:
        return unit_create(actor=actor_for(users["coordinator"]), site=site,
                           unit=UnitInput(name=name, beds=beds, accessible_beds=accessible_beds))

    return add


@pytest.fixture
def family(make_household) -> Callable[..., Household]:
    """`family(5, site="goris")`: a household of n, the first the head, the rest children."""
    def make(size: int, site: str = "goris", vulnerabilities: dict[int, list[str]] | None = None,
             **household: Any) -> Household:
        members = [member(given_name=GIVEN[i % len(GIVEN)],
                          relationship="head" if i == 0 else "child",
                          birth_date="1970" if i == 0 else "2005",
                          vulnerabilities=(vulnerabilities or {}).get(i, []))
                   for i in range(size)]
        return make_household(site=site, members=members, **household)

    return make
