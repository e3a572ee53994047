"""Read reception's records within what the actor may see, auditing reads of people.

`shelter_occupancy_at` gives the situation report its shelter figures; `no_shows`
gives the tracing app the passengers who did not arrive.
"""

from haven.reception.selectors.occupancy import (
    Beds,
    SiteOccupancy,
    UnitOccupancy,
    occupancy_of,
    shelter_occupancy_at,
    shelters_occupancy,
    site_occupancy,
)
from haven.reception.selectors.placements import (
    PlacementView,
    Proposal,
    Proposals,
    StayView,
    WaitingView,
    household_placements,
    placement_get,
    placement_list,
    placement_proposals,
    units_of,
    waiting_list,
)
from haven.reception.selectors.presented import (
    PresentedHousehold,
    PresentedMember,
    household_presented,
)
from haven.reception.selectors.transport import (
    NoShow,
    PassengerView,
    RunSummary,
    RunView,
    no_shows,
    run_get,
    run_list,
    vehicle_list,
)

__all__ = [
    "Beds", "NoShow", "PassengerView", "PlacementView", "PresentedHousehold",
    "PresentedMember", "Proposal", "Proposals", "RunSummary", "RunView", "SiteOccupancy",
    "StayView", "UnitOccupancy", "WaitingView", "household_placements", "household_presented",
    "no_shows", "occupancy_of", "placement_get", "placement_list", "placement_proposals",
    "run_get", "run_list", "shelter_occupancy_at", "shelters_occupancy", "site_occupancy",
    "units_of", "vehicle_list", "waiting_list",
]
