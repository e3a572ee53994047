"""Read incidents and the casualty register; count deaths and injuries for the reports.

Casualties are site-scoped by the site that holds the record. Medical details
(`injuries`) are for roles with `medical_fields` (haven.protection.records leaves them out).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import NotFound, ValidationFailed
from haven.protection.models import Casualty, Incident
from haven.protection.selectors.common import PER_PAGE, paginate, parse_id
from haven.protection.vocabulary import CasualtyKind
from haven.registry.selectors import Page, PersonOutline, person_outlines, site_by_slug

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@dataclass(frozen=True)
class CasualtyView:
    casualty: Casualty
    person: PersonOutline | None  # the identified person, if the actor may see them


@dataclass(frozen=True)
class IncidentSummary:
    incident: Incident
    counts: dict[str, int]  # kind -> casualties in the register at the actor's sites


def casualties_visible(actor: Actor) -> QuerySet[Casualty]:
    return Casualty.objects.filter(actor.site_filter("site"))


def incident_list(*, actor: Actor) -> list[IncidentSummary]:
    """Return the incidents, newest first, with the casualties at the actor's sites counted
    (a count at a site the actor may not see could single someone out there)."""
    actor.require("read_casualties")
    incidents = list(Incident.objects.order_by("-occurred_on", "name"))
    counts: dict[uuid.UUID, dict[str, int]] = {}
    for row in (casualties_visible(actor).values("incident_id", "kind")
                .annotate(n=Count("id")).order_by()):
        counts.setdefault(row["incident_id"], {})[row["kind"]] = row["n"]
    return [IncidentSummary(i, {k: counts.get(i.id, {}).get(k, 0) for k in CasualtyKind.values})
            for i in incidents]


def incident_get(*, actor: Actor, incident_id: uuid.UUID | str) -> IncidentSummary:
    actor.require("read_casualties")
    key = parse_id(incident_id)
    found = Incident.objects.filter(id=key).first() if key else None
    if found is None:
        raise NotFound(_("No such incident."))
    return next(s for s in incident_list(actor=actor) if s.incident.id == found.id)


def casualty_find(*, actor: Actor, casualty_id: uuid.UUID | str,
                  action: AuditAction = AuditAction.CASUALTY_VIEW) -> Casualty:
    """Return a casualty record the actor may see; NotFound (audited as denied) otherwise."""
    actor.require("read_casualties")
    key = parse_id(casualty_id)
    found = (casualties_visible(actor).select_related("incident", "site", "created_by")
             .filter(id=key).first() if key else None)
    if found is None:
        existing = key is not None and Casualty.objects.filter(id=key).exists()
        audit_record(actor=actor, action=action, target_type="casualty",
                     target_ids=[key] if existing else [], outcome=Outcome.DENIED)
        raise NotFound(_("No such casualty record."))
    return found


def _views(actor: Actor, casualties: list[Casualty]) -> list[CasualtyView]:
    outlines = person_outlines(actor=actor,
                               person_ids={c.person_id for c in casualties if c.person_id})
    return [CasualtyView(c, outlines.get(c.person_id) if c.person_id else None)
            for c in casualties]


def _targets(views: list[CasualtyView]) -> list[object]:
    ids: list[object] = []
    for view in views:
        ids.append(view.casualty.id)
        if view.person is not None:
            ids.append(view.person.id)
    return ids


def casualty_get(*, actor: Actor, casualty_id: uuid.UUID | str) -> CasualtyView:
    casualty = casualty_find(actor=actor, casualty_id=casualty_id)
    with transaction.atomic():
        view = _views(actor, [casualty])[0]
        audit_record(actor=actor, action=AuditAction.CASUALTY_VIEW, target_type="casualty",
                     target_ids=_targets([view]), site=casualty.site.slug)
    return view


@dataclass(frozen=True)
class CasualtyFilters:
    incident: str = ""
    kind: str = ""
    site: str = ""
    identified: bool | None = None


def casualty_list(*, actor: Actor, filters: CasualtyFilters, page: int = 1,
                  per_page: int = PER_PAGE) -> Page[CasualtyView]:
    """Return one page of the register at the actor's sites; audit the records shown."""
    actor.require("read_casualties")
    casualties = casualties_visible(actor).select_related("incident", "site")
    if filters.incident:
        key = parse_id(filters.incident)
        if key is None or not Incident.objects.filter(id=key).exists():
            raise ValidationFailed.single("incident", _("no such incident"))
        casualties = casualties.filter(incident_id=key)
    if filters.kind:
        if filters.kind not in CasualtyKind.values:
            raise ValidationFailed.single("kind", _("unknown kind"))
        casualties = casualties.filter(kind=filters.kind)
    if filters.site:
        site = site_by_slug(filters.site)
        if site is None or not actor.may_see_site(site.id):
            raise ValidationFailed.single("site", _("unknown site"))
        casualties = casualties.filter(site=site)
    if filters.identified is not None:
        casualties = casualties.filter(person__isnull=not filters.identified)
    casualties = casualties.order_by("-occurred_on", "-created_at", "-id")
    with transaction.atomic():
        found = paginate(casualties, page, per_page)
        views = _views(actor, found.items)
        audit_record(actor=actor, action=AuditAction.CASUALTY_LIST, target_type="casualty",
                     target_ids=_targets(views), site=filters.site)
    return Page(items=views, number=found.number, per_page=found.per_page, total=found.total)


@dataclass(frozen=True)
class CasualtyFigures:
    """Counts for the situation report: no one's data, and no actor (the report checks)."""

    dead: int = 0
    injured: int = 0
    missing: int = 0
    by_site: dict[int, Counter[str]] = field(default_factory=dict)  # site id -> kind counts


def casualty_figures(*, date: dt.date, site_ids: Sequence[int] | None) -> CasualtyFigures:
    """Count the register's dead, injured and missing up to `date`, at the given sites
    (None: every site). A casualty counts once, as what became of them (an injured
    person who died later is among the dead)."""
    casualties = Casualty.objects.filter(occurred_on__lte=date)
    if site_ids is not None:
        casualties = casualties.filter(site_id__in=site_ids)
    by_site: dict[int, Counter[str]] = {}
    totals: Counter[str] = Counter()
    for row in casualties.values("site_id", "kind").annotate(n=Count("id")).order_by():
        by_site.setdefault(row["site_id"], Counter())[row["kind"]] += row["n"]
        totals[row["kind"]] += row["n"]
    return CasualtyFigures(dead=totals[CasualtyKind.DEAD], injured=totals[CasualtyKind.INJURED],
                           missing=totals[CasualtyKind.MISSING], by_site=by_site)


