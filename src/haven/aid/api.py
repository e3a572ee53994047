"""The aid JSON API: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from haven.accounts.access import Actor
from haven.aid import records, selectors, services
from haven.aid.schemas import (
    ContributionIn,
    ContributionOut,
    DeliveryIn,
    DeliveryOut,
    DistributionIn,
    DistributionOut,
    DonorIn,
    DonorOut,
    RateIn,
    RateOut,
    StatusIn,
    StockOut,
)
from haven.core.errors import NotFound
from haven.core.http import reject_unknown_params
from haven.registry.schemas import ErrorOut
from haven.registry.selectors import site_by_slug

router = Router(tags=["aid"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 409, 422): ErrorOut}


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


class ContributionQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    status: str = Field("", max_length=20)
    undelivered: bool = Field(False, description="only those with something left to deliver")


@router.get("/aid/donors", response={200: list[DonorOut], **ERRORS})
def list_donors(request: HttpRequest) -> list[dict[str, Any]]:
    """List donors (organisations, not persons)."""
    selectors.require_aid_figures(_actor(request))
    return [records.donor_record(d) for d in selectors.donor_list()]


@router.post("/aid/donors", response={201: DonorOut, **ERRORS})
def create_donor(request: HttpRequest, payload: DonorIn) -> Status[dict[str, Any]]:
    donor = services.donor_create(actor=_actor(request), **payload.model_dump())
    return Status(201, records.donor_record(donor))


@router.get("/aid/rates", response={200: list[RateOut], **ERRORS})
def list_rates(request: HttpRequest) -> list[dict[str, Any]]:
    """List the exchange rates contributions are valued by (US dollars per unit)."""
    selectors.require_aid_figures(_actor(request))
    return [{"currency": r.currency, "date": r.date, "usd_per_unit": float(r.usd_per_unit)}
            for r in selectors.rate_list()]


@router.post("/aid/rates", response={201: RateOut, **ERRORS})
def set_rate(request: HttpRequest, payload: RateIn) -> Status[dict[str, Any]]:
    rate = services.exchange_rate_set(actor=_actor(request), **payload.model_dump())
    return Status(201, {"currency": rate.currency, "date": rate.date,
                        "usd_per_unit": float(rate.usd_per_unit)})


@router.get("/aid/contributions", response={200: list[ContributionOut], **ERRORS})
def list_contributions(request: HttpRequest,
                       query: Query[ContributionQuery]) -> list[dict[str, Any]]:
    """List contributions with what was delivered; `undelivered=true`: still owed."""
    reject_unknown_params(request, ContributionQuery)
    views = selectors.contribution_list(actor=_actor(request), status=query.status,
                                        undelivered=query.undelivered)
    return [records.contribution_record(v) for v in views]


@router.post("/aid/contributions", response={201: ContributionOut, **ERRORS})
def create_contribution(request: HttpRequest,
                        payload: ContributionIn) -> Status[dict[str, Any]]:
    """Record a pledge, commitment or payment, in cash or in kind."""
    actor = _actor(request)
    created = services.contribution_create(
        actor=actor, contribution=services.ContributionInput(**payload.model_dump()))
    view = selectors.contribution_detail(actor=actor, ref=created.pk)
    return Status(201, records.contribution_record(view, deliveries=True))


@router.get("/aid/contributions/{contribution}", response={200: ContributionOut, **ERRORS})
def get_contribution(request: HttpRequest, contribution: str) -> dict[str, Any]:
    view = selectors.contribution_detail(actor=_actor(request), ref=contribution)
    return records.contribution_record(view, deliveries=True)


@router.post("/aid/contributions/{contribution}/status",
             response={200: ContributionOut, **ERRORS})
def advance_contribution(request: HttpRequest, contribution: str,
                         payload: StatusIn) -> dict[str, Any]:
    """Move a contribution on: pledge -> commitment -> paid."""
    actor = _actor(request)
    found = services.contribution_advance(actor=actor, contribution=contribution,
                                          status=payload.status, date=payload.date)
    return records.contribution_record(selectors.contribution_detail(actor=actor, ref=found.pk),
                                       deliveries=True)


@router.post("/aid/contributions/{contribution}/deliveries",
             response={201: DeliveryOut, **ERRORS})
def create_delivery(request: HttpRequest, contribution: str,
                    payload: DeliveryIn) -> Status[dict[str, Any]]:
    """Record goods (or a cash tranche) received at a site against a commitment."""
    delivery = services.delivery_record(actor=_actor(request), contribution=contribution,
                                        **payload.model_dump())
    return Status(201, {"id": delivery.pk, "site": delivery.site.slug,
                        "received_on": delivery.received_on,
                        "quantity": float(delivery.quantity)})


@router.get("/aid/sites/{slug}/stock", response={200: list[StockOut], **ERRORS})
def get_stock(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """What each item in kind at a site came to, was handed out, and has left."""
    actor = _actor(request)
    actor.require("register")
    site = site_by_slug(slug)
    if site is None:
        raise NotFound("No such site.")
    return [records.stock_record(line) for line in
            selectors.site_stock(actor=actor, site_id=site.pk)]


@router.post("/aid/distributions", response={201: DistributionOut, **ERRORS})
def create_distribution(request: HttpRequest,
                        payload: DistributionIn) -> Status[dict[str, Any]]:
    """Record a hand-out to a household (by code) or to someone not registered."""
    given = services.distribution_record(
        actor=_actor(request), distribution=services.DistributionInput(**payload.model_dump()))
    return Status(201, records.distribution_record(given))


@router.get("/aid/households/{household}/distributions",
            response={200: list[DistributionOut], **ERRORS})
def household_distributions(request: HttpRequest, household: str) -> list[dict[str, Any]]:
    """A household's assistance history (audited)."""
    _household, given = selectors.household_assistance(actor=_actor(request), ref=household)
    return [records.distribution_record(d) for d in given]
