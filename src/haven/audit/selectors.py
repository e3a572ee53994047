"""Read the audit log: for auditors, by user, record and time window, a page at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
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

PER_PAGE = 50
MAX_PER_PAGE = 1000
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""  # who acted (their user name, any case)
    record: str = ""  # a person's, household's or user's id
    # What a person's or household's code stands for in the log (its id, and the code
    # itself): the adapter resolves a code through the registry and passes them here.
    records: Sequence[str] = ()
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    action: str = ""
    outcome: str = ""


@dataclass
class AuditPage:
    """One page of events, newest first. Counting a log of millions is not worth it: a page
    knows only whether an older one follows."""

    items: list[AuditEvent]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _aware(moment: dt.datetime) -> dt.datetime:
    """Read a time given without a zone as local time, where the auditor works."""
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _require_auditor(actor: Actor, action: AuditAction) -> None:
    if not actor.policy.read_audit:
        audit_record(actor=actor, action=action, outcome=Outcome.DENIED)
        raise PermissionDenied(_("Only auditors read the audit log."))


def _matching(filters: AuditFilters) -> QuerySet[AuditEvent]:
    events: QuerySet[AuditEvent] = AuditEvent.objects.all()
    if filters.username:
        events = events.filter(username__iexact=filters.username.strip())
    records = [r for r in filters.records if r] or \
        ([filters.record.strip()] if filters.record.strip() else [])
    if records:
        events = events.filter(targets__target_id__in=records).distinct()
    if filters.since:
        events = events.filter(at__gte=_aware(filters.since))
    if filters.until:
        events = events.filter(at__lt=_aware(filters.until))
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    return events.order_by("-at", "-id")


def audit_page(*, actor: Actor, filters: AuditFilters, page: int = 1,
               per_page: int = PER_PAGE) -> AuditPage:
    """Return one page of the events matching the filters; reading the log is itself logged."""
    _require_auditor(actor, AuditAction.AUDIT_VIEW)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    number = max(1, page)
    offset = (number - 1) * per_page
    events = _matching(filters).prefetch_related("targets")
    with transaction.atomic():
        found = list(events[offset:offset + per_page + 1])
        audit_record(actor=actor, action=AuditAction.AUDIT_VIEW)
    return AuditPage(items=found[:per_page], number=number, per_page=per_page,
                     has_next=len(found) > per_page)


def audit_events(*, actor: Actor, filters: AuditFilters, limit: int = 200) -> list[AuditEvent]:
    """Return the newest `limit` events matching the filters (the first page of that size)."""
    return audit_page(actor=actor, filters=filters, per_page=limit).items


def audit_export(*, actor: Actor, filters: AuditFilters) -> Iterator[AuditEvent]:
    """Return every event matching the filters, newest first, for a file; the export is logged.

    The export's own event is written before the first row is read, so an export that
    is interrupted half-way is in the log too.
    """
    _require_auditor(actor, AuditAction.AUDIT_EXPORT)
    audit_record(actor=actor, action=AuditAction.AUDIT_EXPORT)
    return _matching(filters).prefetch_related("targets").iterator(chunk_size=EXPORT_CHUNK)


def audit_last_event_id() -> int:
    """Return the id of the latest audit event: a clock that moves on every audited write.

    Every write is audited in its own transaction, so a result computed from the
    registry can be kept until this moves (haven.reports.publication). No personal data.
    """
    latest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return int(latest or 0)
