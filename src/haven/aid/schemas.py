"""JSON shapes of the aid API. Unknown fields are refused; money is a JSON number."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class DonorIn(Strict):
    name: str = Field(max_length=1000, description="the organisation, e.g. European Union")
    kind: str = Field(max_length=30, description="government, multilateral, un_agency, ngo, "
                                                 "private or other")
    country: str = Field("", max_length=10, description="ISO 3166-1 alpha-2, e.g. GB")


class DonorOut(Schema):
    id: int
    name: str
    kind: str
    country: str


class RateIn(Strict):
    currency: str = Field(max_length=10, description="ISO 4217, e.g. EUR")
    date: dt.date
    usd_per_unit: str | float = Field(description="US dollars for one unit, e.g. 1.0566")


class RateOut(Schema):
    currency: str
    date: dt.date
    usd_per_unit: float


class ContributionIn(Strict):
    donor: str = Field(max_length=1000, description="the donor's name")
    kind: str = Field(max_length=20, description="cash or in_kind")
    status: str = Field("pledge", max_length=20, description="pledge, commitment or paid")
    date: dt.date = Field(description="the date of that status")
    amount: str | float | None = Field(None, description="cash: the amount in its currency")
    currency: str = Field("", max_length=10)
    item: str = Field("", max_length=1000, description="in kind: what, e.g. food parcels")
    quantity: str | float | None = None
    unit: str = Field("", max_length=20, description="in kind: tons, kits or items")
    value_usd: str | float | None = Field(None, description="in kind: value, if known")
    site: str = Field("", max_length=60, description="earmarked to a site (short name)")
    sector: str = Field("", max_length=30)
    need: str = Field("", max_length=1000)
    description: str = Field("", max_length=1000)


class StatusIn(Strict):
    status: str = Field(max_length=20, description="commitment or paid")
    date: dt.date


class DeliveryIn(Strict):
    site: str = Field(max_length=60)
    quantity: str | float = Field(description="in the contribution's unit or currency")
    received_on: dt.date
    note: str = Field("", max_length=1000)


class DeliveryOut(Schema):
    id: int
    site: str
    received_on: dt.date
    quantity: float


class ContributionOut(Schema):
    id: str
    donor: str
    kind: str
    status: str
    pledged_on: dt.date | None
    committed_on: dt.date | None
    paid_on: dt.date | None
    amount: float | None
    currency: str
    item: str
    quantity: float | None
    unit: str
    usd_per_unit: float | None
    value_usd: float | None
    site: str | None
    sector: str
    need: str
    delivered: float
    remaining: float
    deliveries: list[DeliveryOut] | None = None


class DistributionIn(Strict):
    site: str = Field(max_length=60)
    item: str = Field(max_length=1000)
    unit: str = Field(max_length=20)
    quantity: str | float
    distributed_on: dt.date | None = None
    household: str = Field("", max_length=64, description="a household's or member's code")
    given_name: str = Field("", max_length=1000, description="or, for someone unregistered")
    family_name: str = Field("", max_length=1000)
    people: int = Field(1, description="persons the hand-out serves")
    repeat_reason: str = Field("", max_length=1000)


class DistributionOut(Schema):
    id: str
    site: str
    item: str
    unit: str
    quantity: float
    distributed_on: dt.date
    household: str | None
    registered: bool
    people: int


class StockOut(Schema):
    item: str
    unit: str
    delivered: float
    distributed: float
    remaining: float
