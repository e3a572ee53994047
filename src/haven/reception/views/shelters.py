"""Shelter pages: occupancy, units, placing a household, placements, the waiting list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from haven.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.core.http import parse_count, parse_page
from haven.core.web import page
from haven.reception import selectors, services
from haven.reception.views.common import number, posted_site, refused, ticked, web_actor
from haven.reception.vocabulary import Destination
from haven.registry.selectors import site_by_slug, sites_for


@page
@require_GET
def reception_home(request: HttpRequest) -> HttpResponse:
    """Every shelter within reach: beds, people present and expected, free beds."""
    actor = web_actor(request)
    if not (actor.policy.read_aggregates or actor.policy.place_households):
        raise PermissionDenied(_("Your role does not allow reading figures."))
    shelters = selectors.shelters_occupancy(actor=actor) if actor.policy.read_aggregates else []
    sites = list(sites_for(actor)) if actor.policy.manage_shelters else []
    return render(request, "reception/home.html", {"shelters": shelters, "sites": sites})


@page
@require_http_methods(["GET", "POST"])
def site_shelter(request: HttpRequest, site: str) -> HttpResponse:
    """A site's units and beds; add a unit or change one (for those who manage shelters)."""
    actor = web_actor(request)
    occupancy = selectors.site_occupancy(actor=actor, site=site)
    context: dict[str, Any] = {"occupancy": occupancy, "errors": {}, "values": {},
                               "manage": actor.policy.manage_shelters
                               and actor.may_act_for_site(occupancy.site.id)}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "update":
                unit = services.unit_update(
                    actor=actor, site=site, unit=number(request.POST.get("unit"), 0),
                    changes=_unit_values(request, partial=True))
                messages.success(request, _("Changed %(unit)s.") % {"unit": unit.name})
            else:
                values = _unit_values(request, partial=False)
                unit = services.unit_create(actor=actor, site=site,
                                            unit=services.UnitInput(**values))
                messages.success(request, _("Added %(unit)s with %(beds)d beds.")
                                 % {"unit": unit.name, "beds": unit.beds})
        except ValidationFailed as exc:
            context.update(errors=exc.errors, values=request.POST, action=action,
                           occupancy=selectors.site_occupancy(actor=actor, site=site))
            return render(request, "reception/site.html", context, status=422)
        except Conflict as conflict:
            context["occupancy"] = selectors.site_occupancy(actor=actor, site=site)
            return refused(request, "reception/site.html", context, conflict)
        return redirect("reception-site", site=site)
    return render(request, "reception/site.html", context)


def _unit_values(request: HttpRequest, *, partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in ("beds", "accessible_beds"):
        text = request.POST.get(key, "").strip()
        if text or not partial:
            count = parse_count(text)
            values[key] = count if count is not None else -1 if text else 0
    if request.POST.get("name") is not None or not partial:
        values["name"] = request.POST.get("name", "")
    if partial:
        values["is_active"] = request.POST.get("is_active") == "on"
    return values


def _proposals(actor: Any, code: str) -> Any:
    return selectors.placement_proposals(actor=actor, household=code)


@page
@require_http_methods(["GET", "POST"])
def place(request: HttpRequest) -> HttpResponse:
    """Find shelters for a household by its code, and place it: together, never overfilled."""
    actor = web_actor(request)
    actor.require("place_households")
    site = posted_site(request) if request.method == "POST" else None
    context: dict[str, Any] = {
        "errors": {}, "values": request.POST, "sites": [
            s for s in sites_for(actor) if s.id in {o.site.id for o in
                                                    selectors.shelters_occupancy(actor=actor)}],
        "site": site, "split": actor.policy.split_households,
        "medical": actor.policy.medical_fields,
    }
    code = request.POST.get("household", "").strip()
    context["code"] = code
    if request.method != "POST":
        return render(request, "reception/place.html", context)
    action = request.POST.get("action", "propose")
    try:
        if action == "wait":
            entry, _created = services.waiting_add(actor=actor, household=code,
                                                   site=site.slug if site else "")
            messages.success(request, _("Household %(code)s is on the waiting list at %(site)s.")
                             % {"code": code, "site": entry.site.name})
            return redirect("reception-waiting", site=entry.site.slug)
        if action == "place":
            placed = services.placement_create(
                actor=actor, household=code, site=request.POST.get("site", ""),
                unit=request.POST.get("unit") or None, members=ticked(request),
                split_reason=request.POST.get("split_reason", ""))
            count = placed.placement.stays.count()
            messages.success(request, ngettext(
                "Placed %(n)d person of household %(code)s at %(site)s.",
                "Placed %(n)d people of household %(code)s at %(site)s.", count)
                % {"n": count, "code": code, "site": placed.placement.site.name}
                if placed.created else _("This household is already placed here."))
            return redirect("reception-placement", pk=placed.placement.id)
        context.update(_found(actor, code))
        return render(request, "reception/place.html", context)
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        if "household" not in exc.errors and code:
            context.update(_found(actor, code))
        return render(request, "reception/place.html", context, status=422)
    except Conflict as conflict:
        context.update(_found(actor, code))
        return refused(request, "reception/place.html", context, conflict)


def _found(actor: Any, code: str) -> dict[str, Any]:
    proposals = _proposals(actor, code)
    household = proposals.household
    return {"proposals": proposals, "household": household,
            "members": [m for m in household.members.all() if m.status == "present"]}


@page
@require_GET
def placement_list(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    site = request.GET.get("site", "")
    open_only = request.GET.get("all") != "1"
    try:
        found = selectors.placement_list(actor=actor, site=site, open_only=open_only,
                                         page=parse_page(request.GET.get("page")))
    except ValidationFailed as exc:
        raise NotFound(exc.message) from None
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reception/placement_list.html", {
        "page": found, "items": found.items, "site": site_by_slug(site) if site else None,
        "open_only": open_only, "query": query.urlencode()})


@page
@require_http_methods(["GET", "POST"])
def placement_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One placement: its members, units and history; check in, transfer, check out."""
    actor = web_actor(request)
    view = selectors.placement_get(actor=actor, ref=pk)
    context: dict[str, Any] = {
        "view": view, "errors": {}, "destinations": Destination.choices,
        "act": actor.policy.place_households and actor.may_act_for_site(view.placement.site_id),
        "split": actor.policy.split_households,
        "shelters": [o.site for o in selectors.shelters_occupancy(actor=actor)
                     if o.site.id != view.placement.site_id
                     and actor.may_act_for_site(o.site.id)]
        if actor.policy.read_aggregates else [],
        "sites": sites_for(actor),
    }
    if request.method != "POST":
        return render(request, "reception/placement_detail.html", context)
    action = request.POST.get("action", "")
    members = ticked(request)
    try:
        if action == "check_in":
            stays = services.placement_check_in(actor=actor, placement=pk, members=members)
            messages.success(request, ngettext("Checked in %(n)d person.",
                                               "Checked in %(n)d people.", len(stays))
                             % {"n": len(stays)})
        elif action == "check_out":
            stays = services.placement_check_out(
                actor=actor, placement=pk, destination=request.POST.get("destination", ""),
                destination_site=request.POST.get("destination_site", ""), members=members)
            messages.success(request, ngettext("Checked out %(n)d person.",
                                               "Checked out %(n)d people.", len(stays))
                             % {"n": len(stays)})
        elif action == "transfer":
            moved = services.placement_transfer(
                actor=actor, placement=pk, site=request.POST.get("site", ""),
                unit=request.POST.get("unit") or None, members=members,
                split_reason=request.POST.get("split_reason", ""),
                check_in=request.POST.get("check_in") == "on")
            messages.success(request, _("Transferred to %(site)s.") % {"site": moved.site.name})
            return redirect("reception-placement", pk=moved.id)
        else:
            raise ValidationFailed.single("action", _("choose check-in, transfer or check-out"))
    except ValidationFailed as exc:
        context.update(errors=exc.errors, action=action)
        return render(request, "reception/placement_detail.html", context, status=422)
    except Conflict as conflict:
        context["action"] = action
        return refused(request, "reception/placement_detail.html", context, conflict)
    return redirect("reception-placement", pk=pk)


@page
@require_http_methods(["GET", "POST"])
def waiting(request: HttpRequest, site: str) -> HttpResponse:
    """The households waiting at a site, in the order they are served."""
    actor = web_actor(request)
    if request.method == "POST":
        try:
            entry = services.waiting_cancel(actor=actor, entry=number(request.POST.get("entry"), 0))
            messages.success(request, _("Took the household off the waiting list."))
            return redirect("reception-waiting", site=entry.site.slug)
        except NotFound:
            messages.error(request, _("That household is no longer waiting."))
            return redirect("reception-waiting", site=site)
    entries = selectors.waiting_list(actor=actor, site=site)
    found = site_by_slug(site)
    return render(request, "reception/waiting.html", {
        "entries": entries, "site": found,
        "act": actor.policy.place_households and found is not None
        and actor.may_act_for_site(found.id)})

