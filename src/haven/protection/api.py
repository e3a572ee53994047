"""The protection JSON API: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from haven.accounts.access import Actor
from haven.core.errors import ValidationFailed
from haven.core.http import reject_unknown_params
from haven.protection import records, selectors, services
from haven.protection.schemas import (
    CasualtyIn,
    CasualtyOut,
    CasualtyPage,
    CasualtyPatch,
    FollowUpIn,
    IdentifyIn,
    IncidentIn,
    IncidentOut,
    LeftBehindIn,
    LeftBehindOut,
    LeftBehindPage,
    OverdueOut,
    ReferralIn,
    ReferralOut,
    ReferralPage,
    ReferralStatusIn,
    TransferIn,
    WelfareCheckIn,
)
from haven.protection.selectors.common import PER_PAGE
from haven.protection.services.common import local_today
from haven.registry.schemas import ErrorOut
from haven.registry.selectors import MAX_PER_PAGE

router = Router(tags=["protection"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 409, 413, 422): ErrorOut}


def actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


def _page(found: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"page": found.number, "pages": found.pages, "total": found.total, "items": items}


# ----- referrals
class ReferralQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    direction: str = Field("", max_length=10, description="sent or received")
    status: str = Field("", max_length=20)
    site: str = Field("", max_length=60)
    overdue: bool = False
    mine: bool = False
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(PER_PAGE, ge=1, le=MAX_PER_PAGE)


def _referral(request: HttpRequest, referral_id: Any) -> dict[str, Any]:
    view = selectors.referral_get(actor=actor(request), referral_id=referral_id,
                                  today=local_today())
    return records.referral_record(view, actor=actor(request), with_history=True)


@router.post("/referrals", response={201: ReferralOut, **ERRORS}, exclude_unset=True)
def create_referral(request: HttpRequest, payload: ReferralIn) -> Status[dict[str, Any]]:
    """Refer a person to a service or site. Without consent, only a life-saving exception
    (an emergency, with `exception_reason`) is accepted."""
    referral = services.referral_create(
        actor=actor(request), referral=services.ReferralInput(**payload.model_dump()))
    return Status(201, _referral(request, referral.id))


@router.get("/referrals", response={200: ReferralPage, **ERRORS}, exclude_unset=True)
def list_referrals(request: HttpRequest, query: Query[ReferralQuery]) -> dict[str, Any]:
    """List referrals sent from or received at your sites, newest first."""
    reject_unknown_params(request, ReferralQuery)
    filters = selectors.ReferralFilters(direction=query.direction, status=query.status,
                                        site=query.site, overdue=query.overdue, mine=query.mine)
    found = selectors.referral_list(actor=actor(request), filters=filters, today=local_today(),
                                    page=query.page, per_page=query.per_page)
    return _page(found, [records.referral_record(v, actor=actor(request)) for v in found.items])


@router.get("/referrals/overdue", response={200: OverdueOut, **ERRORS}, exclude_unset=True)
def overdue_referrals(request: HttpRequest) -> dict[str, Any]:
    """Open referrals whose follow-up date has passed, per site and per officer."""
    found = selectors.referral_overdue(actor=actor(request), today=local_today())
    shown = {id(v): records.referral_record(v, actor=actor(request))
             for _key, views in found.by_site + found.by_officer for v in views}
    return {"total": found.total, "truncated": found.truncated,
            "by_site": [{"key": s.slug, "referrals": [shown[id(v)] for v in views]}
                        for s, views in found.by_site],
            "by_officer": [{"key": u.get_username(), "referrals": [shown[id(v)] for v in views]}
                           for u, views in found.by_officer]}


@router.get("/referrals/{referral}", response={200: ReferralOut, **ERRORS}, exclude_unset=True)
def get_referral(request: HttpRequest, referral: str) -> dict[str, Any]:
    """Read a referral back, with its history; the person only as an outline."""
    return _referral(request, referral)


@router.post("/referrals/{referral}/status", response={200: ReferralOut, **ERRORS},
             exclude_unset=True)
def set_referral_status(request: HttpRequest, referral: str,
                        payload: ReferralStatusIn) -> dict[str, Any]:
    """Accept or decline (the receiving site; declining needs a reason), or complete."""
    who = actor(request)
    if payload.status == "accepted":
        services.referral_accept(actor=who, referral_id=referral, note=payload.reason,
                                 follow_up_on=payload.follow_up_on)
    elif payload.status == "declined":
        services.referral_decline(actor=who, referral_id=referral, reason=payload.reason)
    elif payload.status == "completed":
        services.referral_complete(actor=who, referral_id=referral, note=payload.reason)
    else:
        raise ValidationFailed.single("status", _("must be accepted, declined or completed"))
    return _referral(request, referral)


@router.post("/referrals/{referral}/follow-ups", response={200: ReferralOut, **ERRORS},
             exclude_unset=True)
def follow_up_referral(request: HttpRequest, referral: str, payload: FollowUpIn) -> dict[str, Any]:
    """Record a follow-up and when the next one is due (null: none)."""
    services.referral_follow_up(actor=actor(request), referral_id=referral, note=payload.note,
                                next_follow_up_on=payload.next_follow_up_on)
    return _referral(request, referral)


# ----- incidents and casualties
def _incident(summary: selectors.IncidentSummary) -> dict[str, Any]:
    i = summary.incident
    return {"id": str(i.id), "kind": i.kind, "name": i.name, "occurred_on": i.occurred_on,
            "place": i.place, "description": i.description, **summary.counts}


@router.get("/incidents", response={200: list[IncidentOut], **ERRORS})
def list_incidents(request: HttpRequest) -> list[dict[str, Any]]:
    """List incidents with their dead, injured and missing counted."""
    return [_incident(s) for s in selectors.incident_list(actor=actor(request))]


@router.post("/incidents", response={201: IncidentOut, **ERRORS})
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status[dict[str, Any]]:
    incident = services.incident_create(
        actor=actor(request), incident=services.IncidentInput(**payload.model_dump()))
    return Status(201, _incident(selectors.incident_get(actor=actor(request),
                                                        incident_id=incident.id)))


@router.get("/incidents/{incident}", response={200: IncidentOut, **ERRORS})
def get_incident(request: HttpRequest, incident: str) -> dict[str, Any]:
    return _incident(selectors.incident_get(actor=actor(request), incident_id=incident))


class CasualtyQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    incident: str = Field("", max_length=64)
    kind: str = Field("", max_length=20)
    site: str = Field("", max_length=60)
    identified: bool | None = None
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(PER_PAGE, ge=1, le=MAX_PER_PAGE)


def _casualty(request: HttpRequest, casualty_id: Any) -> dict[str, Any]:
    view = selectors.casualty_get(actor=actor(request), casualty_id=casualty_id)
    return records.casualty_record(view, actor=actor(request))


@router.get("/casualties", response={200: CasualtyPage, **ERRORS}, exclude_unset=True)
def list_casualties(request: HttpRequest, query: Query[CasualtyQuery]) -> dict[str, Any]:
    """List the register of the dead, injured and missing at your sites."""
    reject_unknown_params(request, CasualtyQuery)
    filters = selectors.CasualtyFilters(incident=query.incident, kind=query.kind,
                                        site=query.site, identified=query.identified)
    found = selectors.casualty_list(actor=actor(request), filters=filters, page=query.page,
                                    per_page=query.per_page)
    return _page(found, [records.casualty_record(v, actor=actor(request)) for v in found.items])


@router.post("/casualties", response={201: CasualtyOut, **ERRORS}, exclude_unset=True)
def create_casualty(request: HttpRequest, payload: CasualtyIn) -> Status[dict[str, Any]]:
    """Record a dead, injured or missing person: by code if identified, else described."""
    casualty = services.casualty_record(
        actor=actor(request), casualty=services.CasualtyInput(**payload.model_dump()))
    return Status(201, _casualty(request, casualty.id))


@router.get("/casualties/{casualty}", response={200: CasualtyOut, **ERRORS}, exclude_unset=True)
def get_casualty(request: HttpRequest, casualty: str) -> dict[str, Any]:
    return _casualty(request, casualty)


@router.patch("/casualties/{casualty}", response={200: CasualtyOut, **ERRORS},
              exclude_unset=True)
def update_casualty(request: HttpRequest, casualty: str, payload: CasualtyPatch) -> dict[str, Any]:
    """Change what became of a casualty (the injured who died, the missing found)."""
    services.casualty_update(actor=actor(request), casualty_id=casualty, kind=payload.kind,
                             occurred_on=payload.occurred_on, injuries=payload.injuries)
    return _casualty(request, casualty)


@router.post("/casualties/{casualty}/identify", response={200: CasualtyOut, **ERRORS},
             exclude_unset=True)
def identify_casualty(request: HttpRequest, casualty: str, payload: IdentifyIn) -> dict[str, Any]:
    """Link an unidentified casualty to the registered person, by the code on their paper."""
    services.casualty_identify(actor=actor(request), casualty_id=casualty, person=payload.person)
    return _casualty(request, casualty)


# ----- the people left behind
class LeftBehindQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    status: str = Field("", max_length=20)
    site: str = Field("", max_length=60)
    overdue: bool = False
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(PER_PAGE, ge=1, le=MAX_PER_PAGE)


def _entry(request: HttpRequest, entry_id: Any) -> dict[str, Any]:
    entry = selectors.left_behind_get(actor=actor(request), entry_id=entry_id)
    return records.left_behind_record(entry, actor=actor(request), today=local_today(),
                                      with_checks=True)


@router.get("/left-behind", response={200: LeftBehindPage, **ERRORS}, exclude_unset=True)
def list_left_behind(request: HttpRequest, query: Query[LeftBehindQuery]) -> dict[str, Any]:
    """List people left behind kept at your sites; `overdue=true` for checks past due."""
    reject_unknown_params(request, LeftBehindQuery)
    today = local_today()
    found = selectors.left_behind_list(
        actor=actor(request), today=today, page=query.page, per_page=query.per_page,
        filters=selectors.LeftBehindFilters(status=query.status, site=query.site,
                                            overdue=query.overdue))
    return _page(found, [records.left_behind_record(e, actor=actor(request), today=today)
                         for e in found.items])


@router.post("/left-behind", response={201: LeftBehindOut, **ERRORS}, exclude_unset=True)
def create_left_behind(request: HttpRequest, payload: LeftBehindIn) -> Status[dict[str, Any]]:
    entry = services.left_behind_register(
        actor=actor(request), entry=services.LeftBehindInput(**payload.model_dump()))
    return Status(201, _entry(request, entry.id))


@router.get("/left-behind/{entry}", response={200: LeftBehindOut, **ERRORS}, exclude_unset=True)
def get_left_behind(request: HttpRequest, entry: str) -> dict[str, Any]:
    return _entry(request, entry)


@router.post("/left-behind/{entry}/checks", response={201: LeftBehindOut, **ERRORS},
             exclude_unset=True)
def record_welfare_check(request: HttpRequest, entry: str,
                         payload: WelfareCheckIn) -> Status[dict[str, Any]]:
    services.welfare_check_record(actor=actor(request), entry_id=entry,
                                  check=services.WelfareCheckInput(**payload.model_dump()))
    return Status(201, _entry(request, entry))


@router.post("/left-behind/{entry}/transfer", response={200: LeftBehindOut, **ERRORS},
             exclude_unset=True)
def transfer_left_behind(request: HttpRequest, entry: str, payload: TransferIn) -> dict[str, Any]:
    """Move the person to a site: their arrival there (registered if they were not)."""
    services.left_behind_transfer(actor=actor(request), entry_id=entry, to_site=payload.to_site,
                                  arrived_at=payload.arrived_at)
    return _entry(request, entry)
