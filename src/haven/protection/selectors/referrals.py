"""Read referrals: those sent from or received at the actor's sites, each with its person's
outline while the actor may see it (haven.registry.selectors.person_outlines)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import NotFound, ValidationFailed
from haven.protection.models import Referral
from haven.protection.selectors.common import PER_PAGE, paginate, parse_id
from haven.protection.vocabulary import OPEN_REFERRAL, ReferralStatus
from haven.registry.selectors import Page, PersonOutline, person_outlines, site_by_slug

if TYPE_CHECKING:
    from haven.accounts.access import Actor
    from haven.accounts.models import User
    from haven.registry.models import Site


@dataclass(frozen=True)
class ReferralView:
    referral: Referral
    person: PersonOutline | None  # None: whom it is about is no longer the actor's to see
    overdue: bool


def referrals_visible(actor: Actor) -> QuerySet[Referral]:
    """Return the referrals sent from or received at the actor's sites."""
    scope = actor.record_site_ids
    referrals = Referral.objects.all()
    if scope is not None:
        referrals = referrals.filter(Q(from_site_id__in=scope) | Q(to_site_id__in=scope))
    return referrals


def referral_find(*, actor: Actor, referral_id: uuid.UUID | str,
                  action: AuditAction = AuditAction.REFERRAL_VIEW) -> Referral:
    """Return a referral the actor may see; NotFound (audited as denied) otherwise."""
    actor.require("refer")
    key = parse_id(referral_id)
    found = None
    if key is not None:
        found = referrals_visible(actor).select_related(
            "from_site", "to_site", "officer", "created_by", "answered_by").filter(id=key).first()
    if found is None:
        existing = key is not None and Referral.objects.filter(id=key).exists()
        audit_record(actor=actor, action=action, target_type="referral",
                     target_ids=[key] if existing else [], outcome=Outcome.DENIED)
        raise NotFound(_("No such referral."))
    return found


def _views(actor: Actor, referrals: list[Referral], today: dt.date) -> list[ReferralView]:
    outlines = person_outlines(actor=actor, person_ids={r.person_id for r in referrals})
    return [ReferralView(referral=r, person=outlines.get(r.person_id),
                         overdue=is_overdue(r, today)) for r in referrals]


def _targets(views: list[ReferralView]) -> list[object]:
    ids: list[object] = []
    for view in views:
        ids.append(view.referral.id)
        if view.person is not None:
            ids.append(view.person.id)
    return ids


def is_overdue(referral: Referral, today: dt.date) -> bool:
    return (referral.status in OPEN_REFERRAL and referral.follow_up_on is not None
            and referral.follow_up_on < today)


def referral_get(*, actor: Actor, referral_id: uuid.UUID | str, today: dt.date) -> ReferralView:
    """Return one referral with its history and person outline; audit the read."""
    referral = referral_find(actor=actor, referral_id=referral_id)
    with transaction.atomic():
        view = _views(actor, [referral], today)[0]
        audit_record(actor=actor, action=AuditAction.REFERRAL_VIEW, target_type="referral",
                     target_ids=_targets([view]), site=referral.to_site.slug)
    return view


@dataclass(frozen=True)
class ReferralFilters:
    direction: str = ""  # "sent" from, or "received" at, the actor's sites; "" both
    status: str = ""
    site: str = ""
    overdue: bool = False
    mine: bool = False  # only those the actor follows up


def _filtered(actor: Actor, filters: ReferralFilters, today: dt.date) -> QuerySet[Referral]:
    referrals = referrals_visible(actor)
    scope = actor.record_site_ids
    if filters.site:
        site = site_by_slug(filters.site)
        if site is None or not actor.may_see_site(site.id):
            raise ValidationFailed.single("site", _("unknown site"))
        referrals = referrals.filter(Q(from_site=site) | Q(to_site=site))
    if filters.direction == "sent" and scope is not None:
        referrals = referrals.filter(from_site_id__in=scope)
    elif filters.direction == "received" and scope is not None:
        referrals = referrals.filter(to_site_id__in=scope)
    elif filters.direction not in {"", "sent", "received"}:
        raise ValidationFailed.single("direction", _("must be sent or received"))
    if filters.status:
        if filters.status not in ReferralStatus.values:
            raise ValidationFailed.single("status", _("unknown status"))
        referrals = referrals.filter(status=filters.status)
    if filters.overdue:
        referrals = referrals.filter(status__in=OPEN_REFERRAL, follow_up_on__lt=today)
    if filters.mine:
        referrals = referrals.filter(officer=actor.user)
    return referrals.select_related("from_site", "to_site", "officer")


def referral_list(*, actor: Actor, filters: ReferralFilters, today: dt.date, page: int = 1,
                  per_page: int = PER_PAGE) -> Page[ReferralView]:
    """Return one page of referrals, newest first; audit the referrals and persons shown."""
    actor.require("refer")
    referrals = _filtered(actor, filters, today).order_by("-created_at", "-id")
    with transaction.atomic():
        found = paginate(referrals, page, per_page)
        views = _views(actor, found.items, today)
        audit_record(actor=actor, action=AuditAction.REFERRAL_LIST, target_type="referral",
                     target_ids=_targets(views), site=filters.site)
    return Page(items=views, number=found.number, per_page=found.per_page, total=found.total)


MAX_OVERDUE = 1000


@dataclass(frozen=True)
class OverdueReferrals:
    by_site: list[tuple[Site, list[ReferralView]]]  # a referral between two sites is in both
    by_officer: list[tuple[User, list[ReferralView]]]
    total: int
    truncated: bool


def referral_overdue(*, actor: Actor, today: dt.date) -> OverdueReferrals:
    """Return the open referrals whose follow-up date has passed, per site and per officer,
    oldest due first; audit what is shown."""
    actor.require("refer")
    referrals = list(_filtered(actor, ReferralFilters(overdue=True), today)
                     .order_by("follow_up_on", "created_at")[:MAX_OVERDUE + 1])
    truncated = len(referrals) > MAX_OVERDUE
    referrals = referrals[:MAX_OVERDUE]
    with transaction.atomic():
        views = _views(actor, referrals, today)
        audit_record(actor=actor, action=AuditAction.REFERRAL_LIST, target_type="referral",
                     target_ids=_targets(views))
    sites: dict[int, list[ReferralView]] = defaultdict(list)
    site_of: dict[int, Site] = {}
    officers: dict[int, list[ReferralView]] = defaultdict(list)
    officer_of: dict[int, User] = {}
    for view in views:
        referral = view.referral
        for site in {referral.from_site, referral.to_site}:
            if actor.may_see_site(site.id):
                sites[site.id].append(view)
                site_of[site.id] = site
        officers[referral.officer_id].append(view)
        officer_of[referral.officer_id] = referral.officer
    return OverdueReferrals(
        by_site=[(site_of[k], v) for k, v in sorted(sites.items(),
                                                    key=lambda i: site_of[i[0]].slug)],
        by_officer=[(officer_of[k], v) for k, v in sorted(
            officers.items(), key=lambda i: officer_of[i[0]].username)],
        total=len(views), truncated=truncated)


def referral_overdue_count(*, actor: Actor, today: dt.date) -> int:
    """Return how many open referrals within reach are past their follow-up date (a count)."""
    if not actor.policy.refer:
        return 0
    return _filtered(actor, ReferralFilters(overdue=True), today).count()
