"""The audit log over JSON, for auditors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from haven.audit.selectors import AuditFilters, audit_events
from haven.core.http import reject_unknown_params
from haven.registry.schemas import ErrorOut

router = Router(tags=["audit"])


class AuditQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    user: str = Field("", max_length=150)
    record: str = Field("", max_length=64)
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    action: str = Field("", max_length=30)
    limit: int = Field(200, ge=1, le=1000)


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
def list_audit_events(request: HttpRequest, query: Query[AuditQuery]) -> list[dict[str, Any]]:
    """Return audit events: who read or changed which record, when and from where."""
    reject_unknown_params(request, AuditQuery)
    events = audit_events(
        actor=request.auth,  # type: ignore[attr-defined]
        filters=AuditFilters(username=query.user, record=query.record, since=query.since,
                             until=query.until, action=query.action),
        limit=query.limit,
    )
    return [
        {"at": e.at, "user": e.username, "role": e.role, "site": e.site, "action": e.action,
         "outcome": e.outcome, "target_type": e.target_type,
         "targets": [t.target_id for t in e.targets.all()], "channel": e.channel,
         "client_address": e.client_address}
        for e in events
    ]
