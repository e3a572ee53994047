"""Documentation pages: thin adapters that parse a form, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haven.accounts.access import actor_from_request
from haven.core import clock
from haven.core.errors import ValidationFailed
from haven.core.web import page
from haven.documentation import selectors, services
from haven.documentation.attachments import attachment_bytes
from haven.documentation.evidence import evidence_export
from haven.documentation.forms import (
    HeritageForm,
    HomeForm,
    ObservationForm,
    PropertyReportForm,
    add_service_errors,
)
from haven.documentation.maps import map_svg
from haven.documentation.testimonies import testimonies_for_evidence


@page
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The heritage register with each site's latest condition; homes are found by household."""
    actor = actor_from_request(request, "web")
    sites = list(selectors.heritage_list(actor=actor))
    latest = {s.pk: max(s.observations.all(), key=lambda o: (o.observed_on, o.recorded_at),
                        default=None) for s in sites}
    return render(request, "documentation/overview.html", {
        "sites": [(s, latest[s.pk]) for s in sites],
        "may_record": actor.policy.document_return,
    })


@page
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    points = selectors.map_points(actor=actor)
    links = {"heritage": reverse("heritage-detail", args=["X"]).replace("X", "{}"),
             "home": reverse("homes-of-origin", args=["X"]).replace("X", "{}")}
    # The SVG is built from escaped text only (haven.documentation.maps).
    svg = mark_safe(map_svg(points, link_for=links))  # noqa: S308
    return render(request, "documentation/map.html", {"svg": svg, "points": points})


@page
@require_http_methods(["GET", "POST"])
def heritage_new(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    actor.require("document_return")
    form = HeritageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.heritage_create(
                actor=actor, heritage=services.HeritageInput(**form.cleaned_data))
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Added %(name)s to the heritage register.")
                             % {"name": created.name})
            return redirect("heritage-detail", pk=created.pk)
    return render(request, "documentation/heritage_form.html", {"form": form},
                  status=422 if request.method == "POST" else 200)


@page
@require_http_methods(["GET", "POST"])
def heritage_page(request: HttpRequest, pk: str) -> HttpResponse:
    """A heritage site's timeline: every dated observation, the first and last side by side."""
    actor = actor_from_request(request, "web")
    form = ObservationForm(initial={"observed_on": clock.now().date()}) \
        if actor.policy.document_return else None
    status = 200
    if request.method == "POST":
        actor.require("document_return")
        form = ObservationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.heritage_observe(actor=actor, heritage=pk, **form.cleaned_data)
            except ValidationFailed as exc:
                add_service_errors(form, exc.errors)
            else:
                messages.success(request, _("Recorded the observation."))
                return redirect("heritage-detail", pk=pk)
        status = 422
    timeline = selectors.heritage_timeline(actor=actor, ref=pk)
    return render(request, "documentation/heritage.html",
                  {"timeline": timeline, "site": timeline.site, "form": form}, status=status)


@page
@require_http_methods(["GET", "POST"])
def household_homes_page(request: HttpRequest, ref: str) -> HttpResponse:
    """A household's homes of origin, what was seen of them, and their papers."""
    actor = actor_from_request(request, "web")
    may_record = actor.policy.document_return
    home_form = HomeForm() if may_record else None
    report_forms: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        actor.require("document_return")
        home_id = request.POST.get("home", "")
        if home_id:
            form = PropertyReportForm(request.POST, request.FILES)
            report_forms[home_id] = form
            if form.is_valid():
                try:
                    services.property_report_add(actor=actor, home=home_id, **form.cleaned_data)
                except ValidationFailed as exc:
                    add_service_errors(form, exc.errors)
                else:
                    messages.success(request, _("Recorded what was seen."))
                    return redirect("homes-of-origin", ref=ref)
        else:
            home_form = HomeForm(request.POST, request.FILES)
            if home_form.is_valid():
                try:
                    services.home_add(actor=actor, home=services.HomeInput(
                        household=ref, **home_form.cleaned_data))
                except ValidationFailed as exc:
                    add_service_errors(home_form, exc.errors)
                else:
                    messages.success(request, _("Recorded the home of origin."))
                    return redirect("homes-of-origin", ref=ref)
        status = 422
    household, homes = selectors.household_homes(actor=actor, ref=ref)
    rows = [(home, report_forms.get(str(home.pk)) or (PropertyReportForm() if may_record
                                                       else None)) for home in homes]
    return render(request, "documentation/homes.html", {
        "household": household, "rows": rows, "home_form": home_form}, status=status)


@page
@require_GET
def file_view(request: HttpRequest, pk: str) -> HttpResponse:
    """Serve a file under the rule of the record it belongs to; the view is audited."""
    attachment = selectors.attachment_open(actor=actor_from_request(request, "web"), ref=pk)
    response = HttpResponse(attachment_bytes(attachment), content_type=attachment.content_type)
    kind = "inline" if attachment.is_image else "attachment"
    extension = attachment.content_type.rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'{kind}; filename="{attachment.pk}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@page
@require_http_methods(["GET", "POST"])
def evidence_page(request: HttpRequest) -> HttpResponse:
    """Choose records and download them as an evidence ZIP with manifest and custody."""
    actor = actor_from_request(request, "web")
    actor.require("document_return")
    if request.method == "POST":
        selection: dict[str, Sequence[str]] = {
            kind: request.POST.getlist(kind) for kind in ("heritage", "homes", "testimonies")
            if request.POST.getlist(kind)}
        try:
            export = evidence_export(actor=actor, selection=selection or None)
        except ValidationFailed as exc:
            messages.error(request, "; ".join(m for ms in exc.errors.values() for m in ms))
            return redirect("evidence-export")
        response = HttpResponse(export.archive, content_type="application/zip")
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="haven-evidence-{stamp}.zip"'
        return response
    homes = selectors.visible_homes(actor=actor) if actor.policy.read_records else []
    statements = testimonies_for_evidence(actor, None)
    return render(request, "documentation/evidence.html", {
        "sites": selectors.heritage_list(actor=actor), "homes": homes,
        "testimonies": statements})
