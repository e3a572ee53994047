"""JSON shapes of the registry API. Unknown fields are refused, never silently dropped."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class MemberIn(Strict):
    given_name: str = Field(max_length=1000)
    family_name: str = Field(max_length=1000)
    patronymic: str = Field("", max_length=1000)
    sex: str = Field(max_length=20)
    birth_date: str = Field("", max_length=20, description="YYYY-MM-DD, YYYY-MM or YYYY")
    estimated_age: int | None = Field(None, description="whole years, when no date is known")
    relationship: str = Field(max_length=30)
    document_type: str = Field("none", max_length=30)
    document_number: str = Field("", max_length=200)
    vulnerabilities: list[str] = Field(default_factory=list, max_length=30)


class HouseholdIn(Strict):
    site: str = Field(max_length=60, description="the site's short name, e.g. goris")
    place_of_origin: str = Field("", max_length=1000)
    phone: str = Field("", max_length=100)
    size: int | None = Field(None, description="members in the household, if more are absent")
    members: list[MemberIn] = Field(max_length=200)


class HouseholdPatch(Strict):
    place_of_origin: str | None = Field(None, max_length=1000)
    phone: str | None = Field(None, max_length=100)
    size: int | None = None


class PersonPatch(Strict):
    given_name: str | None = Field(None, max_length=1000)
    family_name: str | None = Field(None, max_length=1000)
    patronymic: str | None = Field(None, max_length=1000)
    sex: str | None = Field(None, max_length=20)
    birth_date: str | None = Field(None, max_length=20)
    relationship: str | None = Field(None, max_length=30)
    document_type: str | None = Field(None, max_length=30)
    document_number: str | None = Field(None, max_length=200)
    status: str | None = Field(None, max_length=20)
    vulnerabilities: list[str] | None = Field(None, max_length=30)


class ArrivalIn(Strict):
    person: str = Field(max_length=64, description="the person's id or code")
    site: str = Field(max_length=60)


class SiteIn(Strict):
    slug: str = Field(max_length=60)
    kind: str = Field(max_length=30)
    name_en: str = Field(max_length=1000)
    name_hy: str = Field("", max_length=1000)
    name_ru: str = Field("", max_length=1000)
    settlement: str = Field(max_length=1000)
    province: str = Field(max_length=1000)
    capacity: int | None = None
    is_active: bool = True
    province_code: str = Field("", max_length=10,
                               description="ISO 3166-2 (AM-SU); empty: from the province's name")
    province_pcode: str = Field("", max_length=20, description="OCHA COD p-code")
    pcode: str = Field("", max_length=20, description="the site's OCHA COD p-code")


class SiteOut(Schema):
    slug: str
    kind: str
    name: str
    name_en: str
    name_hy: str
    name_ru: str
    settlement: str
    province: str
    province_code: str
    province_pcode: str
    pcode: str
    capacity: int | None
    is_active: bool


class CodeOut(Schema):
    id: str
    code: str


class HouseholdCreated(CodeOut):
    members: list[CodeOut]


class ArrivalOut(Schema):
    id: str
    person: str
    site: str
    arrived_at: dt.datetime
    recorded_by: str
    channel: str


class Scripts(Schema):
    given_name: str
    family_name: str
    patronymic: str


class PersonOut(Schema):
    id: str
    code: str
    household: str
    household_code: str
    given_name: str
    family_name: str
    patronymic: str
    scripts: Scripts
    sex: str
    birth_date: str
    birth_date_precision: str
    relationship: str
    document_type: str
    document_number: str
    status: str
    created_at: dt.datetime
    arrivals: list[ArrivalOut]
    vulnerabilities: list[str] | None = Field(
        None, description="only for roles that may see medical and protection fields"
    )


class ChangeOut(Schema):
    at: dt.datetime
    by: str
    action: str
    person: str | None
    person_code: str | None
    changes: dict[str, list[object]]


class HouseholdOut(Schema):
    id: str
    code: str
    site: str
    place_of_origin: str
    phone: str
    size: int
    created_at: dt.datetime
    channel: str
    members: list[PersonOut]
    history: list[ChangeOut] | None = None


class MemberSummary(Schema):
    id: str
    code: str
    given_name: str
    family_name: str
    patronymic: str


class HouseholdSummary(Schema):
    id: str
    code: str
    site: str
    place_of_origin: str
    size: int
    created_at: dt.datetime
    members: list[MemberSummary]


class Paged(Schema):
    page: int
    pages: int
    total: int


class PersonPage(Paged):
    items: list[PersonOut]


class HouseholdPage(Paged):
    items: list[HouseholdSummary]


class ErrorOut(Schema):
    error: str
    message: str
    errors: dict[str, list[str]] | None = None
