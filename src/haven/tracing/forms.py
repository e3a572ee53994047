"""Forms of the tracing pages: they parse, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.registry.vocabulary import Sex
from haven.tracing.services import RequestInput, SoughtInput
from haven.tracing.vocabulary import Priority, ShareScope

SEX_CHOICES = [("", "—"), *Sex.choices]


class RequestForm(forms.Form):
    site = forms.ChoiceField(label=_("Tracing desk at"))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    given_name = forms.CharField(label=_("Given name (any script)"), max_length=100,
                                 required=False)
    family_name = forms.CharField(label=_("Family name (any script)"), max_length=100,
                                  required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    other_names = forms.CharField(label=_("Other spellings"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    age = forms.IntegerField(label=_("Approximate age"), required=False)
    origin = forms.CharField(label=_("Settlement of origin"), max_length=100, required=False)
    last_seen_place = forms.CharField(label=_("Last seen where"), max_length=200,
                                      required=False)
    last_seen_on = forms.DateField(label=_("Last seen when"), required=False)
    sought_details = forms.CharField(label=_("Distinguishing details"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    searcher_name = forms.CharField(label=_("Who is searching"), max_length=200)
    searcher_relationship = forms.CharField(label=_("Relationship to the person sought"),
                                            max_length=60, required=False)
    searcher_contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    searcher_staying_at = forms.CharField(label=_("Where they stay now"), max_length=200,
                                          required=False)
    consent_share = forms.BooleanField(label=_("The searcher consents to share"),
                                       required=False)
    share_scope = forms.ChoiceField(label=_("Share with"), choices=ShareScope.choices)
    details = forms.CharField(label=_("Notes"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def request_input(self) -> RequestInput:
        d = self.cleaned_data
        return RequestInput(
            site=d["site"], priority=d["priority"], searcher_name=d["searcher_name"],
            searcher_relationship=d["searcher_relationship"],
            searcher_contact=d["searcher_contact"], searcher_staying_at=d["searcher_staying_at"],
            consent_share=d["consent_share"], share_scope=d["share_scope"],
            details=d["details"],
            sought=[SoughtInput(
                given_name=d["given_name"], family_name=d["family_name"],
                patronymic=d["patronymic"], other_names=d["other_names"], sex=d["sex"] or "",
                birth_year=d["birth_year"], age=d["age"], origin=d["origin"],
                last_seen_place=d["last_seen_place"], last_seen_on=d["last_seen_on"],
                details=d["sought_details"])])


class SearchForm(forms.Form):
    name = forms.CharField(label=_("Name, in any script"), max_length=200)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    age = forms.IntegerField(label=_("Approximate age"), required=False)
    origin = forms.CharField(label=_("Settlement of origin"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)


class ReunificationForm(forms.Form):
    relationship = forms.CharField(label=_("Family link"), max_length=60, required=False)
    searcher_consent = forms.BooleanField(label=_("The family consents"), required=False)
    found_consent = forms.BooleanField(label=_("The person found (or guardian) consents"),
                                       required=False)
    place = forms.CharField(label=_("Where they were reunited"), max_length=200,
                            required=False)
    reunited_on = forms.DateField(label=_("When"), required=False)


class SafeAndWellForm(forms.Form):
    name = forms.CharField(label=_("Given and family name, in any script"), max_length=200)
    birth_year = forms.IntegerField(label=_("Year of birth"))
    origin = forms.CharField(label=_("Settlement of origin"), max_length=100)
