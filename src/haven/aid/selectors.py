"""Read aid records. Donor money and stock are not personal data; hand-outs to people are.

Reads of distributions (who received what) go through `persons` rules: a household only
through `household_get`, a site's hand-outs only for its own staff, each read audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from haven.aid.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Delivery,
    Distribution,
    Donor,
    ExchangeRate,
)
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core.errors import NotFound, PermissionDenied
from haven.registry.selectors import household_codes_visible, household_get

if TYPE_CHECKING:
    from haven.accounts.access import Actor
    from haven.registry.models import Household

ZERO = Decimal(0)


def require_aid_figures(actor: Actor) -> None:
    """Refuse roles that may read neither figures nor aid records."""
    if not (actor.policy.read_aggregates or actor.policy.manage_aid):
        raise PermissionDenied(_("Your role does not allow reading figures."))


def rate_on(currency: str, on: dt.date) -> tuple[Decimal, dt.date] | None:
    """Return the rate of `currency` in force on `on` (the latest set on or before it)."""
    found = (ExchangeRate.objects.filter(currency=currency, date__lte=on)
             .order_by("-date").values_list("usd_per_unit", "date").first())
    return (found[0], found[1]) if found else None


def rate_list() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.select_related("set_by").order_by("currency", "-date")


def donor_list() -> QuerySet[Donor]:
    return Donor.objects.order_by("name")


def _contribution_id(ref: str | uuid.UUID) -> uuid.UUID | None:
    if isinstance(ref, uuid.UUID):
        return ref
    try:
        return uuid.UUID(str(ref).strip())
    except ValueError:
        return None


def contribution_get(ref: str | uuid.UUID, *, for_update: bool = False) -> Contribution | None:
    """Return a contribution by id, for services (locked for update inside a transaction)."""
    pk = _contribution_id(ref)
    if pk is None:
        return None
    found = Contribution.objects.select_related("donor", "site")
    if for_update:
        found = found.select_for_update(of=("self",))
    return found.filter(pk=pk).first()


def delivered_total(contribution_id: uuid.UUID) -> Decimal:
    total = Delivery.objects.filter(contribution_id=contribution_id).aggregate(
        n=Sum("quantity"))["n"]
    return total or ZERO


@dataclass
class ContributionView:
    contribution: Contribution
    delivered: Decimal
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        return max(ZERO, (self.contribution.total or ZERO) - self.delivered)

    @property
    def delivered_share(self) -> float:
        total = self.contribution.total or ZERO
        return float(self.delivered / total) if total else 0.0


def contribution_detail(*, actor: Actor, ref: str | uuid.UUID) -> ContributionView:
    """Return a contribution with its deliveries and history, for roles with figures."""
    require_aid_figures(actor)
    found = contribution_get(ref)
    if found is None:
        raise NotFound(_("No such contribution."))
    deliveries = list(found.deliveries.select_related("site", "recorded_by"))
    return ContributionView(contribution=found, deliveries=deliveries,
                            delivered=sum((d.quantity for d in deliveries), ZERO))


def contribution_list(*, actor: Actor, status: str = "", undelivered: bool = False
                      ) -> list[ContributionView]:
    """Return contributions, newest first, each with what was delivered of it.

    `undelivered`: only those with something left to deliver (pledged but not delivered).
    """
    require_aid_figures(actor)
    contributions = Contribution.objects.select_related("donor", "site")
    if status:
        contributions = contributions.filter(status=status)
    delivered = dict(Delivery.objects.values_list("contribution_id").annotate(n=Sum("quantity"))
                     .values_list("contribution_id", "n"))
    views = [ContributionView(contribution=c, delivered=delivered.get(c.pk) or ZERO)
             for c in contributions.order_by("-created_at")]
    return [v for v in views if v.remaining > 0] if undelivered else views


def stock_of(*, site_id: int, item: str, unit: str) -> Decimal:
    """Return how much of an item in kind was delivered to a site and not yet handed out."""
    delivered = Delivery.objects.filter(
        site_id=site_id, contribution__kind=ContributionKind.IN_KIND,
        contribution__item__iexact=item, contribution__unit=unit,
    ).aggregate(n=Sum("quantity"))["n"] or ZERO
    handed_out = Distribution.objects.filter(
        site_id=site_id, item__iexact=item, unit=unit).aggregate(n=Sum("quantity"))["n"] or ZERO
    return delivered - handed_out


@dataclass(frozen=True)
class StockLine:
    item: str
    unit: str
    delivered: Decimal
    distributed: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.delivered - self.distributed


def site_stock(*, actor: Actor, site_id: int) -> list[StockLine]:
    """Return each item in kind at a site: delivered, handed out, left."""
    if not actor.may_see_site(site_id):
        raise NotFound(_("No such site."))
    lines: dict[tuple[str, str], list[Decimal]] = {}
    names: dict[str, str] = {}
    for item, unit, n in (Delivery.objects.filter(site_id=site_id,
                                                  contribution__kind=ContributionKind.IN_KIND)
                          .values_list("contribution__item", "contribution__unit")
                          .annotate(n=Sum("quantity"))):
        key = (item.casefold(), unit)
        names.setdefault(key[0], item)
        lines.setdefault(key, [ZERO, ZERO])[0] += n
    for item, unit, n in (Distribution.objects.filter(site_id=site_id)
                          .values_list("item", "unit").annotate(n=Sum("quantity"))):
        key = (item.casefold(), unit)
        names.setdefault(key[0], item)
        lines.setdefault(key, [ZERO, ZERO])[1] += n
    return [StockLine(item=names[key[0]], unit=key[1], delivered=v[0], distributed=v[1])
            for key, v in sorted(lines.items())]


def household_assistance(*, actor: Actor, ref: str) -> tuple[Household, list[Distribution]]:
    """Return a household the actor may see and every hand-out it received; audit the read."""
    household = household_get(actor=actor, ref=ref)
    with transaction.atomic():
        given = list(Distribution.objects.filter(household=household).select_related("site"))
        audit_record(actor=actor, action=AuditAction.AID_DISTRIBUTION_LIST,
                     target_type="household", target_ids=[household.pk])
    return household, given


def distribution_list(*, actor: Actor, site_id: int, limit: int = 100) -> list[Distribution]:
    """Return a site's latest hand-outs for its own staff; audit the ids read."""
    actor.require("read_records")
    if not actor.may_see_site(site_id):
        raise NotFound(_("No such site."))
    with transaction.atomic():
        given = list(Distribution.objects.filter(site_id=site_id)
                     .select_related("site", "household")[:limit])
        # A hand-out names its household only to those who may see the household.
        visible = household_codes_visible(actor, [d.household_id for d in given])
        for d in given:
            if d.household_id is not None and d.household_id not in visible:
                d.household = None
        audit_record(actor=actor, action=AuditAction.AID_DISTRIBUTION_LIST,
                     target_type="distribution", target_ids=[d.pk for d in given])
    return given


@dataclass
class AidFigures:
    """Aid in a situation report: US dollars by status on the report date, and deliveries."""

    pledged_usd: Decimal = ZERO  # contributions still at pledge on the date
    committed_usd: Decimal = ZERO  # committed, not yet paid
    paid_usd: Decimal = ZERO
    delivered_usd: Decimal = ZERO  # the value of what reached the sites
    delivered_items: list[tuple[str, str, Decimal]] = field(default_factory=list)
    contributions: int = 0
    in_kind_unvalued: int = 0  # contributions in kind without a value in US dollars
    distributions: int = 0
    households_served: int = 0
    unregistered_served: int = 0
    people_served: int = 0

    @property
    def total_usd(self) -> Decimal:
        return self.pledged_usd + self.committed_usd + self.paid_usd

    @property
    def is_empty(self) -> bool:
        return self.contributions == 0 and self.distributions == 0


def _status_on(contribution: Contribution, on: dt.date) -> str | None:
    if contribution.paid_on and contribution.paid_on <= on:
        return ContributionStatus.PAID
    if contribution.committed_on and contribution.committed_on <= on:
        return ContributionStatus.COMMITMENT
    if contribution.pledged_on and contribution.pledged_on <= on:
        return ContributionStatus.PLEDGE
    return None


def aid_figures(*, on: dt.date, site_ids: tuple[int, ...] | None) -> AidFigures:
    """Return the aid figures of a report for the date `on` over the sites (None: all).

    A report limited to sites counts contributions earmarked to them, deliveries received
    there and hand-outs made there.
    """
    figures = AidFigures()
    contributions = Contribution.objects.all()
    deliveries = Delivery.objects.filter(received_on__lte=on).select_related("contribution")
    handouts = Distribution.objects.filter(distributed_on__lte=on)
    if site_ids is not None:
        contributions = contributions.filter(site_id__in=site_ids)
        deliveries = deliveries.filter(site_id__in=site_ids)
        handouts = handouts.filter(site_id__in=site_ids)
    for c in contributions:
        status = _status_on(c, on)
        if status is None:
            continue
        figures.contributions += 1
        if c.value_usd is None:
            figures.in_kind_unvalued += 1
            continue
        attr = {"pledge": "pledged_usd", "commitment": "committed_usd", "paid": "paid_usd"}[status]
        setattr(figures, attr, getattr(figures, attr) + c.value_usd)
    items: dict[tuple[str, str], Decimal] = {}
    for d in deliveries:
        c = d.contribution
        if c.value_usd is not None and c.total:
            figures.delivered_usd += (c.value_usd * d.quantity / c.total).quantize(
                Decimal("0.01"))
        if c.kind == ContributionKind.IN_KIND:
            items[(c.item, c.unit)] = items.get((c.item, c.unit), ZERO) + d.quantity
    figures.delivered_items = [(item, unit, n) for (item, unit), n in sorted(items.items())]
    served = handouts.aggregate(n=Sum("people"))["n"] or 0
    figures.distributions = handouts.count()
    figures.households_served = (handouts.filter(household__isnull=False)
                                 .values("household").distinct().count())
    figures.unregistered_served = handouts.filter(household__isnull=True).count()
    figures.people_served = served
    return figures


def fts_rows(*, actor: Actor) -> list[Contribution]:
    """Return every contribution for the OCHA FTS-style export (donor money: no persons)."""
    require_aid_figures(actor)
    return list(Contribution.objects.select_related("donor", "site")
                .filter(~Q(status=""))
                .order_by("donor__name", "created_at"))
