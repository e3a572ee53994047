"""Reception's JSON API: parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from haven.accounts.access import Actor
from haven.core.errors import ValidationFailed
from haven.core.http import reject_unknown_params
from haven.reception import cards, records, selectors, services
from haven.reception.schemas import (
    ArriveIn,
    ArriveOut,
    CardsIn,
    CheckOutIn,
    ConflictOut,
    DepartIn,
    HouseholdArrivalIn,
    HouseholdArrivalOut,
    HouseholdRefIn,
    MembersIn,
    NoShowOut,
    OccupancyOut,
    PassengersIn,
    PlacementIn,
    PlacementOut,
    PlacementPage,
    PlacementTransferIn,
    PresentedOut,
    PresentIn,
    ProposalsOut,
    RunDetailOut,
    RunIn,
    RunPage,
    UnitIn,
    UnitOut,
    UnitPatch,
    VehicleIn,
    VehicleOut,
    WaitingIn,
    WaitingOut,
)
from haven.registry.schemas import ErrorOut

router = Router()
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 413, 422): ErrorOut, 409: ConflictOut}


def actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


def aware(moment: dt.datetime | None, field: str) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise ValidationFailed.single(field, _("give the time with its UTC offset"))
    return moment


# ----- shelters
@router.get("/occupancy", response={200: list[OccupancyOut], **ERRORS}, tags=["shelters"])
def list_occupancy(request: HttpRequest) -> list[dict[str, Any]]:
    """Beds and people of every shelter site within your reach: figures, no names."""
    return [records.occupancy_record(o) for o in selectors.shelters_occupancy(actor=actor(request))]


@router.get("/sites/{slug}/occupancy", response={200: OccupancyOut, **ERRORS}, tags=["shelters"])
def get_occupancy(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A site's capacity (the beds of its units), people present, expected and free beds."""
    return records.occupancy_record(selectors.site_occupancy(actor=actor(request), site=slug))


@router.post("/sites/{slug}/units", response={201: UnitOut, **ERRORS}, tags=["shelters"])
def create_unit(request: HttpRequest, slug: str, payload: UnitIn) -> Status[dict[str, Any]]:
    """Add a room, hall or tent with its beds to a shelter site."""
    unit = services.unit_create(actor=actor(request), site=slug,
                                unit=services.UnitInput(**payload.model_dump()))
    return Status(201, records.unit_record(unit))


@router.patch("/sites/{slug}/units/{unit}", response={200: UnitOut, **ERRORS},
              tags=["shelters"])
def update_unit(request: HttpRequest, slug: str, unit: int, payload: UnitPatch) -> dict[str, Any]:
    """Change a unit's name or beds, or close it (never below the people in it)."""
    updated = services.unit_update(actor=actor(request), site=slug, unit=unit,
                                   changes=payload.model_dump(exclude_unset=True))
    return records.unit_record(updated)


@router.post("/placement-proposals", response={200: ProposalsOut, **ERRORS}, tags=["shelters"],
             exclude_unset=True)
def propose_placement(request: HttpRequest, payload: HouseholdRefIn) -> dict[str, Any]:
    """The shelters that fit a household (whole, accessible beds, near a hospital), best first."""
    found = selectors.placement_proposals(actor=actor(request), household=payload.household)
    return records.proposals_record(found, medical=actor(request).policy.medical_fields)


def _placement(request: HttpRequest, ref: str) -> dict[str, Any]:
    return records.placement_record(selectors.placement_get(actor=actor(request), ref=ref),
                                    with_history=True)


@router.post("/placements", response={200: PlacementOut, 201: PlacementOut, **ERRORS},
             tags=["shelters"], exclude_unset=True)
def create_placement(request: HttpRequest, payload: PlacementIn) -> Status[dict[str, Any]]:
    """Place a household: 201 with the placement, 409 with the reason when it does not fit.

    Every member together, unless `members` and a `split_reason` say otherwise (coordinators
    and protection officers). 200 when the household is already placed there.
    """
    placed = services.placement_create(
        actor=actor(request), household=payload.household, site=payload.site,
        unit=payload.unit, members=payload.members, split_reason=payload.split_reason,
        check_in=payload.check_in)
    return Status(201 if placed.created else 200, _placement(request, str(placed.placement.id)))


class PlacementQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    site: str = Field("", max_length=60)
    open: bool = Field(True, description="only placements with someone still in them")
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


@router.get("/placements", response={200: PlacementPage, **ERRORS}, tags=["shelters"],
            exclude_unset=True)
def list_placements(request: HttpRequest, query: Query[PlacementQuery]) -> dict[str, Any]:
    reject_unknown_params(request, PlacementQuery)
    page = selectors.placement_list(actor=actor(request), site=query.site,
                                    open_only=query.open, page=query.page,
                                    per_page=query.per_page)
    return {"page": page.number, "pages": page.pages, "total": page.total,
            "items": [records.placement_record(v) for v in page.items]}


@router.get("/placements/{ref}", response={200: PlacementOut, **ERRORS}, tags=["shelters"],
            exclude_unset=True)
def get_placement(request: HttpRequest, ref: str) -> dict[str, Any]:
    """A placement with its members' units and states, and its history."""
    return _placement(request, ref)


@router.post("/placements/{ref}/check-in", response={200: PlacementOut, **ERRORS},
             tags=["shelters"], exclude_unset=True)
def check_in(request: HttpRequest, ref: str, payload: MembersIn) -> dict[str, Any]:
    """Check in people placed but not yet present (those named, or all); records arrivals."""
    services.placement_check_in(actor=actor(request), placement=ref, members=payload.members)
    return _placement(request, ref)


@router.post("/placements/{ref}/transfer", response={201: PlacementOut, **ERRORS},
             tags=["shelters"], exclude_unset=True)
def transfer(request: HttpRequest, ref: str,
             payload: PlacementTransferIn) -> Status[dict[str, Any]]:
    """Move people to beds at another shelter; answers the new placement."""
    moved = services.placement_transfer(
        actor=actor(request), placement=ref, site=payload.site, unit=payload.unit,
        members=payload.members, split_reason=payload.split_reason, check_in=payload.check_in)
    return Status(201, _placement(request, str(moved.id)))


@router.post("/placements/{ref}/check-out", response={200: PlacementOut, **ERRORS},
             tags=["shelters"], exclude_unset=True)
def check_out(request: HttpRequest, ref: str, payload: CheckOutIn) -> dict[str, Any]:
    """Check people out (those named, or all still there), with where they went."""
    services.placement_check_out(actor=actor(request), placement=ref,
                                 destination=payload.destination,
                                 destination_site=payload.destination_site,
                                 members=payload.members)
    return _placement(request, ref)


class WaitingQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    site: str = Field("", max_length=60, description="a site; every site within reach if empty")


@router.get("/waiting-list", response={200: list[WaitingOut], **ERRORS}, tags=["shelters"])
def list_waiting(request: HttpRequest, query: Query[WaitingQuery]) -> list[dict[str, Any]]:
    """Households waiting for a bed, per site in the order they are served."""
    reject_unknown_params(request, WaitingQuery)
    return [records.waiting_record(v)
            for v in selectors.waiting_list(actor=actor(request), site=query.site)]


def _waiting(request: HttpRequest, site: str, entry: int) -> dict[str, Any]:
    views = selectors.waiting_list(actor=actor(request), site=site)
    return records.waiting_record(next(v for v in views if v.entry.id == entry))


@router.post("/waiting-list", response={200: WaitingOut, 201: WaitingOut, **ERRORS},
             tags=["shelters"])
def add_waiting(request: HttpRequest, payload: WaitingIn) -> Status[dict[str, Any]]:
    """Put a household on a site's waiting list; the vulnerable are served first.

    201 with its place in the queue; 200 when it was already waiting there.
    """
    entry, created = services.waiting_add(actor=actor(request), household=payload.household,
                                          site=payload.site)
    return Status(201 if created else 200, _waiting(request, entry.site.slug, entry.id))


@router.post("/waiting-list/{entry}/cancel", response={200: WaitingOut, **ERRORS},
             tags=["shelters"])
def cancel_waiting(request: HttpRequest, entry: int) -> dict[str, Any]:
    """Take a household off the waiting list."""
    cancelled = services.waiting_cancel(actor=actor(request), entry=entry)
    return {"id": cancelled.id, "position": 0, "household": None, "site": cancelled.site.slug,
            "size": cancelled.size, "accessible_beds": cancelled.accessible_beds,
            "priority": cancelled.priority, "requested_at": cancelled.requested_at,
            "fits_now": False}


# ----- households arriving at a hub
@router.post("/household-arrivals/preview", response={200: PresentedOut, **ERRORS},
             tags=["arrivals"])
def preview_household_arrival(request: HttpRequest, payload: PresentIn) -> dict[str, Any]:
    """The members of the household on a card (household's or any member's code), to confirm.

    Works for a household registered at another site: whoever holds the card may show
    it. Answers names and codes only, and the look-up is audited.
    """
    return records.presented_record(selectors.household_presented(
        actor=actor(request), code=payload.code, site=payload.site))


@router.post("/household-arrivals", response={201: HouseholdArrivalOut, **ERRORS},
             tags=["arrivals"])
def create_household_arrival(request: HttpRequest,
                             payload: HouseholdArrivalIn) -> Status[dict[str, Any]]:
    """Record the arrival of a household's members present (`members`, or all), at once."""
    done = services.household_arrival_record(actor=actor(request), code=payload.code,
                                             site=payload.site, members=payload.members)
    return Status(201, {"household": done.household.code, "site": done.site.slug,
                        "arrived": [p.code for p in done.arrived],
                        "already_here": [p.code for p in done.already_here],
                        "absent": [p.code for p in done.absent]})


# ----- transport
@router.get("/vehicles", response={200: list[VehicleOut], **ERRORS}, tags=["transport"])
def list_vehicles(request: HttpRequest) -> list[dict[str, Any]]:
    return [records.vehicle_record(v) for v in selectors.vehicle_list(actor=actor(request))]


@router.post("/vehicles", response={201: VehicleOut, **ERRORS}, tags=["transport"])
def create_vehicle(request: HttpRequest, payload: VehicleIn) -> Status[dict[str, Any]]:
    """Add a bus, ambulance, private car or truck."""
    vehicle = services.vehicle_create(actor=actor(request), **payload.model_dump())
    return Status(201, records.vehicle_record(vehicle))


class RunQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    status: str = Field("", max_length=20)
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


@router.get("/runs", response={200: RunPage, **ERRORS}, tags=["transport"])
def list_runs(request: HttpRequest, query: Query[RunQuery]) -> dict[str, Any]:
    """Runs from or to your sites, latest first, with their passenger counts."""
    reject_unknown_params(request, RunQuery)
    page = selectors.run_list(actor=actor(request), status=query.status, page=query.page,
                              per_page=query.per_page)
    return {"page": page.number, "pages": page.pages, "total": page.total,
            "items": [records.run_summary_record(s) for s in page.items]}


def _run(request: HttpRequest, ref: str) -> dict[str, Any]:
    return records.run_record(selectors.run_get(actor=actor(request), ref=ref))


@router.post("/runs", response={201: RunDetailOut, **ERRORS}, tags=["transport"])
def create_run(request: HttpRequest, payload: RunIn) -> Status[dict[str, Any]]:
    """Plan a run of a vehicle to a site; an ambulance's names the destination hospital."""
    values = payload.model_dump()
    aware(values["planned_departure"], "planned_departure")
    aware(values["planned_arrival"], "planned_arrival")
    run = services.run_create(actor=actor(request), run=services.RunInput(**values))
    return Status(201, _run(request, str(run.id)))


@router.get("/runs/{ref}", response={200: RunDetailOut, **ERRORS}, tags=["transport"])
def get_run(request: HttpRequest, ref: str) -> dict[str, Any]:
    """A run with its manifest: registered passengers by code and name, names to register."""
    return _run(request, ref)


@router.post("/runs/{ref}/passengers", response={200: RunDetailOut, **ERRORS},
             tags=["transport"])
def add_passengers(request: HttpRequest, ref: str, payload: PassengersIn) -> dict[str, Any]:
    """Add passengers by card code (a household's adds every member) or by name."""
    services.passengers_add(actor=actor(request), run=ref, codes=payload.codes,
                            names=[(n.given_name, n.family_name) for n in payload.names])
    return _run(request, ref)


@router.post("/runs/{ref}/depart", response={200: RunDetailOut, **ERRORS}, tags=["transport"])
def depart(request: HttpRequest, ref: str, payload: DepartIn) -> dict[str, Any]:
    services.run_depart(actor=actor(request), run=ref,
                        at=aware(payload.departed_at, "departed_at"))
    return _run(request, ref)


@router.post("/runs/{ref}/arrive", response={200: ArriveOut, **ERRORS}, tags=["transport"])
def arrive(request: HttpRequest, ref: str, payload: ArriveIn) -> dict[str, Any]:
    """Record the run's arrival: every passenger not `absent` arrives at the destination,
    all in one step or none; the absent are flagged for tracing."""
    done = services.run_arrive(actor=actor(request), run=ref, absent=payload.absent,
                               at=aware(payload.arrived_at, "arrived_at"))
    return {"run": _run(request, ref), "arrived": len(done.arrived),
            "to_register": len(done.to_register), "no_shows": len(done.no_shows)}


@router.post("/runs/{ref}/cancel", response={200: RunDetailOut, **ERRORS}, tags=["transport"])
def cancel_run(request: HttpRequest, ref: str) -> dict[str, Any]:
    services.run_cancel(actor=actor(request), run=ref)
    return _run(request, ref)


@router.get("/no-shows", response={200: list[NoShowOut], **ERRORS}, tags=["transport"])
def list_no_shows(request: HttpRequest) -> list[dict[str, Any]]:
    """Passengers who did not arrive with their run: flagged for tracing to follow up."""
    return [records.no_show_record(n) for n in selectors.no_shows(actor=actor(request))]


# ----- cards
@router.post("/cards", response={200: bytes, **ERRORS}, tags=["cards"])
def print_cards(request: HttpRequest, payload: CardsIn) -> HttpResponse:
    """Household cards as an A4 PDF (four A6 cards a page); one household: one A6 page."""
    document = cards.cards_pdf(actor=actor(request), households=payload.households,
                               site=payload.site)
    response = HttpResponse(document.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.file_name}"'
    return response
