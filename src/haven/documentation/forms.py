"""Forms of the documentation pages; each maps onto one service's input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.documentation.models import HeritageKind, PropertyCondition, SourceKind, Tenure


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,"
                                                                       "image/webp,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


_DATE = forms.DateInput(attrs={"type": "date"})


class HeritageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=HeritageKind.choices)
    name_en = forms.CharField(label=_("Name in English"), max_length=160)
    name_hy = forms.CharField(label=_("Name in Armenian"), max_length=160, required=False)
    name_ru = forms.CharField(label=_("Name in Russian"), max_length=160, required=False)
    settlement = forms.CharField(label=_("Settlement"), max_length=100)
    latitude = forms.CharField(label=_("Latitude (degrees north)"), max_length=20,
                               required=False)
    longitude = forms.CharField(label=_("Longitude (degrees east)"), max_length=20,
                                required=False)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ObservationForm(forms.Form):
    observed_on = forms.DateField(label=_("Seen on"), widget=_DATE)
    source = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    reference = forms.CharField(label=_("Reference (citation, link, image id)"),
                                max_length=500, required=False)
    condition = forms.ChoiceField(label=_("Condition"), choices=PropertyCondition.choices)
    note = forms.CharField(label=_("What was seen"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("Photographs"))


class HomeForm(forms.Form):
    settlement = forms.CharField(label=_("Settlement"), max_length=100)
    address = forms.CharField(label=_("Address or description of the place"), max_length=300,
                              required=False)
    cadastral_number = forms.CharField(label=_("Cadastral number, if known"), max_length=60,
                                       required=False)
    tenure = forms.ChoiceField(label=_("Held as"), choices=Tenure.choices)
    latitude = forms.CharField(label=_("Latitude (degrees north)"), max_length=20,
                               required=False)
    longitude = forms.CharField(label=_("Longitude (degrees east)"), max_length=20,
                                required=False)
    documents = MultipleFileField(label=_("Documents (deeds, certificates, photographs)"))


class PropertyReportForm(forms.Form):
    observed_on = forms.DateField(label=_("Seen on"), widget=_DATE)
    source = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    condition = forms.ChoiceField(label=_("Condition"), choices=PropertyCondition.choices)
    seen = forms.CharField(label=_("What was seen"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    photos = MultipleFileField(label=_("Photographs"))


def add_service_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    for field, problems in errors.items():
        form.add_error(field if field in form.fields else None, problems)
