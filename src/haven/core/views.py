"""The start page: where to go next, and the figures the role may see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from haven.accounts.access import actor_from_request
from haven.core import clock
from haven.core.web import page
from haven.registry.selectors import site_figures, sites_for


@page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    figures = site_figures(actor=actor, today=clock.today()) \
        if actor.policy.read_aggregates else []
    choosable = list(sites_for(actor)) if actor.policy.register else []
    return render(request, "core/home.html", {"figures": figures, "choosable": choosable})
