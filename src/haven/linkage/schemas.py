"""JSON shapes of the linkage API: tickets, pairs side by side, decisions, hints."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class MatchRecordOut(Schema):
    """One record of a pair: identifying fields only, never medical or protection fields."""

    id: str
    code: str
    household_code: str
    site: str
    given_name: str
    family_name: str
    patronymic: str
    sex: str
    birth_date: str
    document_number: str
    place_of_origin: str
    phone: str
    merged_into: str | None = Field(
        None, description="code of the record it counts as, if you may see that record")
    merged: bool = Field(False, description="whether it counts as another record, seen or not")


class ComparisonOut(Schema):
    field: str
    left: str
    right: str
    level: str = Field(description="the engine's level for this comparison, e.g. 'year ±1'")
    bayes_factor: float | None = Field(description=">1 is evidence for one person, <1 against")


class MatchOut(Schema):
    id: int
    state: str
    probability: float
    match_weight: float
    left: MatchRecordOut
    right: MatchRecordOut
    updated_at: dt.datetime


class MatchDetailOut(MatchOut):
    comparisons: list[ComparisonOut]


class MatchPage(Schema):
    page: int
    pages: int
    total: int
    items: list[MatchOut]


class MatchQuery(Strict):
    state: Literal["open", "pending", "skipped", "confirmed", "rejected", "moot"] = "open"
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


class DecisionIn(Strict):
    decision: Literal["confirm", "reject", "skip"]


class HintQuery(Strict):
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    birth_date: str = Field("", max_length=20, description="YYYY-MM-DD, YYYY-MM or YYYY")
    phone: str = Field("", max_length=40, description="the household's phone")


class HintOut(Schema):
    code: str
    given_name: str
    family_name: str
    patronymic: str
    birth_date: str
    site: str
    reason: str
