"""Aid pages: thin adapters that parse a form, call one service or selector, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haven.accounts.access import actor_from_request
from haven.accounts.acting import acting_site
from haven.aid import exports, selectors, services
from haven.aid.forms import (
    ContributionForm,
    DeliveryForm,
    DistributionForm,
    DonorForm,
    RateForm,
    StatusForm,
    add_service_errors,
)
from haven.core import clock
from haven.core.errors import ValidationFailed
from haven.core.web import page
from haven.registry.selectors import site_list, sites_for


def _site_choices(sites: Any) -> list[tuple[str, str]]:
    return [(s.slug, s.name) for s in sites]


@page
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Contributions by status in US dollars, what is still to be delivered, and the list."""
    actor = actor_from_request(request, "web")
    views = selectors.contribution_list(actor=actor)
    figures = selectors.aid_figures(on=timezone.localdate(clock.now()), site_ids=None)
    undelivered = [v for v in views if v.remaining > 0]
    largest = max([figures.pledged_usd, figures.committed_usd, figures.paid_usd], default=0)
    return render(request, "aid/overview.html", {
        "contributions": views, "undelivered": undelivered, "figures": figures,
        "largest": largest or 1, "may_manage": actor.policy.manage_aid,
        "may_set_rates": actor.policy.manage_rates, "may_distribute": actor.policy.register,
    })


@page
@require_http_methods(["GET", "POST"])
def donor_new(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    actor.require("manage_aid")
    form = DonorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            donor = services.donor_create(actor=actor, **form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Added donor %(name)s.") % {"name": donor.name})
            return redirect("aid-contribution-new")
    return render(request, "aid/form.html", {"form": form, "title": _("Add a donor")},
                  status=422 if request.method == "POST" else 200)


@page
@require_http_methods(["GET", "POST"])
def rates(request: HttpRequest) -> HttpResponse:
    """The exchange-rate table; administrators add a rate for a currency from a date on."""
    actor = actor_from_request(request, "web")
    selectors.require_aid_figures(actor)
    form = RateForm(request.POST or None) if actor.policy.manage_rates else None
    status = 200
    if request.method == "POST":
        actor.require("manage_rates")
        assert form is not None  # noqa: S101 - made for roles that set rates
        if form.is_valid():
            try:
                services.exchange_rate_set(actor=actor, **form.cleaned_data)
            except ValidationFailed as exc:
                add_service_errors(form, exc.errors)
            else:
                messages.success(request, _("Saved the rate."))
                return redirect("aid-rates")
        status = 422
    return render(request, "aid/rates.html", {"form": form, "rates": selectors.rate_list()},
                  status=status)


@page
@require_http_methods(["GET", "POST"])
def contribution_new(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    actor.require("manage_aid")
    donors = [d.name for d in selectors.donor_list()]
    form = ContributionForm(request.POST or None, donors=donors,
                            sites=_site_choices(site_list(active_only=True)),
                            initial={"date": timezone.localdate(clock.now())})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.contribution_create(
                actor=actor, contribution=services.ContributionInput(**form.cleaned_data))
        except ValidationFailed as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("Recorded the contribution."))
            return redirect("aid-contribution", pk=created.pk)
    return render(request, "aid/contribution_form.html", {"form": form, "donors": donors},
                  status=422 if request.method == "POST" else 200)


@page
@require_http_methods(["GET", "POST"])
def contribution_page(request: HttpRequest, pk: str) -> HttpResponse:
    """One contribution: its status and history; move it on; record a delivery against it."""
    actor = actor_from_request(request, "web")
    view = selectors.contribution_detail(actor=actor, ref=pk)
    today = timezone.localdate(clock.now())
    own_sites = _site_choices(sites_for(actor)) if actor.policy.register else []
    status_form = StatusForm(initial={"date": today}) if actor.policy.manage_aid else None
    delivery_form = (DeliveryForm(sites=own_sites, initial={"received_on": today})
                     if own_sites else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "status":
            actor.require("manage_aid")
            status_form = StatusForm(request.POST)
            if status_form.is_valid():
                try:
                    services.contribution_advance(actor=actor, contribution=pk,
                                                  **status_form.cleaned_data)
                except ValidationFailed as exc:
                    add_service_errors(status_form, exc.errors)
                else:
                    messages.success(request, _("The contribution moved on."))
                    return redirect("aid-contribution", pk=pk)
        elif action == "delivery":
            actor.require("register")
            delivery_form = DeliveryForm(request.POST, sites=own_sites)
            if delivery_form.is_valid():
                try:
                    services.delivery_record(actor=actor, contribution=pk,
                                             **delivery_form.cleaned_data)
                except ValidationFailed as exc:
                    add_service_errors(delivery_form, exc.errors)
                else:
                    messages.success(request, _("Recorded the delivery."))
                    return redirect("aid-contribution", pk=pk)
        status = 422
    history = list(view.contribution.changes.select_related("changed_by"))
    return render(request, "aid/contribution.html", {
        "view": view, "c": view.contribution, "history": history,
        "status_form": status_form, "delivery_form": delivery_form,
    }, status=status)


@page
@require_http_methods(["GET", "POST"])
def distributions(request: HttpRequest) -> HttpResponse:
    """Hand out aid at the acting site: its stock, a hand-out form, the latest hand-outs."""
    actor = actor_from_request(request, "web")
    actor.require("register")
    site = acting_site(request)
    if site is None:
        return render(request, "aid/distributions.html", {"site": None,
                                                          "sites": sites_for(actor)})
    form = DistributionForm(request.POST or None,
                            initial={"distributed_on": timezone.localdate(clock.now())})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.distribution_record(actor=actor, distribution=services.DistributionInput(
                    site=site.slug, **form.cleaned_data))
            except ValidationFailed as exc:
                add_service_errors(form, exc.errors)
            else:
                messages.success(request, _("Recorded the hand-out."))
                return redirect("aid-distributions")
        status = 422
    return render(request, "aid/distributions.html", {
        "site": site, "form": form, "stock": selectors.site_stock(actor=actor, site_id=site.pk),
        "given": selectors.distribution_list(actor=actor, site_id=site.pk, limit=50),
    }, status=status)


@page
@require_GET
def household_page(request: HttpRequest, ref: str) -> HttpResponse:
    """A household's assistance history."""
    actor = actor_from_request(request, "web")
    household, given = selectors.household_assistance(actor=actor, ref=ref)
    return render(request, "aid/household.html", {"household": household, "given": given})


def _download(body: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    """Contributions as HXL CSV (`?bom=1` adds a byte-order mark for Excel)."""
    rows = selectors.fts_rows(actor=actor_from_request(request, "web"))
    bom = request.GET.get("bom", "") == "1"
    return _download(exports.fts_csv(rows, bom=bom), "text/csv; charset=utf-8",
                     "haven-aid-contributions.csv")


@page
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    rows = selectors.fts_rows(actor=actor_from_request(request, "web"))
    return _download(exports.fts_xlsx(rows),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "haven-aid-contributions.xlsx")
