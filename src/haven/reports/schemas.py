"""JSON shapes of the reports API: the internal situation report and the open-data tables."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class SitrepQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    date: str = Field("", max_length=10, description="YYYY-MM-DD, a local date; default today")
    site: list[str] = Field(default_factory=list, max_length=50,
                            description="site short names; default every site you may see")


class OpenDataQuery(SitrepQuery):
    table: str = Field("sites", max_length=10, description="sites or dtm")
    format: str = Field("json", max_length=5, description="json, csv or xlsx")


class SiteFigures(Schema):
    slug: str
    name: str
    kind: str
    settlement: str
    province: str
    capacity: int | None
    arrivals: int
    registrations: int
    households: int


class DayOut(Schema):
    date: str
    new_arrivals: int
    cumulative_arrivals: int = Field(description="persons counted once, after de-duplication")
    registrations: int = Field(description="person records registered this day (raw)")
    cumulative_registrations: int
    children: int = Field(description="cumulative, under 18 on the report date")
    elderly: int = Field(description="cumulative, 60 and over on the report date")
    female: int
    male: int
    new_children: int
    new_elderly: int
    new_female: int
    new_male: int


class SiteDayOut(Schema):
    site: str
    date: str
    new_arrivals: int
    cumulative_arrivals: int
    registrations: int
    cumulative_registrations: int
    households: int
    new_households: int
    female: int
    male: int
    sex_unknown: int
    children: int
    adults: int
    elderly: int
    age_unknown: int


class TotalsOut(Schema):
    arrivals: int
    registrations: int
    households: int
    total: int
    female: int
    male: int
    sex_unknown: int
    children: int
    adults: int
    elderly: int
    age_unknown: int
    deaths: int
    injured: int
    present: int


class OccupancyOut(Schema):
    site: str
    present: int
    capacity: int | None
    share: float | None


class DeliveredItemOut(Schema):
    item: str
    unit: str
    quantity: float


class AidOut(Schema):
    pledged_usd: float = Field(description="contributions still at pledge on the date")
    committed_usd: float = Field(description="committed and not yet paid")
    paid_usd: float
    delivered: float = Field(description="US dollars' worth received at the sites")
    delivered_items: list[DeliveredItemOut] = Field(description="in kind, by item and unit")
    contributions: int
    in_kind_unvalued: int = Field(description="contributions in kind without a USD value")
    distributions: int
    households_served: int
    unregistered_served: int
    people_served: int


class SitrepOut(Schema):
    date: str
    generated_at: str
    time_zone: str
    all_sites: bool
    sites: list[SiteFigures]
    days: list[DayOut]
    site_days: list[SiteDayOut]
    totals: TotalsOut
    age_sex: dict[str, dict[str, int]] = Field(description="age band -> sex -> persons")
    vulnerabilities: dict[str, int]
    occupancy: list[OccupancyOut]
    aid: AidOut | None = None
    not_recorded: list[str] = Field(description="figures Haven does not record yet")
    suppressed_below: int | None = Field(description="null: exact figures (internal report)")


class ColumnOut(Schema):
    key: str
    header: str
    hashtag: str


class OpenDataOut(Schema):
    table: str
    suppressed_below: int
    columns: list[ColumnOut]
    rows: list[dict[str, Any]] = Field(description="published values; '<5' and 'x' withheld")
