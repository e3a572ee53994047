"""Forms of the aid pages; each maps onto one service's input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.aid.models import ContributionKind, ContributionStatus, DonorKind, Sector, Unit


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class DonorForm(forms.Form):
    name = forms.CharField(label=_("Organisation"), max_length=160)
    kind = forms.ChoiceField(label=_("Type"), choices=DonorKind.choices)
    country = forms.CharField(label=_("Country (ISO code, e.g. GB)"), max_length=2,
                              required=False)


class RateForm(forms.Form):
    currency = forms.CharField(label=_("Currency (ISO code, e.g. EUR)"), max_length=3)
    date = forms.DateField(label=_("From date"), widget=forms.DateInput(attrs={"type": "date"}))
    usd_per_unit = forms.CharField(label=_("US dollars for one unit"), max_length=30)


class ContributionForm(forms.Form):
    donor = forms.ChoiceField(label=_("Donor"), choices=())
    kind = forms.ChoiceField(label=_("Cash or in kind"), choices=ContributionKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ContributionStatus.choices)
    date = forms.DateField(label=_("Date of this status"),
                           widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.CharField(label=_("Amount (cash)"), max_length=30, required=False)
    currency = forms.CharField(label=_("Currency (cash)"), max_length=3, required=False)
    item = forms.CharField(label=_("Item (in kind)"), max_length=120, required=False)
    quantity = forms.CharField(label=_("Quantity (in kind)"), max_length=30, required=False)
    unit = forms.ChoiceField(label=_("Unit (in kind)"), choices=_blank(Unit.choices),
                             required=False)
    value_usd = forms.CharField(label=_("Value in US dollars (in kind, if known)"),
                                max_length=30, required=False)
    site = forms.ChoiceField(label=_("Earmarked to a site"), choices=(), required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=_blank(Sector.choices),
                               required=False)
    need = forms.CharField(label=_("Need"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)

    def __init__(self, *args: object, donors: list[str], sites: list[tuple[str, str]],
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["donor"].choices = [(d, d) for d in donors]  # type: ignore[attr-defined]
        self.fields["site"].choices = _blank(sites)  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ContributionStatus.choices[1:])
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class DeliveryForm(forms.Form):
    site = forms.ChoiceField(label=_("Received at"), choices=())
    quantity = forms.CharField(label=_("Quantity (or amount, for cash)"), max_length=30)
    received_on = forms.DateField(label=_("Received on"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: object, sites: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["site"].choices = sites  # type: ignore[attr-defined]


class DistributionForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=120)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    quantity = forms.CharField(label=_("Quantity"), max_length=30)
    distributed_on = forms.DateField(label=_("Date"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    household = forms.CharField(label=_("Household or member code"), max_length=64,
                                required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off",
                                                              "spellcheck": "false"}))
    given_name = forms.CharField(label=_("Or, if not registered: given name"), max_length=100,
                                 required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    people = forms.IntegerField(label=_("Persons served"), min_value=1, max_value=99,
                                initial=1)
    repeat_reason = forms.CharField(label=_("Reason, if given again"), max_length=300,
                                    required=False)


def add_service_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Show a service's errors at their fields (or above the form for others)."""
    for field, problems in errors.items():
        form.add_error(field if field in form.fields else None, problems)
