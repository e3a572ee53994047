"""Read the audit log: for auditors, by user, record and time window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, AuditEvent, Outcome
from haven.audit.services import audit_record
from haven.core.errors import PermissionDenied

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    record: str = ""  # a person's, household's or user's id
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    action: str = ""


def _aware(moment: dt.datetime) -> dt.datetime:
    """Read a time given without a zone as local time, where the auditor works."""
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def audit_events(*, actor: Actor, filters: AuditFilters, limit: int = 200) -> list[AuditEvent]:
    """Return the newest events matching the filters; reading the log is itself logged."""
    if not actor.policy.read_audit:
        audit_record(actor=actor, action=AuditAction.AUDIT_VIEW, outcome=Outcome.DENIED)
        raise PermissionDenied(_("Only auditors read the audit log."))
    events: QuerySet[AuditEvent] = AuditEvent.objects.prefetch_related("targets")
    if filters.username:
        events = events.filter(username=filters.username)
    if filters.record:
        events = events.filter(targets__target_id=filters.record.strip())
    if filters.since:
        events = events.filter(at__gte=_aware(filters.since))
    if filters.until:
        events = events.filter(at__lt=_aware(filters.until))
    if filters.action:
        events = events.filter(action=filters.action)
    with transaction.atomic():
        found = list(events.distinct()[:limit])
        audit_record(actor=actor, action=AuditAction.AUDIT_VIEW)
    return found


def audit_last_event_id() -> int:
    """Return the id of the latest audit event: a clock that moves on every audited write.

    Every write is audited in its own transaction, so a result computed from the
    registry can be kept until this moves (haven.reports.publication). No personal data.
    """
    latest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return int(latest or 0)
