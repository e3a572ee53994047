"""The tracing JSON API (`/api/v1/tracing/...`): parse, call one service or selector, render.

Search input travels in POST bodies, never in URLs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from haven.accounts.access import Actor
from haven.core.http import reject_unknown_params
from haven.registry.schemas import ErrorOut
from haven.tracing import safe_and_well, selectors, services
from haven.tracing.models import Alert, ChildCase, TracingRequest

router = Router(tags=["tracing"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 409, 422, 429): ErrorOut}


def actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class SoughtIn(Strict):
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    patronymic: str = Field("", max_length=100)
    other_names: str = Field("", max_length=200)
    sex: str = Field("", max_length=10)
    birth_year: int | None = None
    age: int | None = None
    origin: str = Field("", max_length=100)
    last_seen_place: str = Field("", max_length=200)
    last_seen_on: dt.date | None = None
    details: str = Field("", max_length=2000)


class RequestIn(Strict):
    site: str = Field(max_length=60)
    searcher_name: str = Field(max_length=200)
    sought: list[SoughtIn] = Field(max_length=20)
    priority: str = "other"
    searcher_relationship: str = Field("", max_length=60)
    searcher_contact: str = Field("", max_length=200)
    searcher_staying_at: str = Field("", max_length=200)
    consent_share: bool = False
    share_scope: str = "none"
    details: str = Field("", max_length=2000)


class TracingStatusIn(Strict):
    status: str
    reason: str = Field("", max_length=200)


class SearchIn(Strict):
    name: str = Field(max_length=200)
    birth_year: int | None = None
    origin: str | None = Field(None, max_length=100)
    sex: str | None = Field(None, max_length=10)
    age: int | None = None
    limit: int = Field(20, ge=1, le=200)


class AlertDecisionIn(Strict):
    decision: str


class ReunificationIn(Strict):
    relationship: str = Field("", max_length=60)
    searcher_consent: bool
    found_consent: bool
    place: str = Field(max_length=200)
    reunited_on: dt.date


class ChildCloseIn(Strict):
    status: str
    note: str = Field("", max_length=200)


class ConsentIn(Strict):
    person: str = Field(max_length=60)
    consent: bool


class LookupIn(Strict):
    name: str = Field(max_length=200)
    birth_year: int | None = None
    origin: str = Field(max_length=100)


class TracingListQuery(Strict):
    status: str = Field("", max_length=20)
    mine: bool = False


# Answers are plain JSON objects; their fields are documented on each endpoint.
Out = dict[str, Any]


def _request_out(r: TracingRequest, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.pk, "code": r.code, "site": r.site.slug, "owner": r.owner.username,
        "status": r.status, "priority": r.priority, "created_at": r.created_at,
        "updated_at": r.updated_at}
    if full:
        out.update({
            "searcher": {"name": r.searcher_name, "relationship": r.searcher_relationship,
                         "contact": r.searcher_contact, "staying_at": r.searcher_staying_at},
            "consent_share": r.consent_share, "share_scope": r.share_scope,
            "details": r.details, "close_reason": r.close_reason,
            "sought": [{"given_name": s.given_name, "family_name": s.family_name,
                        "patronymic": s.patronymic, "other_names": s.other_names,
                        "sex": s.sex, "birth_year": s.birth_year, "age": s.age,
                        "origin": s.origin, "last_seen_place": s.last_seen_place,
                        "last_seen_on": s.last_seen_on, "details": s.details}
                       for s in r.sought.all()],
            "history": [{"at": e.at, "by": e.by.username if e.by else None,
                         "from": e.from_status, "to": e.to_status, "reason": e.reason}
                        for e in r.history.select_related("by")],
        })
    return out


def _alert_out(a: Alert, code: str = "") -> dict[str, Any]:
    return {"id": a.pk, "request": a.request_id, "person": code or None, "score": a.score,
            "reasons": a.reasons, "state": a.state, "created_at": a.created_at}


@router.get("/tracing/requests", response={200: Out, **ERRORS})
def list_requests(request: HttpRequest, query: Query[TracingListQuery]) -> dict[str, Any]:
    """List the tracing requests at your sites, those with new alerts first."""
    reject_unknown_params(request, TracingListQuery)
    items = selectors.request_list(actor=actor(request), status=query.status, mine=query.mine)
    return {"items": [{**_request_out(r), "new_alerts": r.new_alerts}  # type: ignore[attr-defined]
                      for r in items[:selectors.LIST_LIMIT]]}


@router.post("/tracing/requests", response={201: Out, **ERRORS})
def create_request(request: HttpRequest, body: RequestIn) -> Status[dict[str, Any]]:
    """Open a tracing request: who is sought, who is searching, consent, priority."""
    data = body.dict()
    sought = [services.SoughtInput(**s) for s in data.pop("sought")]
    created = services.request_create(actor=actor(request),
                                      request=services.RequestInput(**data, sought=sought))
    return Status(201, _request_out(created, full=True))


@router.get("/tracing/requests/{tracing_request}", response={200: Out, **ERRORS})
def get_request(request: HttpRequest, tracing_request: str) -> dict[str, Any]:
    """One request with its sought persons, history and alerts."""
    who = actor(request)
    found = selectors.request_get(actor=who, request=tracing_request)
    views = selectors.alert_views(actor=who, request=found)
    return {**_request_out(found, full=True),
            "alerts": [_alert_out(v.alert, v.person_code) for v in views]}


@router.post("/tracing/requests/{tracing_request}/status", response={200: Out, **ERRORS})
def set_status(request: HttpRequest, tracing_request: str, body: TracingStatusIn) -> dict[str, Any]:
    """Move a request along open → possible match → confirmed → reunified → closed."""
    return _request_out(services.request_status_set(
        actor=actor(request), request=tracing_request, status=body.status, reason=body.reason))


@router.post("/tracing/requests/{tracing_request}/search", response={200: Out, **ERRORS})
def search(request: HttpRequest, tracing_request: str, body: SearchIn) -> dict[str, Any]:
    """Search the registry for a request: a name in any script and one more detail."""
    hits = services.tracing_search(actor=actor(request), request=tracing_request,
                                   name=body.name, birth_year=body.birth_year,
                                   origin=body.origin, sex=body.sex, age=body.age,
                                   limit=body.limit)
    return {"items": [{"person": h.person.code, "given_name": h.person.given_name,
                       "family_name": h.person.family_name, "birth_date": h.person.birth_date,
                       "site": h.person.household.registered_at.slug, "score": h.score,
                       "reasons": list(h.reasons)} for h in hits]}


@router.post("/tracing/requests/{tracing_request}/reunification",
             response={201: Out, **ERRORS})
def reunify(request: HttpRequest, tracing_request: str,
            body: ReunificationIn) -> Status[dict[str, Any]]:
    """Record the reunification of a confirmed match: link, both consents, where, when."""
    done = services.reunification_record(actor=actor(request), request=tracing_request,
                                         **body.dict())
    return Status(201, {"request": done.request_id, "place": done.place,
                        "reunited_on": done.reunited_on, "relationship": done.relationship})


@router.post("/tracing/alerts/{alert}/decision", response={200: Out, **ERRORS})
def decide(request: HttpRequest, alert: str, body: AlertDecisionIn) -> dict[str, Any]:
    """Confirm an alert (the person is the one sought) or reject it."""
    return _alert_out(services.alert_decide(actor=actor(request), alert=alert,
                                            decision=body.decision))


@router.get("/tracing/children", response={200: Out, **ERRORS})
def list_children(request: HttpRequest) -> dict[str, Any]:
    """Unaccompanied and separated children being followed at your sites."""
    cases: list[ChildCase] = selectors.children_list(actor=actor(request))
    return {"items": [{"id": c.pk, "person": c.person.code, "site": c.site.slug,
                       "reason": c.reason, "status": c.status, "flagged_at": c.flagged_at}
                      for c in cases]}


@router.post("/tracing/children/{case}/close", response={200: Out, **ERRORS})
def close_child(request: HttpRequest, case: str, body: ChildCloseIn) -> dict[str, Any]:
    """End a child's follow-up: reunified, or placed in care."""
    closed = services.child_case_close(actor=actor(request), case=case, status=body.status,
                                       note=body.note)
    return {"id": closed.pk, "status": closed.status, "closed_at": closed.closed_at}


@router.post("/tracing/safe-and-well/consent", response={200: Out, **ERRORS})
def consent(request: HttpRequest, body: ConsentIn) -> dict[str, Any]:
    """Record (or withdraw) a person's consent to "tell my family I am safe"."""
    services.safe_and_well_consent(actor=actor(request), person=body.person,
                                   consent=body.consent)
    return {"person": body.person, "consent": body.consent}


@router.post("/tracing/safe-and-well/lookup", response={200: Out, **ERRORS})
def lookup(request: HttpRequest, body: LookupIn) -> dict[str, Any]:
    """Ask whether someone registered safe: name AND birth year AND settlement of origin."""
    who = actor(request)
    answer = safe_and_well.safe_and_well_lookup(
        actor=who, name=body.name, birth_year=body.birth_year, origin=body.origin,
        client_address=who.client_address)
    return {"found": answer.found, "answer": answer.text}
