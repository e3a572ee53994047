"""The audit log page, for auditors."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from haven.accounts.access import actor_from_request
from haven.audit.selectors import AuditFilters, audit_events
from haven.core.web import page


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    record = forms.CharField(label=_("Record id"), required=False, max_length=64)
    since = forms.DateTimeField(label=_("From"), required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    until = forms.DateTimeField(label=_("Until"), required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


@page
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    form = AuditFilterForm(request.GET or None)
    events = []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        events = audit_events(actor=actor, filters=AuditFilters(
            username=data.get("user") or "", record=data.get("record") or "",
            since=_aware(data.get("since")), until=_aware(data.get("until"))))
    return render(request, "audit/event_list.html", {"form": form, "events": events},
                  status=200 if not form.errors else 422)
