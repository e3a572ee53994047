"""A household arriving at a hub: scan or type one code, confirm the members, record them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from haven.core.errors import ValidationFailed
from haven.core.web import page
from haven.reception import selectors, services
from haven.reception.views.common import posted_site, web_actor
from haven.registry.selectors import sites_for


@page
@require_http_methods(["GET", "POST"])
def household_arrival(request: HttpRequest) -> HttpResponse:
    """The code field takes what a barcode scanner types, and Enter looks the household up.

    Then the members' names are listed, every one ticked but those already here; the
    clerk unticks whoever is not there, and all the ticked arrive in one transaction.
    """
    actor = web_actor(request)
    actor.require("register")
    site = posted_site(request)
    context: dict[str, Any] = {"site": site, "sites": sites_for(actor), "errors": {},
                               "values": request.POST}
    if request.method != "POST":
        return render(request, "reception/arrival.html", context)
    slug = site.slug if site else ""
    code = request.POST.get("code", "")
    try:
        if request.POST.get("action") == "record":
            done = services.household_arrival_record(
                actor=actor, code=code, site=slug, members=request.POST.getlist("members"))
        else:
            found = selectors.household_presented(actor=actor, code=code, site=slug)
            context["presented"] = found
            return render(request, "reception/arrival.html", context)
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        if "code" not in exc.errors and "site" not in exc.errors:
            context["presented"] = selectors.household_presented(actor=actor, code=code,
                                                                 site=slug)
        return render(request, "reception/arrival.html", context, status=422)
    arrived, total = len(done.arrived), len(done.arrived) + len(done.already_here) \
        + len(done.absent)
    messages.success(request, ngettext(
        "Recorded the arrival of %(n)d of %(total)d member of household %(code)s at %(site)s.",
        "Recorded the arrival of %(n)d of %(total)d members of household %(code)s at %(site)s.",
        total) % {"n": arrived, "total": total, "code": done.household.code,
                  "site": done.site.name})
    return redirect("reception-arrival")
