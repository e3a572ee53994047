"""Write audit events. Called by every service and selector that touches personal data."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from haven.audit import chain
from haven.audit.models import AuditAction, AuditEvent, AuditTarget, Outcome
from haven.core import clock
from haven.core.bulk import insert_values
from haven.core.locks import serialized

# How many denied events this thread (this request) has written: a refused read that a
# service already audited is not audited again (haven.accounts.refusals).
_denied = threading.local()


def denied_count() -> int:
    """Return how many events with outcome denied this thread has written."""
    return int(getattr(_denied, "count", 0))


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
    address = actor.client_address if actor else client_address
    values = {
        "at": clock.now(),
        "actor_id": user.pk if user else None,
        "username": user.get_username() if user else username[:150],
        "role": user.role if user else "",
        "site": site,
        "action": str(action),
        "outcome": str(outcome),
        "target_type": target_type,
        "target_count": len(ids),
        "channel": actor.channel if actor else channel,
        # As the database will hold it (IPv6 in its short form), so the hash verifies.
        "client_address": AuditEvent._meta.get_field("client_address").get_prep_value(address),
    }
    # One writer extends the chain at a time, until its transaction ends: SQLite's write
    # lock already does that; on PostgreSQL an advisory lock does (haven.core.locks).
    with transaction.atomic(), serialized(chain.LOCK):
        previous = (AuditEvent.objects.order_by("-id").values_list("chain_hash", flat=True)
                    .first()) or chain.GENESIS
        event = AuditEvent.objects.create(**values,
                                          chain_hash=chain.event_hash(previous, values, ids))
        if ids:
            # Values, not instances: an import's audit names every household and person.
            insert_values(AuditTarget, ("event_id", "target_id"),
                          [(event.pk, i) for i in ids])
    if outcome == Outcome.DENIED:
        _denied.count = denied_count() + 1
    return event
