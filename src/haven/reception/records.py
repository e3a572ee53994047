"""What reception's answers hold, one function per record: used by the API and the pages."""

from __future__ import annotations

from typing import Any

from haven.reception.models import ShelterUnit, Vehicle
from haven.reception.selectors import (
    NoShow,
    PlacementView,
    PresentedHousehold,
    Proposals,
    RunSummary,
    RunView,
    SiteOccupancy,
    UnitOccupancy,
    WaitingView,
)
from haven.reception.selectors.people import Name


def unit_record(unit: ShelterUnit) -> dict[str, Any]:
    return {"id": unit.id, "site": unit.site.slug, "name": unit.name, "beds": unit.beds,
            "accessible_beds": unit.accessible_beds, "is_active": unit.is_active}


def _unit_figures(room: UnitOccupancy) -> dict[str, Any]:
    return {**unit_record(room.unit), "present": room.present, "expected": room.expected,
            "free": room.free, "accessible_free": room.free_accessible}


def occupancy_record(occupancy: SiteOccupancy) -> dict[str, Any]:
    return {"site": occupancy.site.slug, "name": occupancy.site.name,
            "capacity": occupancy.capacity, "present": occupancy.present,
            "expected": occupancy.expected, "free": occupancy.free,
            "accessible_beds": occupancy.accessible_beds,
            "accessible_free": occupancy.free_accessible,
            "units": [_unit_figures(u) for u in occupancy.units]}


def name_record(name: Name) -> dict[str, Any]:
    return {"code": name.code, "name": name.name, "latin": name.latin}


def placement_record(view: PlacementView, *, with_history: bool = False) -> dict[str, Any]:
    placement = view.placement
    record: dict[str, Any] = {
        "id": str(placement.id), "household": view.household_code,
        "site": placement.site.slug, "placed_at": placement.placed_at,
        "placed_by": placement.placed_by.get_username(),
        "split_reason": placement.split_reason,
        "transferred_from": str(placement.transferred_from_id)
        if placement.transferred_from_id else None,
        "present": view.present, "expected": view.expected,
        "members": [{**name_record(s.name), "unit": s.stay.unit.name, "state": s.state,
                     "checked_in_at": s.stay.checked_in_at, "ended_at": s.stay.ended_at,
                     "destination": s.stay.destination or None,
                     "destination_site": s.stay.destination_site.slug
                     if s.stay.destination_site_id and s.stay.destination_site else None}
                    for s in view.stays if s.name is not None],
        "members_not_shown": view.hidden,
    }
    if with_history:
        record["history"] = [{"at": e.at, "by": e.by.get_username(), "action": e.action,
                              "persons": len(e.persons), "details": e.details}
                             for e in view.events]
    return record


def waiting_record(view: WaitingView) -> dict[str, Any]:
    entry = view.entry
    return {"id": entry.id, "position": view.position, "household": view.household_code,
            "site": entry.site.slug, "size": entry.size,
            "accessible_beds": entry.accessible_beds, "priority": entry.priority,
            "requested_at": entry.requested_at, "fits_now": view.fits_now}


def proposals_record(found: Proposals, *, medical: bool) -> dict[str, Any]:
    def one(p: Any) -> dict[str, Any]:
        return {"site": p.site.slug, "name": p.site.name, "free": p.free,
                "accessible_free": p.free_accessible, "near_hospital": p.near_hospital or None,
                "units": [{"unit": s.name, "people": s.people, "accessible": s.accessible}
                          for s in (p.shares or [])]}

    record: dict[str, Any] = {
        "household": found.household.code, "people": found.people,
        "accessible_beds": found.accessible,
        "proposals": [one(p) for p in found.fitting],
        "too_small": [one(p) for p in found.too_small],
    }
    if medical:  # that a member is injured is a medical fact
        record["needs_hospital"] = found.needs_hospital
    return record


def presented_record(found: PresentedHousehold) -> dict[str, Any]:
    return {"household": found.code, "scanned": found.scanned, "site": found.site.slug,
            "members": [{**name_record(m.name), "already_here": m.already_here}
                        for m in found.members]}


def vehicle_record(vehicle: Vehicle) -> dict[str, Any]:
    return {"id": vehicle.id, "kind": vehicle.kind, "plate": vehicle.plate,
            "capacity": vehicle.capacity, "operator": vehicle.operator}


def _run_fields(run: Any) -> dict[str, Any]:
    return {"id": str(run.id), "reference": run.reference, "vehicle": run.vehicle.plate,
            "kind": run.vehicle.kind, "status": run.status,
            "origin_site": run.origin_site.slug if run.origin_site else None,
            "origin_place": run.origin_place, "destination": run.destination.slug,
            "hospital": run.hospital.slug if run.hospital else None,
            "planned_departure": run.planned_departure, "planned_arrival": run.planned_arrival,
            "departed_at": run.departed_at, "arrived_at": run.arrived_at}


def run_summary_record(summary: RunSummary) -> dict[str, Any]:
    return {**_run_fields(summary.run), "passengers": summary.passengers,
            "arrived": summary.arrived, "no_shows": summary.no_shows}


def run_record(view: RunView) -> dict[str, Any]:
    return {**_run_fields(view.run), "seats": view.run.vehicle.capacity,
            "manifest": [{"number": p.passenger.position,
                          "code": p.name.code if p.name else None,
                          "name": p.display_name,
                          "latin": p.name.latin if p.name else None,
                          "status": p.passenger.status,
                          "flagged_for_tracing": p.passenger.flagged_at is not None}
                         for p in view.passengers]}


def no_show_record(found: NoShow) -> dict[str, Any]:
    run = found.passenger.run
    return {"person": str(found.person_id) if found.person_id else None, "code": found.code,
            "name": found.name, "run": str(run.id), "vehicle": run.vehicle.plate,
            "origin": run.origin_site.slug if run.origin_site else run.origin_place,
            "destination": run.destination.slug, "expected_at": run.arrived_at,
            "flagged_at": found.passenger.flagged_at}
