"""Check a household as typed: every field's problem named, nothing stored.

The inputs every channel fills (`HouseholdInput`, `MemberInput`) and the checks that
turn them into a `_ValidHousehold`, collecting every problem at once.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _

from haven.core.errors import InputProblem, ValidationFailed
from haven.core.names import NameProblem, clean_name
from haven.core.names.cleaning import clean_text
from haven.registry.birth_dates import (
    UNKNOWN,
    BirthDate,
    BirthDateProblem,
    birth_date_from_age,
    parse_birth_date,
)
from haven.registry.models import (
    Site,
)
from haven.registry.phones import PhoneProblem, clean_phone
from haven.registry.selectors import site_by_slug
from haven.registry.vocabulary import (
    DocumentType,
    Relationship,
    Sex,
    Vulnerability,
)

if TYPE_CHECKING:
    from haven.accounts.access import Actor


MAX_MEMBERS = 50
MAX_DOCUMENT_NUMBER = 50
MAX_PLACE = 100
MAX_SITE_TEXT = 120


@dataclass
class MemberInput:
    given_name: str = ""
    family_name: str = ""
    patronymic: str = ""
    sex: str = ""
    birth_date: str = ""
    estimated_age: int | None = None
    relationship: str = ""
    document_type: str = DocumentType.NONE
    document_number: str = ""
    vulnerabilities: Sequence[str] = ()


@dataclass
class HouseholdInput:
    site: str
    members: list[MemberInput]
    place_of_origin: str = ""
    phone: str = ""
    size: int | None = None
    arrived_at: dt.datetime | None = None  # when they arrived, if not now (replays, ODK)


@dataclass
class _CleanMember:
    names: dict[str, tuple[str, str]]  # field -> (value, script)
    sex: str
    birth: BirthDate
    relationship: str
    document_type: str
    document_number: str
    vulnerabilities: list[str] = field(default_factory=list)


class _Errors:
    """Collect every problem in the input, so the clerk fixes them all in one pass."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def problem_text(problem: InputProblem) -> str:
    """Return the problem's message in the reader's language."""
    return _(problem.template) % problem.params if problem.params else _(problem.template)


@functools.cache
def _codes(choices: type[models.TextChoices]) -> frozenset[str]:
    # `.values` builds a new list on every access; imports check it millions of times.
    return frozenset(choices.values)


def _choice(errors: _Errors, key: str, value: str, choices: Any, *, required: bool) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            errors.add(key, _("is required"))
        return ""
    if value not in _codes(choices):
        errors.add(key, _("must be one of: %(choices)s") % {"choices": ", ".join(choices.values)})
        return ""
    return value


def _clean_birth(errors: _Errors, prefix: str, member: MemberInput, *,
                 today: dt.date) -> BirthDate:
    if member.birth_date and member.estimated_age is not None:
        errors.add(f"{prefix}.birth_date", _("give a birth date or an estimated age, not both"))
        return UNKNOWN
    if member.estimated_age is not None:
        try:
            return birth_date_from_age(member.estimated_age, today=today)
        except BirthDateProblem as problem:
            errors.add(f"{prefix}.estimated_age", problem_text(problem))
            return UNKNOWN
    try:
        return parse_birth_date(member.birth_date or "", today=today)
    except BirthDateProblem as problem:
        errors.add(f"{prefix}.birth_date", problem_text(problem))
        return UNKNOWN


def _clean_document(errors: _Errors, prefix: str, member: MemberInput) -> tuple[str, str]:
    document_type = _choice(errors, f"{prefix}.document_type",
                            member.document_type or DocumentType.NONE, DocumentType,
                            required=False) or DocumentType.NONE
    document_number = " ".join((member.document_number or "").split())
    if len(document_number) > MAX_DOCUMENT_NUMBER:
        errors.add(f"{prefix}.document_number",
                   _("is longer than %(n)d characters") % {"n": MAX_DOCUMENT_NUMBER})
    elif document_number and not all(ch.isalnum() or ch in " -/." for ch in document_number):
        errors.add(f"{prefix}.document_number", _("may hold letters, digits, spaces, - / . only"))
    elif document_number and document_type == DocumentType.NONE:
        errors.add(f"{prefix}.document_type", _("choose the type of the document"))
    return document_type, document_number


def _clean_vulnerabilities(errors: _Errors, prefix: str, codes: Sequence[str]) -> list[str]:
    vulnerabilities: list[str] = []
    for code in codes or ():
        if code not in Vulnerability.values:
            errors.add(f"{prefix}.vulnerabilities",
                       _("unknown vulnerability %(code)r") % {"code": str(code)[:40]})
        elif code not in vulnerabilities:
            vulnerabilities.append(code)
    return vulnerabilities


def _clean_member(
    errors: _Errors, prefix: str, member: MemberInput, *, today: dt.date
) -> _CleanMember:
    names: dict[str, tuple[str, str]] = {}
    for name_field, required in (("given_name", True), ("family_name", True),
                                 ("patronymic", False)):
        try:
            names[name_field] = clean_name(getattr(member, name_field) or "", required=required)
        except NameProblem as problem:
            errors.add(f"{prefix}.{name_field}", problem_text(problem))
            names[name_field] = ("", "")
    birth = _clean_birth(errors, prefix, member, today=today)
    document_type, document_number = _clean_document(errors, prefix, member)
    return _CleanMember(
        names=names,
        sex=_choice(errors, f"{prefix}.sex", member.sex, Sex, required=True),
        birth=birth,
        relationship=_choice(errors, f"{prefix}.relationship", member.relationship,
                             Relationship, required=True),
        document_type=document_type,
        document_number=document_number,
        vulnerabilities=_clean_vulnerabilities(errors, prefix, member.vulnerabilities),
    )


def _member_identity(member: _CleanMember) -> tuple[object, ...]:
    return (
        *(member.names[f][0].casefold() for f in ("given_name", "family_name", "patronymic")),
        member.birth.year, member.birth.month, member.birth.day, member.sex,
    )


def _clean_household(
    actor: Actor, household: HouseholdInput, *, today: dt.date, sites: dict[str, Site | None]
) -> _ValidHousehold:
    errors = _Errors()
    slug = (household.site or "").strip().lower()
    if slug not in sites:
        sites[slug] = site_by_slug(slug)
    site = sites[slug]
    if site is None or not site.is_active:
        errors.add("site", _("unknown site %(site)r") % {"site": (household.site or "")[:40]})
    elif not actor.may_act_for_site(site.id):
        errors.add("site", _("you do not act for this site"))
    try:
        place = clean_text(household.place_of_origin or "", required=False,
                           max_length=MAX_PLACE)
    except NameProblem as problem:
        errors.add("place_of_origin", problem_text(problem))
        place = ""
    try:
        phone, phone_e164 = clean_phone(household.phone or "")
    except PhoneProblem as problem:
        errors.add("phone", problem_text(problem))
        phone, phone_e164 = "", ""
    members = household.members or []
    if not members:
        errors.add("members", _("a household needs at least one member"))
    elif len(members) > MAX_MEMBERS:
        errors.add("members", _("at most %(n)d members in one household") % {"n": MAX_MEMBERS})
        members = []
    clean = [_clean_member(errors, f"members[{i}]", m, today=today) for i, m in enumerate(members)]
    if members and household.size is not None and not len(members) <= household.size <= 99:
        errors.add("size", _("must be between the number of members listed (%(n)d) and 99")
                   % {"n": len(members)})
    heads = [i for i, m in enumerate(clean) if m.relationship == Relationship.HEAD]
    if clean and len(heads) != 1 and not any(k.endswith(".relationship") for k in errors.errors):
        errors.add("members", _("exactly one member must be the head of household"))
    seen: dict[tuple[object, ...], int] = {}
    for i, member in enumerate(clean):
        identity = _member_identity(member)
        if identity in seen and identity[0]:
            errors.add(f"members[{i}]", _("repeats member %(n)d") % {"n": seen[identity] + 1})
        seen.setdefault(identity, i)
    errors.raise_if_any()
    assert site is not None  # noqa: S101 - raise_if_any returned, so the site was found
    return _ValidHousehold(
        site=site, contact={"place_of_origin": place, "phone": phone, "phone_e164": phone_e164},
        members=clean, size=household.size, arrived_at=household.arrived_at,
    )


@dataclass(frozen=True)
class _ValidHousehold:
    """A household that passed every check, ready to store."""

    site: Site
    contact: dict[str, str]
    members: list[_CleanMember]
    size: int | None
    arrived_at: dt.datetime | None
