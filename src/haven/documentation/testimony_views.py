"""Testimony pages: record with consent, list, read, withdraw. Thin over `testimonies`."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from haven.accounts.access import actor_from_request
from haven.accounts.acting import acting_site
from haven.core import clock
from haven.core.errors import ValidationFailed
from haven.core.web import page
from haven.documentation import testimonies
from haven.documentation.forms import add_service_errors


class TestimonyForm(forms.Form):
    witness = forms.CharField(label=gettext_lazy("Witness's code, if registered"),
                              max_length=64, required=False)
    witness_description = forms.CharField(
        label=gettext_lazy("Or a description of the witness (if they would rather not be "
                           "registered)"), max_length=2000, required=False)
    given_on = forms.DateField(label=gettext_lazy("Given on"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(label=gettext_lazy("Language of the statement"),
                                 choices=[*settings.LANGUAGES, ("other", gettext_lazy("Other"))])
    statement = forms.CharField(label=gettext_lazy("Statement"),
                                widget=forms.Textarea(attrs={"rows": 10}))
    consent_internal = forms.BooleanField(
        label=gettext_lazy("Consents to its use by the agency"), required=False)
    consent_legal = forms.BooleanField(
        label=gettext_lazy("Consents to its use in legal proceedings"), required=False)
    consent_publication = forms.BooleanField(
        label=gettext_lazy("Consents to its publication, anonymised"), required=False)


@page
@require_http_methods(["GET", "POST"])
def testimony_list_page(request: HttpRequest) -> HttpResponse:
    """The statements at the user's sites, and the form to record one."""
    actor = actor_from_request(request, "web")
    actor.require("testimonies")
    form = TestimonyForm(request.POST or None, initial={"given_on": clock.now().date()})
    status = 200
    if request.method == "POST":
        site = acting_site(request)
        if form.is_valid():
            try:
                created = testimonies.testimony_record(
                    actor=actor, testimony=testimonies.TestimonyInput(
                        site=site.slug if site else "", **form.cleaned_data))
            except ValidationFailed as exc:
                add_service_errors(form, exc.errors)
            else:
                messages.success(request, _("Recorded the testimony."))
                return redirect("testimony-detail", pk=created.pk)
        status = 422
    return render(request, "documentation/testimonies.html", {
        "form": form, "items": testimonies.testimony_list(actor=actor),
        "site": acting_site(request)}, status=status)


@page
@require_GET
def testimony_page(request: HttpRequest, pk: str) -> HttpResponse:
    found = testimonies.testimony_get(actor=actor_from_request(request, "web"), ref=pk)
    return render(request, "documentation/testimony.html", {"t": found})


@page
@require_http_methods(["GET", "POST"])
def testimony_withdraw_page(request: HttpRequest, pk: str) -> HttpResponse:
    """Ask to confirm (GET), then record the withdrawal of consent (POST)."""
    actor = actor_from_request(request, "web")
    if request.method == "GET":
        found = testimonies.testimony_get(actor=actor, ref=pk)
        return render(request, "documentation/testimony_withdraw.html", {"t": found})
    testimonies.testimony_withdraw(actor=actor, ref=pk)
    messages.success(request, _("The consent is withdrawn: the statement is erased and "
                                "will not be shown again."))
    return redirect("testimony-list")
