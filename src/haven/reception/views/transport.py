"""Transport pages: runs and their manifests, vehicles, passengers who did not arrive."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from haven.core.errors import Conflict, ValidationFailed
from haven.core.http import parse_count, parse_page
from haven.core.web import page
from haven.reception import selectors, services
from haven.reception.views.common import number, refused, web_actor
from haven.reception.vocabulary import RunStatus, VehicleKind
from haven.registry.selectors import site_list, sites_for
from haven.registry.vocabulary import SiteKind


@page
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    status = request.GET.get("status", "")
    status = status if status in RunStatus.values else ""
    found = selectors.run_list(actor=actor, status=status, page=parse_page(request.GET.get("page")))
    return render(request, "reception/run_list.html", {
        "page": found, "items": found.items, "status": status,
        "statuses": RunStatus.choices, "query": f"status={status}" if status else ""})


def _moment(text: str, field: str, errors: dict[str, list[str]]) -> dt.datetime | None:
    """Read a datetime-local field as the server's local time."""
    if not text:
        return None
    try:
        return timezone.make_aware(dt.datetime.fromisoformat(text))
    except ValueError:
        errors[field] = [_("is not a date and time")]
        return None


def _run_form_context(actor: Any) -> dict[str, Any]:
    return {"vehicles": selectors.vehicle_list(actor=actor),
            "destinations": sites_for(actor), "origins": site_list(active_only=True),
            "hospitals": site_list(active_only=True).filter(kind=SiteKind.HOSPITAL)}


@page
@require_http_methods(["GET", "POST"])
def run_new(request: HttpRequest) -> HttpResponse:
    """Plan a run: a vehicle, from a site or a place, to a site; an ambulance's hospital."""
    actor = web_actor(request)
    actor.require("run_transport")
    context: dict[str, Any] = {**_run_form_context(actor), "errors": {}, "values": request.POST}
    if request.method != "POST":
        return render(request, "reception/run_form.html", context)
    errors: dict[str, list[str]] = {}
    departure = _moment(request.POST.get("planned_departure", ""), "planned_departure", errors)
    arrival = _moment(request.POST.get("planned_arrival", ""), "planned_arrival", errors)
    try:
        if errors:
            raise ValidationFailed(errors)
        run = services.run_create(actor=actor, run=services.RunInput(
            vehicle=request.POST.get("vehicle", ""),
            destination=request.POST.get("destination", ""),
            origin_site=request.POST.get("origin_site", ""),
            origin_place=request.POST.get("origin_place", ""),
            hospital=request.POST.get("hospital", ""),
            planned_departure=departure, planned_arrival=arrival,
            reference=request.POST.get("reference", "")))
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        return render(request, "reception/run_form.html", context, status=422)
    messages.success(request, _("Planned the run. Add its passengers below."))
    return redirect("reception-run", pk=run.id)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _names(text: str) -> list[tuple[str, str]]:
    """Read one passenger a line, "given names, family name" or "given family"."""
    names = []
    for line in _lines(text):
        given, _sep, family = line.rpartition(",") if "," in line else line.rpartition(" ")
        names.append((given.strip(), family.strip()))
    return names


def _run_action(request: HttpRequest, actor: Any, pk: str, action: str) -> str:
    """Do what the run page's form asked; return the message to show."""
    if action == "add":
        added = services.passengers_add(actor=actor, run=pk,
                                        codes=_lines(request.POST.get("codes", "")),
                                        names=_names(request.POST.get("names", "")))
        return ngettext("Added %(n)d passenger.", "Added %(n)d passengers.", len(added)) \
            % {"n": len(added)}
    if action == "remove":
        services.passenger_remove(actor=actor, run=pk,
                                  position=number(request.POST.get("position"), 0))
        return _("Took the passenger off the manifest.")
    if action == "depart":
        services.run_depart(actor=actor, run=pk)
        return _("Recorded the departure.")
    if action == "cancel":
        services.run_cancel(actor=actor, run=pk)
        return _("Cancelled the run.")
    if action == "link":
        services.passenger_link(actor=actor, run=pk,
                                position=number(request.POST.get("position"), 0),
                                person=request.POST.get("person", ""))
        return _("Linked the passenger to their registration.")
    if action == "arrive":
        done = services.run_arrive(actor=actor, run=pk, absent=request.POST.getlist("absent"))
        return _("Recorded the arrival: %(arrived)d arrived, %(register)d to register, "
                 "%(missing)d did not arrive (flagged for tracing).") % {
            "arrived": len(done.arrived), "register": len(done.to_register),
            "missing": len(done.no_shows)}
    raise ValidationFailed.single("action", _("choose what to do with the run"))


@page
@require_http_methods(["GET", "POST"])
def run_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """A run and its manifest; add passengers, record departure and arrival."""
    actor = web_actor(request)
    view = selectors.run_get(actor=actor, ref=pk)
    context: dict[str, Any] = {
        "view": view, "errors": {}, "values": request.POST,
        "act": actor.policy.run_transport,
        "arrive": actor.policy.run_transport and actor.may_act_for_site(view.run.destination_id),
        "open": view.run.status in {RunStatus.PLANNED, RunStatus.DEPARTED},
    }
    if request.method != "POST":
        return render(request, "reception/run_detail.html", context)
    action = request.POST.get("action", "")
    try:
        messages.success(request, _run_action(request, actor, pk, action))
    except ValidationFailed as exc:
        context.update(errors=exc.errors, action=action)
        return render(request, "reception/run_detail.html", context, status=422)
    except Conflict as conflict:
        return refused(request, "reception/run_detail.html", context, conflict)
    return redirect("reception-run", pk=pk)


@page
@require_http_methods(["GET", "POST"])
def vehicles(request: HttpRequest) -> HttpResponse:
    """The buses, ambulances, cars and trucks; add one."""
    actor = web_actor(request)
    context: dict[str, Any] = {"vehicles": selectors.vehicle_list(actor=actor), "errors": {},
                               "values": request.POST, "kinds": VehicleKind.choices,
                               "act": actor.policy.run_transport}
    if request.method == "POST":
        capacity = request.POST.get("capacity", "").strip()
        try:
            vehicle = services.vehicle_create(
                actor=actor, kind=request.POST.get("kind", ""),
                plate=request.POST.get("plate", ""),
                capacity=parse_count(capacity) or 0,
                operator=request.POST.get("operator", ""))
        except ValidationFailed as exc:
            context["errors"] = exc.errors
            return render(request, "reception/vehicles.html", context, status=422)
        messages.success(request, _("Added %(plate)s.") % {"plate": vehicle.plate})
        return redirect("reception-vehicles")
    return render(request, "reception/vehicles.html", context)


@page
@require_GET
def no_shows(request: HttpRequest) -> HttpResponse:
    """Passengers on a manifest who did not arrive: for tracing to follow up."""
    return render(request, "reception/no_shows.html",
                  {"items": selectors.no_shows(actor=web_actor(request))})
