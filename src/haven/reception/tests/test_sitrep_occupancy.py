"""The situation report's shelter occupancy: from placements where a site has shelter units."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.core import clock
from haven.reception.services import placement_check_out, placement_create
from haven.reports.services import sitrep_build
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db
SEP25 = dt.date(2023, 9, 25)


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2023, 9, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def goris_shelter(users, add_unit, family):
    """Goris: 15 beds in two units; a family of three placed, one of them gone by noon;
    a family of two that arrived but was never placed. Vayk: no units, one family."""
    coordinator = actor_for(users["coordinator"])
    with clock.frozen_at(at(25, 6)):
        add_unit("goris", "Hall", beds=10)
        add_unit("goris", "Room", beds=5)
        placed = family(3, arrived_at=at(25, 6))
        family(2, arrived_at=at(25, 6))
        family(4, site="vayk", arrived_at=at(25, 6))
        placement = placement_create(actor=coordinator, household=placed.code, site="goris")
    with clock.frozen_at(at(25, 9)):
        placement_check_out(actor=coordinator, placement=str(placement.placement.id),
                            destination="hospital",
                            members=[placed.members.get(position=0).code])


@pytest.mark.parametrize("chosen", [None, ["goris", "vayk"]])
def test_a_site_with_units_counts_its_placements_and_its_beds(goris_shelter, users, chosen):
    with clock.frozen_at(at(26, 12)):
        report = sitrep_build(actor=actor_for(users["coordinator"]), date=SEP25, sites=chosen)
    occupancy = {o.site: (o.present, o.capacity) for o in report.occupancy}
    # Goris: two of the placed family are still there, of 15 beds (not the site's 1,200
    # and not the five people whose latest arrival is Goris). Vayk has no units: its four
    # are counted by their latest arrival, as before.
    assert occupancy["goris"] == (2, 15)
    assert occupancy["vayk"] == (4, 600)


def test_the_day_before_the_placement_nobody_was_in_the_shelter(goris_shelter, users):
    with clock.frozen_at(at(26, 12)):
        report = sitrep_build(actor=actor_for(users["coordinator"]),
                              date=dt.date(2023, 9, 24), sites=["goris"])
    assert [(o.present, o.capacity) for o in report.occupancy] == [(0, 15)]
