"""Aid fixtures: the EU as a donor, a rate table, and contributions built through services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from haven.aid import services
from haven.aid.models import Contribution
from haven.testing.factories import actor_for


@pytest.fixture
def coordinator(users):
    return actor_for(users["coordinator"])


@pytest.fixture
def rates(users):
    admin = actor_for(users["administrator"])
    services.exchange_rate_set(actor=admin, currency="EUR", date=dt.date(2023, 9, 1),
                               usd_per_unit="1.08")
    services.exchange_rate_set(actor=admin, currency="EUR", date=dt.date(2023, 9, 27),
                               usd_per_unit="1.05")
    services.exchange_rate_set(actor=admin, currency="GBP", date=dt.date(2023, 9, 26),
                               usd_per_unit="1.2153")


@pytest.fixture
def donors(coordinator):
    for name, kind, country in (("European Union", "multilateral", ""),
                                ("Islamic Republic of Iran", "government", "IR")):
        services.donor_create(actor=coordinator, name=name, kind=kind, country=country)


@pytest.fixture
def contribute(coordinator, donors, rates) -> Callable[..., Contribution]:
    def make(**values: Any) -> Contribution:
        spec: dict[str, Any] = {"donor": "European Union", "kind": "cash", "status": "pledge",
                                "date": dt.date(2023, 9, 27), "amount": "5000000",
                                "currency": "EUR"}
        spec.update(values)
        return services.contribution_create(actor=coordinator,
                                            contribution=services.ContributionInput(**spec))
    return make


@pytest.fixture
def kits(contribute, coordinator) -> Contribution:
    """100 hygiene kits committed by Iran, 60 of them delivered to Goris."""
    found = contribute(donor="Islamic Republic of Iran", kind="in_kind", status="commitment",
                       amount=None, currency="", item="Hygiene kit", quantity="100",
                       unit="kits", value_usd="2500")
    services.delivery_record(actor=coordinator, contribution=found.pk, site="goris",
                             quantity="60", received_on=dt.date(2023, 9, 29))
    return found


def usd(text: str) -> Decimal:
    return Decimal(text)
