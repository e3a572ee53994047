"""Household cards: one household's A6 PDF, or a batch on A4 sheets of four."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haven.core.errors import NotFound, ValidationFailed
from haven.core.web import page
from haven.reception import cards
from haven.reception.views.common import posted_site, web_actor
from haven.registry.selectors import RecordFilters, household_list, sites_for

BATCH = 200


def _pdf(document: cards.CardDocument) -> HttpResponse:
    response = HttpResponse(document.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.file_name}"'
    return response


@page
@require_GET
def household_card(request: HttpRequest, ref: str) -> HttpResponse:
    """One household's card, A6."""
    actor = web_actor(request)
    return _pdf(cards.cards_pdf(actor=actor, households=[ref], site=request.GET.get("site", "")))


@page
@require_http_methods(["GET", "POST"])
def card_batch(request: HttpRequest) -> HttpResponse:
    """A sheet of cards: the households typed, or those that arrived at a site on a day."""
    actor = web_actor(request)
    actor.require("print_cards")
    site = posted_site(request)
    context: dict[str, Any] = {"site": site, "sites": sites_for(actor), "errors": {},
                               "values": request.POST}
    if request.method != "POST":
        return render(request, "reception/cards_form.html", context)
    codes = [c.strip() for c in request.POST.get("households", "").split() if c.strip()]
    try:
        if not codes:
            codes = _arrived(actor, site.slug if site else "", request.POST.get("date", ""))
        document = cards.cards_pdf(actor=actor, households=codes,
                                   site=site.slug if site else "", sheet=True)
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        return render(request, "reception/cards_form.html", context, status=422)
    except NotFound as exc:
        context["errors"] = {"households": [exc.message]}
        return render(request, "reception/cards_form.html", context, status=422)
    return _pdf(document)


def _arrived(actor: Any, site: str, day: str) -> list[str]:
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise ValidationFailed.single("date", _("give a date, or household codes")) from None
    found = household_list(actor=actor, page=1, per_page=BATCH, filters=RecordFilters(
        site=site, arrived_from=date, arrived_to=date))
    if not found.items:
        raise ValidationFailed.single("date", _("no household arrived at this site that day"))
    return [h.code for h in found.items]
