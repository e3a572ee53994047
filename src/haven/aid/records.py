"""Aid records as the API and exports write them (plain dicts; money as numbers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from haven.aid.models import Distribution, Donor
from haven.aid.selectors import ContributionView, StockLine


def plain(number: Decimal) -> str:
    """Write 12.500 as 12.5, 3.000 as 3 and 1.15E+7 as 11500000: never in exponent form."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def donor_record(donor: Donor) -> dict[str, Any]:
    return {"id": donor.pk, "name": donor.name, "kind": donor.kind, "country": donor.country}


def contribution_record(view: ContributionView, *, deliveries: bool = False) -> dict[str, Any]:
    c = view.contribution
    record: dict[str, Any] = {
        "id": str(c.pk), "donor": c.donor.name, "kind": c.kind, "status": c.status,
        "pledged_on": c.pledged_on, "committed_on": c.committed_on, "paid_on": c.paid_on,
        "amount": number(c.amount), "currency": c.currency, "item": c.item,
        "quantity": number(c.quantity), "unit": c.unit, "usd_per_unit": number(c.usd_per_unit),
        "value_usd": number(c.value_usd), "site": c.site.slug if c.site else None,
        "sector": c.sector, "need": c.need, "delivered": float(view.delivered),
        "remaining": float(view.remaining),
    }
    if deliveries:
        record["deliveries"] = [{"id": d.pk, "site": d.site.slug, "received_on": d.received_on,
                                 "quantity": float(d.quantity)} for d in view.deliveries]
    return record


def distribution_record(given: Distribution) -> dict[str, Any]:
    """A hand-out, naming the household by its code; an unregistered person's names never."""
    return {"id": str(given.pk), "site": given.site.slug, "item": given.item,
            "unit": given.unit, "quantity": float(given.quantity),
            "distributed_on": given.distributed_on,
            "household": given.household.code if given.household is not None else None,
            "registered": bool(given.household_id), "people": given.people}


def stock_record(line: StockLine) -> dict[str, Any]:
    return {"item": line.item, "unit": line.unit, "delivered": float(line.delivered),
            "distributed": float(line.distributed), "remaining": float(line.remaining)}
