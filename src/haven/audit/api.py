"""The audit log over JSON, for auditors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from haven.audit.selectors import AuditFilters, audit_page
from haven.core.http import reject_unknown_params
from haven.registry.schemas import ErrorOut
from haven.registry.selectors import record_ids_for_audit

router = Router(tags=["audit"])


class AuditQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    user: str = Field("", max_length=150)
    record: str = Field("", max_length=64)  # a person's or household's code, or an id
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    action: str = Field("", max_length=40)
    outcome: str = Field("", max_length=10)
    page: int = Field(1, ge=1, le=1_000_000)
    limit: int = Field(200, ge=1, le=1000)  # events per page


class AuditEventOut(Schema):
    at: dt.datetime
    user: str
    role: str
    site: str
    action: str
    outcome: str
    target_type: str
    targets: list[str]
    channel: str
    client_address: str | None


@router.get("/audit", response={200: list[AuditEventOut], (401, 403, 422): ErrorOut})
def list_audit_events(request: HttpRequest, response: HttpResponse,
                      query: Query[AuditQuery]) -> list[dict[str, Any]]:
    """Return audit events, newest first: who read or changed which record, when, from where.

    `record` takes a person's or household's code (HVN-…) or any record's id. A page
    holds `limit` events; when an older page follows, the answer's `Link` header names
    it (`rel="next"`), as RFC 8288 has it.
    """
    reject_unknown_params(request, AuditQuery)
    found = audit_page(
        actor=request.auth,  # type: ignore[attr-defined]
        filters=AuditFilters(username=query.user, record=query.record,
                             records=record_ids_for_audit(query.record) if query.record
                             else (), since=query.since, until=query.until,
                             action=query.action, outcome=query.outcome),
        page=query.page, per_page=query.limit,
    )
    if found.has_next:
        following = request.GET.copy()
        following["page"] = str(found.number + 1)
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return [
        {"at": e.at, "user": e.username, "role": e.role, "site": e.site, "action": e.action,
         "outcome": e.outcome, "target_type": e.target_type,
         "targets": [t.target_id for t in e.targets.all()], "channel": e.channel,
         "client_address": e.client_address}
        for e in found.items
    ]
