"""Parse the registration page and list filters into the services' inputs."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from haven.core.http import parse_count
from haven.registry.selectors import RecordFilters
from haven.registry.services import HouseholdInput, MemberInput
from haven.registry.vocabulary import PersonStatus, Vulnerability

_MEMBER_KEY = re.compile(r"^members-(\d{1,3})-(\w+)$")
# What a clerk types; the selects have defaults, so they do not make a row "filled".
_TYPED_FIELDS = ("given_name", "family_name", "patronymic", "birth_date", "estimated_age",
                 "document_number")
MEMBER_FIELDS = ("given_name", "family_name", "patronymic", "sex", "birth_date",
                 "estimated_age", "relationship", "document_type", "document_number")


def _count(text: str, *, empty: int | None) -> int | None:
    """Return a typed count (ASCII digits), -1 for anything else (the service refuses it)."""
    if not text:
        return empty
    count = parse_count(text)
    return count if count is not None else -1


def household_from_post(data: QueryDict, *, site: str) -> tuple[HouseholdInput, list[int]]:
    """Return the household typed into the page, and the row numbers its members came from.

    Rows are numbered by the page (rows can be removed), so errors are reported back
    against the row a clerk sees, not the position in the list.
    """
    numbered = sorted({int(m.group(1)) for key in data if (m := _MEMBER_KEY.match(key))})
    rows: list[int] = []
    members: list[MemberInput] = []
    for row in numbered:
        values: dict[str, Any] = {f: data.get(f"members-{row}-{f}", "") for f in MEMBER_FIELDS}
        if not any(values[f].strip() for f in _TYPED_FIELDS) \
                and not data.getlist(f"members-{row}-vulnerabilities"):
            continue  # a row added and left blank is not a member
        rows.append(row)
        age = values.pop("estimated_age").strip()
        members.append(MemberInput(
            **values,
            estimated_age=_count(age, empty=None),
            vulnerabilities=data.getlist(f"members-{row}-vulnerabilities"),
        ))
    size = data.get("size", "").strip()
    household = HouseholdInput(
        site=site, members=members, place_of_origin=data.get("place_of_origin", ""),
        phone=data.get("phone", ""), size=parse_count(size),
    )
    return household, rows


def errors_by_row(errors: dict[str, list[str]], rows: list[int]) -> dict[str, list[str]]:
    """Turn service keys ``members[2].birth_date`` into page keys ``members-<row>-birth_date``."""
    mapped: dict[str, list[str]] = {}
    for key, messages in errors.items():
        match = re.match(r"^members\[(\d+)\](?:\.(\w+))?$", key)
        if match and int(match.group(1)) < len(rows):
            row = rows[int(match.group(1))]
            mapped[f"members-{row}-{match.group(2) or 'row'}"] = messages
        else:
            mapped[key] = messages
    return mapped


class ListFilterForm(forms.Form):
    site = forms.CharField(required=False, label=_("Site"))
    arrived_from = forms.DateField(required=False, label=_("Arrived from"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    arrived_to = forms.DateField(required=False, label=_("Arrived until"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    vulnerability = forms.ChoiceField(required=False, label=_("Vulnerability"),
                                      choices=[("", "—"), *Vulnerability.choices])
    status = forms.ChoiceField(required=False, label=_("Status"),
                               choices=[("", "—"), *PersonStatus.choices])
    q = forms.CharField(required=False, max_length=100, label=_("Name or code"))
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, *args: Any, medical: bool, site_choices: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = forms.ChoiceField(required=False, label=_("Site"),
                                                choices=[("", "—"), *site_choices])
        if not medical:
            del self.fields["vulnerability"]

    def record_filters(self) -> RecordFilters:
        data = self.cleaned_data
        return RecordFilters(site=data.get("site") or "", arrived_from=data.get("arrived_from"),
                             arrived_to=data.get("arrived_to"),
                             vulnerability=data.get("vulnerability") or "",
                             status=data.get("status") or "", query=data.get("q") or "")
