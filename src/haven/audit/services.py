"""Write audit events. Called by every service and selector that touches personal data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from haven.audit.models import AuditAction, AuditEvent, AuditTarget, Outcome
from haven.core import clock
from haven.core.bulk import insert_values

if TYPE_CHECKING:
    from haven.accounts.access import Actor
    from haven.accounts.models import User


def audit_record(
    *,
    actor: Actor | None,
    action: AuditAction,
    target_type: str = "",
    target_ids: Iterable[object] = (),
    site: str = "",
    outcome: Outcome = Outcome.ALLOWED,
    username: str = "",
    client_address: str | None = None,
    channel: str = "",
) -> AuditEvent:
    """Append one event to the audit log; call inside the transaction of the work it records.

    `username`, `client_address` and `channel` stand in when there is no actor yet
    (a failed login).
    """
    user: User | None = actor.user if actor else None
    ids = [str(t) for t in target_ids]
    event = AuditEvent.objects.create(
        at=clock.now(),
        actor=user,
        username=user.get_username() if user else username[:150],
        role=user.role if user else "",
        site=site,
        action=action,
        outcome=outcome,
        target_type=target_type,
        target_count=len(ids),
        channel=actor.channel if actor else channel,
        client_address=actor.client_address if actor else client_address,
    )
    if ids:
        # Values, not instances: an import's audit names every household and person.
        insert_values(AuditTarget, ("event_id", "target_id"), [(event.pk, i) for i in ids])
    return event
