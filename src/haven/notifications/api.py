"""The notifications JSON API: a user's own list, and acknowledging one."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from haven.accounts.access import Actor
from haven.notifications import selectors, services
from haven.notifications.models import Notification
from haven.registry.schemas import ErrorOut

router = Router(tags=["notifications"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 422): ErrorOut}


class NotificationQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    open: bool = False


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    link: str
    created_at: str
    acknowledged_at: str | None
    escalated_at: str | None


class NotificationList(Schema):
    unacknowledged: int
    items: list[NotificationOut]


def _out(n: Notification) -> dict[str, Any]:
    return {"id": n.pk, "kind": n.kind, "text": n.text, "link": n.link,
            "created_at": n.created_at.isoformat(),
            "acknowledged_at": n.acknowledged_at.isoformat() if n.acknowledged_at else None,
            "escalated_at": n.escalated_at.isoformat() if n.escalated_at else None}


@router.get("/notifications", response={200: NotificationList, **ERRORS})
def list_notifications(request: HttpRequest, query: Query[NotificationQuery]) -> dict[str, Any]:
    """List your own notifications, newest first."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    items = selectors.notification_list(user=actor.user, open_only=query.open)
    return {"unacknowledged": selectors.unacknowledged_count(user=actor.user),
            "items": [_out(n) for n in items[:selectors.LIST_LIMIT]]}


class AcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    # Record numbers fit a signed 64-bit column; a larger one names nothing (422, not 500).
    notifications: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(max_length=500)


@router.post("/notifications/acknowledge", response={200: NotificationList, **ERRORS})
def acknowledge(request: HttpRequest, body: AcknowledgeIn) -> dict[str, Any]:
    """Acknowledge your notifications with these ids (others' ids are ignored)."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    done = services.notifications_acknowledge(actor=actor, notifications=body.notifications)
    return {"unacknowledged": selectors.unacknowledged_count(user=actor.user),
            "items": [_out(n) for n in done]}
