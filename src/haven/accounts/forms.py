"""Forms of the administration pages: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.accounts.roles import PERSON_ROLES, Role
from haven.accounts.selectors import USER_STATUSES

STATUS_LABELS = {
    "active": _("Active"),
    "inactive": _("Deactivated"),
    "locked": _("Locked out"),
    "must_change_password": _("Temporary password"),
}


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - a programming error otherwise
    field.choices = choices


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("User name starts with"), required=False, max_length=150)
    role = forms.ChoiceField(label=_("Role"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000,
                              widget=forms.HiddenInput)

    def __init__(self, *args: Any, site_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        _choices(self, "role", [("", _("Any")), *((r, labels[r]) for r in PERSON_ROLES)])
        _choices(self, "site", [("", _("Any")), *site_choices])
        _choices(self, "status", [("", _("Any")), *((s, STATUS_LABELS[s]) for s in USER_STATUSES)])


class UserForm(forms.Form):
    """A user's role and sites; with `creating`, also the user name."""

    username = forms.CharField(label=_("User name"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _, e.g. anna.petrosyan"))
    role = forms.ChoiceField(label=_("Role"))
    sites = forms.MultipleChoiceField(label=_("Sites"), required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("The sites the user acts for. Registrars and "
                                                  "protection officers see only these."))

    def __init__(self, *args: Any, roles: list[tuple[str, str]],
                 site_choices: list[tuple[str, str]], creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "role", roles)
        _choices(self, "sites", site_choices)
        if not creating:
            del self.fields["username"]


class PasswordChangeForm(forms.Form):
    current = forms.CharField(label=_("Current password"), strip=False,
                              widget=forms.PasswordInput(
                                  attrs={"autocomplete": "current-password"}))
    new = forms.CharField(label=_("New password"), strip=False,
                          help_text=_("At least 10 characters; not a common password, not "
                                      "only digits, not like your user name."),
                          widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    repeat = forms.CharField(label=_("New password again"), strip=False,
                             widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new") and data.get("repeat") and data["new"] != data["repeat"]:
            self.add_error("repeat", _("does not match the new password"))
        return data


class DeviceForm(forms.Form):
    label = forms.CharField(label=_("Which device"), max_length=100,
                            help_text=_("So you know which phone to revoke if it is lost, "
                                        "e.g. “tablet 3, triage tent”."))
