"""The audit log page and its CSV export, for auditors."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from haven.accounts.access import actor_from_request
from haven.audit.models import AuditAction, AuditEvent, Outcome
from haven.audit.selectors import AuditFilters, audit_export, audit_page
from haven.core import clock
from haven.core.spreadsheets import spreadsheet_text
from haven.core.web import page
from haven.registry.selectors import record_ids_for_audit


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    record = forms.CharField(label=_("Person or household code (HVN-…) or record id"),
                             required=False, max_length=64)
    since = forms.DateTimeField(label=_("From"), required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    until = forms.DateTimeField(label=_("Until"), required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("Any")), *AuditAction.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("Any")), *Outcome.choices])
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000,
                              widget=forms.HiddenInput)

    def filters(self) -> AuditFilters:
        data = self.cleaned_data if self.is_bound else {}
        record = data.get("record") or ""
        return AuditFilters(
            username=data.get("user") or "", record=record,
            records=record_ids_for_audit(record) if record else (),
            since=_aware(data.get("since")), until=_aware(data.get("until")),
            action=data.get("action") or "", outcome=data.get("outcome") or "")


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


@page
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    form = AuditFilterForm(request.GET or None)
    found = None
    if not form.is_bound or form.is_valid():
        number = (form.cleaned_data.get("page") or 1) if form.is_bound else 1
        found = audit_page(actor=actor, filters=form.filters(), page=number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/event_list.html",
                  {"form": form, "page": found, "events": found.items if found else [],
                   "query": query.urlencode()},
                  status=200 if not form.errors else 422)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv rows."""

    def write(self, value: str) -> str:
        return value


CSV_HEADER = ["time", "user", "role", "site", "action", "outcome", "target_type",
              "target_count", "targets", "channel", "client_address"]


def _rows(events: Iterator[AuditEvent]) -> Iterator[list[Any]]:
    yield CSV_HEADER
    for e in events:
        yield [timezone.localtime(e.at).isoformat(timespec="seconds"),
               *(spreadsheet_text(v) for v in (e.username, e.role, e.site, e.action,
                                                e.outcome, e.target_type)),
               e.target_count, " ".join(t.target_id for t in e.targets.all()),
               spreadsheet_text(e.channel), e.client_address or ""]


@page
@require_GET
def audit_export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Download every event matching the filters as CSV (UTF-8 with a BOM, for Excel)."""
    actor = actor_from_request(request, "web")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/event_list.html",
                      {"form": form, "page": None, "events": []}, status=422)
    events = audit_export(actor=actor, filters=form.filters())
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in _rows(events))
    response = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="haven-audit-{stamp}.csv"'
    return response


def _with_bom(lines: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"
    yield from lines
