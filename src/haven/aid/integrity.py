"""Aid's invariants, for `haven check --integrity`."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from haven.aid.models import Contribution, ContributionKind, Delivery, Distribution
from haven.core.integrity import Finding, integrity_check


@integrity_check("aid.deliveries_within_commitments")
def deliveries_within_commitments() -> Iterable[Finding]:
    delivered = dict(Delivery.objects.values_list("contribution_id")
                     .annotate(n=Sum("quantity")).values_list("contribution_id", "n"))
    over = [c.pk for c in Contribution.objects.filter(pk__in=delivered)
            if delivered[c.pk] > (c.total or Decimal(0))]
    if over:
        yield Finding("aid.deliveries_within_commitments",
                      f"{len(over)} contributions have more delivered than committed "
                      f"(e.g. {', '.join(str(i) for i in over[:5])})")


@integrity_check("aid.stock_never_negative")
def stock_never_negative() -> Iterable[Finding]:
    stock: dict[tuple[int, str, str], Decimal] = {}
    for site, item, unit, n in (Delivery.objects.filter(contribution__kind=ContributionKind.IN_KIND)
                                .values_list("site_id", "contribution__item",
                                             "contribution__unit").annotate(n=Sum("quantity"))):
        key = (site, item.casefold(), unit)
        stock[key] = stock.get(key, Decimal(0)) + n
    for site, item, unit, n in (Distribution.objects.values_list("site_id", "item", "unit")
                                .annotate(n=Sum("quantity"))):
        key = (site, item.casefold(), unit)
        stock[key] = stock.get(key, Decimal(0)) - n
    negative = sorted(k for k, v in stock.items() if v < 0)
    if negative:
        yield Finding("aid.stock_never_negative",
                      f"{len(negative)} items were handed out beyond what their site received")
