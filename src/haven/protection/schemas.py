"""JSON shapes of the protection API. Unknown fields are refused, never silently dropped.

Medical and protection details (reason, notes, injuries, needs, a check's condition...) are
optional in every answer: they are absent for roles without `medical_fields`.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field

TEXT = 8000  # the services refuse past 4,000 characters, naming the field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class PersonOutlineOut(Schema):
    id: str
    code: str
    given_name: str
    family_name: str
    sex: str
    birth_date: str
    full_record: bool


class ReferralIn(Strict):
    person: str = Field(max_length=64, description="the person's code or id")
    service: str = Field(max_length=30, description="hospital, burns_unit, nutrition, "
                         "psychosocial, disability, child_protection or legal_aid")
    to_site: str = Field(max_length=60, description="the receiving site's short name")
    urgency: str = Field(max_length=20, description="emergency, urgent or routine")
    consent: bool
    notes: str = Field("", max_length=TEXT)
    reason: str = Field("", max_length=TEXT)
    life_saving_exception: bool = False
    exception_reason: str = Field("", max_length=TEXT)
    follow_up_on: dt.date | None = None
    from_site: str = Field("", max_length=60,
                           description="the referring site; by default your only site")


class ReferralUpdateOut(Schema):
    at: dt.datetime
    by: str | None
    action: str
    follow_up_on: dt.date | None
    note: str | None = None


class ReferralOut(Schema):
    id: str
    person: PersonOutlineOut | None
    service: str
    urgency: str
    status: str
    consent: bool
    life_saving_exception: bool
    from_site: str
    to_site: str
    follow_up_on: dt.date | None
    overdue: bool
    officer: str | None
    created_at: dt.datetime
    answered_at: dt.datetime | None
    updated_at: dt.datetime
    reason: str | None = None
    notes: str | None = None
    exception_reason: str | None = None
    status_reason: str | None = None
    updates: list[ReferralUpdateOut] | None = None


class ReferralPage(Schema):
    page: int
    pages: int
    total: int
    items: list[ReferralOut]


class OverdueGroup(Schema):
    key: str  # a site's short name or an officer's user name
    referrals: list[ReferralOut]


class OverdueOut(Schema):
    total: int
    truncated: bool
    by_site: list[OverdueGroup]
    by_officer: list[OverdueGroup]


class ReferralStatusIn(Strict):
    status: str = Field(max_length=20, description="accepted, declined or completed")
    reason: str = Field("", max_length=TEXT, description="required to decline")
    follow_up_on: dt.date | None = Field(None, description="on accepting: the next follow-up")


class FollowUpIn(Strict):
    note: str = Field(max_length=TEXT)
    next_follow_up_on: dt.date | None = None


class IncidentIn(Strict):
    kind: str = Field(max_length=20)
    name: str = Field(max_length=400)
    occurred_on: dt.date
    place: str = Field(max_length=400)
    description: str = Field("", max_length=TEXT)


class IncidentOut(Schema):
    id: str
    kind: str
    name: str
    occurred_on: dt.date
    place: str
    description: str
    dead: int
    injured: int
    missing: int


class CasualtyIn(Strict):
    incident: str = Field(max_length=64)
    kind: str = Field(max_length=20, description="dead, injured or missing")
    site: str = Field(max_length=60, description="the site that holds the record")
    occurred_on: dt.date | None = None
    person: str = Field("", max_length=64, description="code, if identified")
    sex: str = Field("unknown", max_length=20)
    approximate_age: int | None = None
    clothing: str = Field("", max_length=TEXT)
    belongings: str = Field("", max_length=TEXT)
    found_at: str = Field("", max_length=TEXT)
    marks: str = Field("", max_length=TEXT)
    injuries: str = Field("", max_length=TEXT)


class CasualtyPatch(Strict):
    kind: str = Field(max_length=20)
    occurred_on: dt.date | None = None
    injuries: str | None = Field(None, max_length=TEXT)


class IdentifyIn(Strict):
    person: str = Field(max_length=64, description="the code on the person's paper, or id")


class CasualtyOut(Schema):
    id: str
    incident: str
    incident_name: str
    kind: str
    site: str
    occurred_on: dt.date
    identified: bool
    identified_at: dt.datetime | None
    person: PersonOutlineOut | None
    sex: str
    approximate_age: int | None
    clothing: str
    belongings: str
    found_at: str
    marks: str
    created_at: dt.datetime
    injuries: str | None = None


class CasualtyPage(Schema):
    page: int
    pages: int
    total: int
    items: list[CasualtyOut]


class LeftBehindIn(Strict):
    site: str = Field(max_length=60)
    given_name: str = Field(max_length=1000)
    family_name: str = Field(max_length=1000)
    patronymic: str = Field("", max_length=1000)
    sex: str = Field("unknown", max_length=20)
    birth_year: int | None = None
    vulnerabilities: list[str] = Field(default_factory=list, max_length=30)
    location: str = Field("", max_length=TEXT)
    needs: str = Field("", max_length=TEXT)
    reported_by: str = Field("", max_length=TEXT)
    reported_on: dt.date
    last_contact_on: dt.date | None = None
    check_every_days: int = 14
    relatives: list[str] = Field(default_factory=list, max_length=50,
                                 description="codes of registered relatives")


class WelfareCheckIn(Strict):
    checked_on: dt.date
    condition: str = Field(max_length=20)
    needs_met: str = Field(max_length=10, description="yes, partly or no")
    visited_by: str = Field("", max_length=400)
    notes: str = Field("", max_length=TEXT)


class TransferIn(Strict):
    to_site: str = Field(max_length=60)
    arrived_at: dt.datetime | None = None


class WelfareCheckOut(Schema):
    checked_on: dt.date
    visited_by: str
    needs_met: str
    recorded_by: str | None
    recorded_at: dt.datetime
    condition: str | None = None
    notes: str | None = None


class LeftBehindOut(Schema):
    id: str
    site: str
    given_name: str
    family_name: str
    patronymic: str
    sex: str
    birth_year: int | None
    location: str
    reported_by: str
    reported_on: dt.date
    last_contact_on: dt.date | None
    check_every_days: int
    next_check_on: dt.date | None
    overdue: bool
    status: str
    transferred_to: str | None
    transferred_at: dt.datetime | None
    person: PersonOutlineOut | None
    relatives: list[PersonOutlineOut]
    relatives_elsewhere: int
    vulnerabilities: list[str] | None = None
    needs: str | None = None
    checks: list[WelfareCheckOut] | None = None


class LeftBehindPage(Schema):
    page: int
    pages: int
    total: int
    items: list[LeftBehindOut]
