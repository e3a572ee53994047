"""Read homes of origin, heritage sites and their files; every read is audited.

A home of origin is part of its household's record: it is shown only to those who may
see the household (`household_get`). Heritage sites are the common memory, not
personal data: every role with figures reads them. A file is served under the rule of
the record it belongs to, and each time it is opened the audit log says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import NotFound, PermissionDenied
from haven.documentation.models import (
    Attachment,
    HeritageObservation,
    HeritageSite,
    HomeOfOrigin,
    PropertyReport,
)
from haven.registry.selectors import household_get, households_visible

if TYPE_CHECKING:
    from haven.accounts.access import Actor
    from haven.registry.models import Household


def require_heritage(actor: Actor) -> None:
    if not (actor.policy.read_aggregates or actor.policy.document_return):
        raise PermissionDenied(_("Your role does not allow reading the heritage register."))


def _uuid(ref: str | uuid.UUID) -> uuid.UUID | None:
    if isinstance(ref, uuid.UUID):
        return ref
    try:
        return uuid.UUID(str(ref).strip())
    except ValueError:
        return None


def household_homes(*, actor: Actor, ref: str) -> tuple[Household, list[HomeOfOrigin]]:
    """Return a household the actor may see and its homes of origin with their reports."""
    household = household_get(actor=actor, ref=ref)
    with transaction.atomic():
        homes = list(HomeOfOrigin.objects.filter(household=household)
                     .prefetch_related("documents", Prefetch(
                         "reports", queryset=PropertyReport.objects.prefetch_related("photos")
                         .select_related("recorded_by"))))
        audit_record(actor=actor, action=AuditAction.DOCUMENTATION_HOME_VIEW,
                     target_type="home", target_ids=[h.pk for h in homes])
    return household, homes


def visible_homes(*, actor: Actor) -> list[HomeOfOrigin]:
    """Return the homes of origin of the households the actor may see; audit the read."""
    actor.require("read_records")
    with transaction.atomic():
        homes = list(HomeOfOrigin.objects.filter(household__in=households_visible(actor))
                     .select_related("household").order_by("settlement", "created_at"))
        audit_record(actor=actor, action=AuditAction.DOCUMENTATION_HOME_VIEW,
                     target_type="home", target_ids=[h.pk for h in homes])
    return homes


def heritage_list(*, actor: Actor) -> QuerySet[HeritageSite]:
    require_heritage(actor)
    return HeritageSite.objects.prefetch_related("observations").order_by("name_en")


@dataclass
class HeritageTimeline:
    site: HeritageSite
    observations: list[HeritageObservation]

    @property
    def with_photos(self) -> list[HeritageObservation]:
        return [o for o in self.observations if o.photos.all()]

    @property
    def compared(self) -> tuple[HeritageObservation, HeritageObservation] | None:
        """Return the earliest and the latest observation with photographs, to set side by side."""
        shown = self.with_photos
        return (shown[0], shown[-1]) if len(shown) >= 2 else None


def heritage_timeline(*, actor: Actor, ref: str | uuid.UUID) -> HeritageTimeline:
    """Return a heritage site and its dated observations, oldest first; audit the read."""
    require_heritage(actor)
    pk = _uuid(ref)
    site = HeritageSite.objects.filter(pk=pk).first() if pk else None
    if site is None:
        raise NotFound(_("No such heritage site."))
    with transaction.atomic():
        observations = list(site.observations.select_related("recorded_by")
                            .prefetch_related("photos").order_by("observed_on", "recorded_at"))
        audit_record(actor=actor, action=AuditAction.DOCUMENTATION_HERITAGE_VIEW,
                     target_type="heritage", target_ids=[site.pk])
    return HeritageTimeline(site=site, observations=observations)


def _owner_allows(actor: Actor, attachment: Attachment) -> bool:
    """Whether the actor may open the file, under the rule of the record it belongs to."""
    if HeritageObservation.objects.filter(photos=attachment).exists():
        return actor.policy.read_aggregates or actor.policy.document_return
    households = set(HomeOfOrigin.objects.filter(documents=attachment)
                     .values_list("household_id", flat=True))
    households |= set(PropertyReport.objects.filter(photos=attachment)
                      .values_list("home__household_id", flat=True))
    if households:
        if not actor.policy.read_records:
            raise PermissionDenied(_("Your role does not allow reading personal records."))
        return households_visible(actor).filter(pk__in=households).exists()
    return False  # a file that belongs to nothing (a failed save) is shown to nobody


def attachment_open(*, actor: Actor, ref: str) -> Attachment:
    """Return a file's record if the actor may open it; audit the view (or the refusal).

    A file the actor may not open is not found, exactly like one that does not exist; a
    role that may never read personal records is refused outright (403).
    """
    pk = _uuid(ref)
    attachment = Attachment.objects.filter(pk=pk).first() if pk else None
    refusal: Exception | None = None
    try:
        if attachment is None or not _owner_allows(actor, attachment):
            refusal = NotFound(_("No such file."))
    except PermissionDenied as exc:
        refusal = exc
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DOCUMENTATION_ATTACHMENT_VIEW,
                     target_type="attachment", target_ids=[pk] if pk else [],
                     outcome=Outcome.DENIED if refusal else Outcome.ALLOWED)
    if refusal is not None or attachment is None:
        raise refusal or NotFound(_("No such file."))
    return attachment


@dataclass(frozen=True)
class MapPoint:
    kind: str  # "heritage" or "home"
    label: str
    latitude: Decimal
    longitude: Decimal
    link: str  # a heritage site's id, or a household's code


def map_points(*, actor: Actor) -> list[MapPoint]:
    """Return what the map shows the actor: heritage sites, and homes they may see."""
    require_heritage(actor)
    points = [MapPoint("heritage", s.name, s.latitude, s.longitude, str(s.pk))
              for s in HeritageSite.objects.exclude(latitude=None).exclude(longitude=None)
              if s.latitude is not None and s.longitude is not None]
    if actor.policy.read_records:
        homes = list(HomeOfOrigin.objects.filter(household__in=households_visible(actor))
                     .exclude(latitude=None).exclude(longitude=None)
                     .select_related("household"))
        with transaction.atomic():
            audit_record(actor=actor, action=AuditAction.DOCUMENTATION_HOME_VIEW,
                         target_type="home", target_ids=[h.pk for h in homes])
        points += [MapPoint("home", h.settlement, h.latitude, h.longitude, h.household.code)
                   for h in homes if h.latitude is not None and h.longitude is not None]
    return points
