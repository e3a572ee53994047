"""JSON shapes of reception's API. Unknown fields are refused, never silently dropped."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field

CODE = Field(max_length=200, description="a household's or person's code, as typed or scanned")
CODES = Field(default=None, max_length=100,
              description="members' codes; leave out for every member")


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class UnitIn(Strict):
    name: str = Field(max_length=1000, description="a room, hall or tent: Hall A, Room 12")
    beds: int = Field(ge=0, le=1_000_000)
    accessible_beds: int = Field(0, ge=0, le=1_000_000,
                                 description="beds a wheelchair user can reach")


class UnitPatch(Strict):
    name: str | None = Field(None, max_length=1000)
    beds: int | None = Field(None, ge=0, le=1_000_000)
    accessible_beds: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool | None = None


class UnitOut(Schema):
    id: int
    site: str
    name: str
    beds: int
    accessible_beds: int
    is_active: bool


class UnitFigures(UnitOut):
    present: int
    expected: int
    free: int
    accessible_free: int


class OccupancyOut(Schema):
    site: str
    name: str
    capacity: int = Field(description="beds in the site's open units")
    present: int = Field(description="people checked in")
    expected: int = Field(description="people placed, not yet checked in: their beds are kept")
    free: int
    accessible_beds: int
    accessible_free: int
    units: list[UnitFigures]


class PlacementIn(Strict):
    household: str = CODE
    site: str = Field(max_length=60)
    unit: int | str | None = Field(None, description="a unit's id or name; leave out to let "
                                                     "Haven choose")
    members: list[str] | None = CODES
    split_reason: str = Field("", max_length=1000,
                              description="why only these members: required with members")
    check_in: bool = Field(True, description="present at once (else their beds are kept)")


class MembersIn(Strict):
    members: list[str] | None = CODES


class PlacementTransferIn(Strict):
    site: str = Field(max_length=60)
    unit: int | str | None = None
    members: list[str] | None = CODES
    split_reason: str = Field("", max_length=1000)
    check_in: bool = False


class CheckOutIn(Strict):
    destination: str = Field(max_length=40, description="other_shelter, private_accommodation, "
                                                        "hospital, onward_travel or unknown")
    destination_site: str = Field("", max_length=60)
    members: list[str] | None = CODES


class MemberOut(Schema):
    code: str
    name: str
    latin: str


class StayOut(MemberOut):
    unit: str
    state: str
    checked_in_at: dt.datetime | None
    ended_at: dt.datetime | None
    destination: str | None
    destination_site: str | None


class EventOut(Schema):
    at: dt.datetime
    by: str
    action: str
    persons: int
    details: dict[str, object]


class PlacementOut(Schema):
    id: str
    household: str | None = Field(description="null for a household you may not see")
    site: str
    placed_at: dt.datetime
    placed_by: str
    split_reason: str
    transferred_from: str | None
    present: int
    expected: int
    members: list[StayOut]
    members_not_shown: int = Field(description="members at sites you may not see")
    history: list[EventOut] | None = None


class PlacementPage(Schema):
    page: int
    pages: int
    total: int
    items: list[PlacementOut]


class HouseholdRefIn(Strict):
    household: str = CODE


class ShareOut(Schema):
    unit: str
    people: int
    accessible: int


class ProposalOut(Schema):
    site: str
    name: str
    free: int
    accessible_free: int
    near_hospital: str | None
    units: list[ShareOut]


class ProposalsOut(Schema):
    household: str
    people: int
    accessible_beds: int
    proposals: list[ProposalOut]
    too_small: list[ProposalOut]
    needs_hospital: bool | None = None


class WaitingIn(Strict):
    household: str = CODE
    site: str = Field(max_length=60)


class WaitingOut(Schema):
    id: int
    position: int
    household: str | None
    site: str
    size: int
    accessible_beds: int
    priority: bool
    requested_at: dt.datetime
    fits_now: bool


class PresentIn(Strict):
    code: str = CODE
    site: str = Field(max_length=60)


class PresentedMemberOut(MemberOut):
    already_here: bool


class PresentedOut(Schema):
    household: str
    scanned: str
    site: str
    members: list[PresentedMemberOut]


class HouseholdArrivalIn(PresentIn):
    members: list[str] | None = CODES


class HouseholdArrivalOut(Schema):
    household: str
    site: str
    arrived: list[str]
    already_here: list[str]
    absent: list[str]


class VehicleIn(Strict):
    kind: str = Field(max_length=20, description="bus, ambulance, private_car or truck")
    plate: str = Field(max_length=40)
    capacity: int = Field(ge=0, le=100_000, description="passenger seats")
    operator: str = Field("", max_length=1000)


class VehicleOut(Schema):
    id: int
    kind: str
    plate: str
    capacity: int
    operator: str


class RunIn(Strict):
    vehicle: str = Field(max_length=40, description="the vehicle's plate")
    destination: str = Field(max_length=60, description="the site it takes people to")
    origin_site: str = Field("", max_length=60)
    origin_place: str = Field("", max_length=1000, description="where there is no site")
    hospital: str = Field("", max_length=60,
                          description="ambulances: the patients' destination hospital")
    planned_departure: dt.datetime | None = None
    planned_arrival: dt.datetime | None = None
    reference: str = Field("", max_length=200)


class RunOut(Schema):
    id: str
    reference: str
    vehicle: str
    kind: str
    status: str
    origin_site: str | None
    origin_place: str
    destination: str
    hospital: str | None
    planned_departure: dt.datetime | None
    planned_arrival: dt.datetime | None
    departed_at: dt.datetime | None
    arrived_at: dt.datetime | None


class RunSummaryOut(RunOut):
    passengers: int
    arrived: int
    no_shows: int


class RunPage(Schema):
    page: int
    pages: int
    total: int
    items: list[RunSummaryOut]


class PassengerOut(Schema):
    number: int
    code: str | None
    name: str
    latin: str | None
    status: str
    flagged_for_tracing: bool


class RunDetailOut(RunOut):
    seats: int
    manifest: list[PassengerOut]


class NameIn(Strict):
    given_name: str = Field(max_length=1000)
    family_name: str = Field(max_length=1000)


class PassengersIn(Strict):
    codes: list[str] = Field(default_factory=list, max_length=500)
    names: list[NameIn] = Field(default_factory=list, max_length=500)


class DepartIn(Strict):
    departed_at: dt.datetime | None = None


class ArriveIn(Strict):
    absent: list[str] = Field(default_factory=list, max_length=500,
                              description="passengers who did not arrive: codes or manifest "
                                          "numbers; they are flagged for tracing")
    arrived_at: dt.datetime | None = None


class ArriveOut(Schema):
    run: RunDetailOut
    arrived: int
    to_register: int
    no_shows: int


class NoShowOut(Schema):
    person: str | None
    code: str | None
    name: str
    run: str
    vehicle: str
    origin: str
    destination: str
    expected_at: dt.datetime | None
    flagged_at: dt.datetime


class CardsIn(Strict):
    households: list[str] = Field(max_length=200, description="household codes")
    site: str = Field("", max_length=60, description="the issuing site printed on the cards")


class ConflictOut(Schema):
    error: str
    message: str
    reason: str | None = None
    needed: int | None = None
    free: int | None = None
