"""The home page: the panels the apps offer the user's role (haven.home.panels)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from haven.accounts.access import actor_from_request
from haven.core.web import page
from haven.home.panels import panels_for
from haven.registry.selectors import sites_for


@page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Show the user's role's panels, and the site chooser to clerks of several sites."""
    actor = actor_from_request(request, "web")
    choosable = list(sites_for(actor)) if actor.policy.register else []
    return render(request, "home/home.html",
                  {"panels": panels_for(actor), "choosable": choosable})
