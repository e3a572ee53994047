"""The registry's JSON API: parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from haven.accounts.access import Actor
from haven.core.errors import NotFound
from haven.core.http import reject_unknown_params
from haven.registry import records, selectors, services
from haven.registry.schemas import (
    ArrivalIn,
    ArrivalOut,
    ErrorOut,
    HouseholdCreated,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    HouseholdPatch,
    PersonOut,
    PersonPage,
    PersonPatch,
    SiteIn,
    SiteOut,
)

router = Router()
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 409, 413, 422): ErrorOut}


def actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


class ListQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    site: str = Field("", max_length=60)
    arrived_from: dt.date | None = None
    arrived_to: dt.date | None = None
    vulnerability: str = Field("", max_length=40)
    status: str = Field("", max_length=20)
    q: str = Field("", max_length=100, description="a code, or the start of a name")
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(selectors.PER_PAGE, ge=1, le=selectors.MAX_PER_PAGE)

    def filters(self) -> selectors.RecordFilters:
        return selectors.RecordFilters(
            site=self.site, arrived_from=self.arrived_from, arrived_to=self.arrived_to,
            vulnerability=self.vulnerability, status=self.status, query=self.q)


# ----- sites
@router.get("/sites", response={200: list[SiteOut], **ERRORS}, tags=["sites"])
def list_sites(request: HttpRequest) -> list[dict[str, Any]]:
    """List the sites: border crossings, reception hubs, shelters, hospitals, transit points."""
    return [records.site_record(s) for s in selectors.site_list()]


@router.post("/sites", response={201: SiteOut, **ERRORS}, tags=["sites"])
def create_site(request: HttpRequest, payload: SiteIn) -> Status[dict[str, Any]]:
    site = services.site_create(actor=actor(request),
                                site=services.SiteInput(**payload.model_dump()))
    return Status(201, records.site_record(site))


@router.get("/sites/{slug}", response={200: SiteOut, **ERRORS}, tags=["sites"])
def get_site(request: HttpRequest, slug: str) -> dict[str, Any]:
    site = selectors.site_by_slug(slug)
    if site is None:
        raise NotFound("No such site.")
    return records.site_record(site)


@router.put("/sites/{slug}", response={200: SiteOut, **ERRORS}, tags=["sites"])
def update_site(request: HttpRequest, slug: str, payload: SiteIn) -> dict[str, Any]:
    site = services.site_update(actor=actor(request), slug=slug,
                                site=services.SiteInput(**payload.model_dump()))
    return records.site_record(site)


# ----- households
@router.post("/households", response={201: HouseholdCreated, **ERRORS}, tags=["households"])
def create_household(request: HttpRequest, payload: HouseholdIn) -> Status[dict[str, Any]]:
    """Register a household with all its members, in one transaction or not at all."""
    data = payload.model_dump()
    members = [services.MemberInput(**m) for m in data.pop("members")]
    household = services.household_register(
        actor=actor(request), household=services.HouseholdInput(members=members, **data))
    return Status(201, {
        "id": str(household.id), "code": household.code,
        "members": [{"id": str(p.id), "code": p.code}
                    for p in household.members.order_by("position")],
    })


@router.get("/households", response={200: HouseholdPage, **ERRORS}, tags=["households"])
def list_households(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    reject_unknown_params(request, ListQuery)
    page = selectors.household_list(actor=actor(request), filters=query.filters(),
                                    page=query.page, per_page=query.per_page)
    return {"page": page.number, "pages": page.pages, "total": page.total,
            "items": [records.household_summary(h) for h in page.items]}


@router.get("/households/{ref}", response={200: HouseholdOut, **ERRORS}, tags=["households"],
            exclude_unset=True)
def get_household(request: HttpRequest, ref: str) -> dict[str, Any]:
    """Return a household by id or code, with its members and history of changes."""
    household = selectors.household_get(actor=actor(request), ref=ref)
    return records.household_record(household, actor=actor(request), with_history=True)


@router.patch("/households/{ref}", response={200: HouseholdOut, **ERRORS}, tags=["households"],
              exclude_unset=True)
def update_household(request: HttpRequest, ref: str, payload: HouseholdPatch) -> dict[str, Any]:
    household = services.household_update(actor=actor(request), ref=ref,
                                          changes=payload.model_dump(exclude_unset=True))
    fresh = selectors.household_get(actor=actor(request), ref=str(household.id))
    return records.household_record(fresh, actor=actor(request), with_history=True)


# ----- persons
@router.get("/persons", response={200: PersonPage, **ERRORS}, tags=["persons"],
            exclude_unset=True)
def list_persons(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    reject_unknown_params(request, ListQuery)
    page = selectors.person_list(actor=actor(request), filters=query.filters(),
                                 page=query.page, per_page=query.per_page)
    return {"page": page.number, "pages": page.pages, "total": page.total,
            "items": [records.person_record(p, actor=actor(request)) for p in page.items]}


@router.get("/persons/{ref}", response={200: PersonOut, **ERRORS}, tags=["persons"],
            exclude_unset=True)
def get_person(request: HttpRequest, ref: str) -> dict[str, Any]:
    """Return one person by id or code. Medical fields appear only for roles that may see them."""
    person = selectors.person_get(actor=actor(request), ref=ref)
    return records.person_record(person, actor=actor(request))


@router.patch("/persons/{ref}", response={200: PersonOut, **ERRORS}, tags=["persons"],
              exclude_unset=True)
def update_person(request: HttpRequest, ref: str, payload: PersonPatch) -> dict[str, Any]:
    person = services.person_update(actor=actor(request), ref=ref,
                                    changes=payload.model_dump(exclude_unset=True))
    fresh = selectors.person_get(actor=actor(request), ref=str(person.id))
    return records.person_record(fresh, actor=actor(request))


# ----- arrivals
class ArrivalQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    site: str = Field("", max_length=60)
    arrived_from: dt.date | None = None
    arrived_to: dt.date | None = None
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(selectors.PER_PAGE, ge=1, le=selectors.MAX_PER_PAGE)


class ArrivalPage(Schema):
    page: int
    pages: int
    total: int
    items: list[ArrivalOut]


@router.get("/arrivals", response={200: ArrivalPage, **ERRORS}, tags=["arrivals"])
def list_arrivals(request: HttpRequest, query: Query[ArrivalQuery]) -> dict[str, Any]:
    """List arrivals at the sites you may see, newest first."""
    reject_unknown_params(request, ArrivalQuery)
    filters = selectors.RecordFilters(site=query.site, arrived_from=query.arrived_from,
                                      arrived_to=query.arrived_to)
    page = selectors.arrival_list(actor=actor(request), filters=filters,
                                  page=query.page, per_page=query.per_page)
    return {"page": page.number, "pages": page.pages, "total": page.total,
            "items": [records.arrival_record(a) for a in page.items]}


@router.post("/arrivals", response={201: ArrivalOut, **ERRORS}, tags=["arrivals"])
def create_arrival(request: HttpRequest, payload: ArrivalIn) -> Status[dict[str, Any]]:
    """Record an arrival of a registered person at another site, by their id or code."""
    arrival = services.arrival_record(actor=actor(request), person=payload.person,
                                      site=payload.site)
    return Status(201, records.arrival_record(arrival))
