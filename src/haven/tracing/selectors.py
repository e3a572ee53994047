"""Read tracing: requests within the actor's sites, alerts, the children's list, figures."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.registry.selectors import persons_visible
from haven.tracing.models import Alert, ChildCase, SafeAndWell, TracingRequest
from haven.tracing.services import request_for
from haven.tracing.vocabulary import ACTIVE_STATUSES, AlertState, ChildStatus, RequestStatus

if TYPE_CHECKING:
    from haven.accounts.access import Actor

LIST_LIMIT = 500


def request_list(*, actor: Actor, status: str = "", mine: bool = False
                 ) -> QuerySet[TracingRequest]:
    """Return the requests at the actor's sites (children first, then newest)."""
    actor.require("trace")
    found = TracingRequest.objects.filter(actor.site_filter("site")).select_related(
        "site", "owner").annotate(new_alerts=Count("alerts", filter=Q(
            alerts__state=AlertState.NEW)))
    if status:
        found = found.filter(status=status)
    if mine:
        found = found.filter(owner=actor.user)
    return found.order_by("-new_alerts", "-created_at", "-id")


def request_get(*, actor: Actor, request: int | str) -> TracingRequest:
    """Return one request with its sought persons, history and alerts; audit the read."""
    found = request_for(actor, request)
    audit_record(actor=actor, action=AuditAction.TRACING_REQUEST_VIEW,
                 target_type="tracing_request", target_ids=[found.pk], site=found.site.slug)
    return found


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    person_code: str
    person_name: str  # empty when the actor may not see the person's record
    site_name: str


def alert_views(*, actor: Actor, request: TracingRequest) -> list[AlertView]:
    """Return the request's alerts, with the person shown only if the actor may see them."""
    alerts = list(request.alerts.all().order_by("state", "-score", "id"))
    visible = {p.id: p for p in persons_visible(actor).filter(
        id__in=[a.person_id for a in alerts]).select_related("household__registered_at")}
    views = []
    for alert in alerts:
        person = visible.get(alert.person_id)
        views.append(AlertView(
            alert=alert, person_code=person.code if person else "",
            person_name=person.full_name if person else "",
            site_name=person.household.registered_at.name if person else ""))
    if visible:
        audit_record(actor=actor, action=AuditAction.PERSON_LIST, target_type="person",
                     target_ids=list(visible))
    return views


@dataclass(frozen=True)
class DeskFigures:
    """What a tracing desk has in hand: counts only (the home page reads no record)."""

    open_requests: int  # at the actor's sites, not yet reunified or closed
    mine: int  # of those, the actor's own
    new_alerts: int  # undecided alerts on the actor's own requests
    children_followed: int  # children on the priority list at the actor's sites


def desk_figures(*, actor: Actor) -> DeskFigures | None:
    """Return the tracing desk's figures for the home page, or None without the right."""
    if not actor.policy.trace:
        return None
    active = TracingRequest.objects.filter(actor.site_filter("site")).filter(
        status__in=(*ACTIVE_STATUSES, RequestStatus.CONFIRMED))
    return DeskFigures(
        open_requests=active.count(), mine=active.filter(owner=actor.user).count(),
        new_alerts=alert_count(actor=actor),
        children_followed=ChildCase.objects.filter(actor.site_filter("site"),
                                                   status=ChildStatus.OPEN).count())


def alert_count(*, actor: Actor) -> int:
    """Return how many undecided alerts the actor's own requests have."""
    if not actor.policy.trace:
        return 0
    return Alert.objects.filter(request__owner=actor.user, state=AlertState.NEW).count()


def children_list(*, actor: Actor, open_only: bool = True) -> list[ChildCase]:
    """Return the children flagged at the actor's sites (being followed first, oldest first).

    Reading the list reads the children's records: audited.
    """
    actor.require("trace")
    cases = ChildCase.objects.filter(actor.site_filter("site")).select_related(
        "person__household__registered_at", "site")
    if open_only:
        cases = cases.filter(status=ChildStatus.OPEN)
    with transaction.atomic():
        found = list(cases.order_by("flagged_at", "id")[:LIST_LIMIT])
        audit_record(actor=actor, action=AuditAction.PERSON_LIST, target_type="person",
                     target_ids=[c.person_id for c in found])
    return found


def persons_sharing_with_family(person_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Return those of `person_ids` who consented to "tell my family I am safe" (and did
    not withdraw it). For services only (the PFIF export shares no one else)."""
    ids = list(person_ids)
    return set(SafeAndWell.objects.filter(person_id__in=ids, withdrawn_at__isnull=True)
               .values_list("person_id", flat=True))


def safe_and_well_consented(person_id: uuid.UUID) -> bool:
    return SafeAndWell.objects.filter(person_id=person_id, withdrawn_at__isnull=True).exists()


@dataclass(frozen=True)
class TracingFigures:
    """The situation report's tracing figures, up to the end of a date."""

    opened: int
    matched: int
    reunified: int
    children_on_priority_list: int


def tracing_figures(*, end: dt.datetime, site_ids: Iterable[int] | None) -> TracingFigures:
    """Return cases opened, matched (confirmed), reunified, and children being followed.

    Counts only, no personal data (the report's rule). `site_ids` None means every site.
    """
    requests = TracingRequest.objects.filter(created_at__lt=end)
    children = ChildCase.objects.filter(flagged_at__lt=end)
    if site_ids is not None:
        ids = list(site_ids)
        requests = requests.filter(site_id__in=ids)
        children = children.filter(site_id__in=ids)
    return TracingFigures(
        opened=requests.count(),
        matched=requests.filter(matched_at__lt=end).count(),
        reunified=requests.filter(reunified_at__lt=end).count(),
        children_on_priority_list=children.filter(
            Q(closed_at__isnull=True) | Q(closed_at__gte=end)).count(),
    )


__all__ = ["RequestStatus", "TracingFigures", "persons_sharing_with_family", "tracing_figures"]
