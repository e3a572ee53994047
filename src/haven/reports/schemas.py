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
    bom: bool = Field(False, description="csv: start with a UTF-8 byte-order mark (for Excel)")


class SiteFigures(Schema):
    slug: str
    name: str
    kind: str
    settlement: str
    province: str
    capacity: int | None
    arrivals: int | None
    registrations: int | None
    households: int | None


class DayOut(Schema):
    date: str
    new_arrivals: int | None
    cumulative_arrivals: int | None = Field(
        description="persons counted once, after de-duplication")
    registrations: int | None = Field(description="person records registered this day (raw)")
    cumulative_registrations: int | None
    children: int | None = Field(description="cumulative, under 18 on the report date")
    elderly: int | None = Field(description="cumulative, 60 and over on the report date")
    female: int | None
    male: int | None
    new_children: int | None
    new_elderly: int | None
    new_female: int | None
    new_male: int | None


class SiteDayOut(Schema):
    site: str
    date: str
    new_arrivals: int | None
    cumulative_arrivals: int | None
    registrations: int | None
    cumulative_registrations: int | None
    households: int | None
    new_households: int | None
    female: int | None
    male: int | None
    sex_unknown: int | None
    children: int | None
    adults: int | None
    elderly: int | None
    age_unknown: int | None


class TotalsOut(Schema):
    arrivals: int | None
    registrations: int | None
    households: int | None
    total: int | None
    female: int | None
    male: int | None
    sex_unknown: int | None
    children: int | None
    adults: int | None
    elderly: int | None
    age_unknown: int | None
    deaths: int | None
    injured: int | None
    present: int | None


class SitrepOccupancyOut(Schema):
    """One site's beds in the situation report (reception's OccupancyOut is the full view)."""

    site: str
    present: int | None
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
    distributions: int | None = Field(description="null for roles limited to aggregates")
    households_served: int | None
    unregistered_served: int | None
    people_served: int | None


class SitrepOut(Schema):
    date: str
    generated_at: str
    time_zone: str
    all_sites: bool
    sites: list[SiteFigures]
    days: list[DayOut]
    site_days: list[SiteDayOut]
    totals: TotalsOut
    age_sex: dict[str, dict[str, int | None]] = Field(description="age band -> sex -> persons")
    vulnerabilities: dict[str, int | None]
    occupancy: list[SitrepOccupancyOut]
    aid: AidOut | None = None
    tracing: dict[str, int | None] | None = Field(
        None, description="haven.tracing: cases_opened, cases_matched (confirmed), "
                          "cases_reunified, children_on_priority_list (being followed)")
    not_recorded: list[str] = Field(description="figures Haven does not record yet")
    suppressed_below: int | None = Field(
        description="null: exact figures (internal report); a number: the published figures "
                    "of roles without exact figures, where null is a withheld count")


class ColumnOut(Schema):
    key: str
    header: str
    hashtag: str


class OpenDataOut(Schema):
    table: str
    suppressed_below: int
    columns: list[ColumnOut]
    rows: list[dict[str, Any]] = Field(
        description="published values: counts are numbers, or null when withheld; "
                    "`suppressed` names the withheld ones ('Female <5; Male x')")
