"""Reception's records: shelter units and stays, the waiting list, vehicles and runs."""

from haven.reception.models.shelters import (
    Placement,
    PlacementEvent,
    ShelterUnit,
    Stay,
    WaitingEntry,
)
from haven.reception.models.transport import Passenger, Run, Vehicle

__all__ = ["Passenger", "Placement", "PlacementEvent", "Run", "ShelterUnit", "Stay",
           "Vehicle", "WaitingEntry"]
