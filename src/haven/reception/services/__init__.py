"""Write reception's records: units, placements, the waiting list, hub arrivals, runs.

One module per concept; this package's names are the public surface every adapter
(pages, API, CLI, ODK, the demo) calls.
"""

from haven.reception.services.arrivals import (
    HouseholdArrival,
    codes_arrival_record,
    household_arrival_record,
)
from haven.reception.services.placements import (
    Placed,
    placement_check_in,
    placement_check_out,
    placement_create,
    placement_transfer,
)
from haven.reception.services.transport import (
    RunArrival,
    RunInput,
    passenger_link,
    passenger_remove,
    passengers_add,
    run_arrive,
    run_cancel,
    run_create,
    run_depart,
    vehicle_create,
)
from haven.reception.services.units import UnitInput, unit_create, unit_update
from haven.reception.services.waiting import waiting_add, waiting_cancel

__all__ = [
    "HouseholdArrival", "Placed", "RunArrival", "RunInput", "UnitInput",
    "codes_arrival_record", "household_arrival_record", "passenger_link", "passenger_remove",
    "passengers_add", "placement_check_in", "placement_check_out", "placement_create",
    "placement_transfer", "run_arrive", "run_cancel", "run_create", "run_depart",
    "unit_create", "unit_update", "vehicle_create", "waiting_add", "waiting_cancel",
]
