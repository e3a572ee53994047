"""Tracing pages: parse, call one service or selector, render. Names only travel by POST."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from haven.accounts.access import Actor, actor_from_request, client_address
from haven.core.errors import ValidationFailed
from haven.core.web import page
from haven.registry.selectors import sites_for
from haven.tracing import safe_and_well, selectors, services
from haven.tracing.forms import RequestForm, ReunificationForm, SafeAndWellForm, SearchForm
from haven.tracing.safe_and_well import SafeAndWellAnswer
from haven.tracing.vocabulary import TRANSITIONS, ChildStatus, RequestStatus


def _errors_to_form(form: Any, exc: ValidationFailed) -> None:
    for name, problems in exc.errors.items():
        field = name.split(".")[-1]
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


@page
@require_http_methods(["GET"])
def request_list(request: HttpRequest) -> HttpResponse:
    """The tracing desk's requests: those with new alerts first."""
    actor = actor_from_request(request, "web")
    status = request.GET.get("status", "")
    status = status if status in RequestStatus.values else ""
    items = list(selectors.request_list(actor=actor, status=status)[:selectors.LIST_LIMIT])
    return render(request, "tracing/request_list.html", {
        "items": items, "status": status, "statuses": RequestStatus.choices})


@page
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    actor.require("trace")
    form = RequestForm(request.POST or None)
    sites = [(s.slug, s.name) for s in sites_for(actor)]
    form.fields["site"].choices = sites  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(actor=actor, request=form.request_input())
        except ValidationFailed as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Tracing request %(code)s opened.") % {
                "code": created.code})
            return redirect("tracing-request", pk=created.pk)
    return render(request, "tracing/request_new.html", {"form": form},
                  status=422 if form.errors else 200)


@page
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One request: who is sought, alerts, search, status, reunification, history."""
    actor = actor_from_request(request, "web")
    context: dict[str, Any] = {"search_form": SearchForm(), "reunify_form": ReunificationForm()}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "search":
                context["search_form"] = form = SearchForm(request.POST)
                if form.is_valid():
                    d = form.cleaned_data
                    context["hits"] = services.tracing_search(
                        actor=actor, request=pk, name=d["name"], birth_year=d["birth_year"],
                        origin=d["origin"], sex=d["sex"] or None, age=d["age"])
                    context["searched"] = True
            elif action == "alert":
                services.alert_decide(actor=actor, alert=request.POST.get("alert", ""),
                                      decision=request.POST.get("decision", ""))
                return redirect("tracing-request", pk=pk)
            elif action == "status":
                services.request_status_set(actor=actor, request=pk,
                                            status=request.POST.get("status", ""),
                                            reason=request.POST.get("reason", ""))
                return redirect("tracing-request", pk=pk)
            elif action == "reunify":
                context["reunify_form"] = reunify = ReunificationForm(request.POST)
                if reunify.is_valid():
                    services.reunification_record(actor=actor, request=pk,
                                                  **reunify.cleaned_data)
                    messages.success(request, _("Reunification recorded."))
                    return redirect("tracing-request", pk=pk)
        except ValidationFailed as exc:
            context["errors"] = exc.errors
            target = {"search": "search_form", "reunify": "reunify_form"}.get(action)
            if target:
                _errors_to_form(context[target], exc)
            status = 422
    found = selectors.request_get(actor=actor, request=pk)
    context.update({
        "req": found, "sought": list(found.sought.all()),
        "history": list(found.history.select_related("by")),
        "alerts": selectors.alert_views(actor=actor, request=found),
        "next_statuses": [(s, RequestStatus(s).label) for s in TRANSITIONS.get(found.status, ())
                          if s != RequestStatus.REUNIFIED],
        "may_reunify": found.status == RequestStatus.CONFIRMED,
    })
    return render(request, "tracing/request_detail.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def children(request: HttpRequest) -> HttpResponse:
    """Unaccompanied and separated children, followed until reunified or placed in care."""
    actor = actor_from_request(request, "web")
    if request.method == "POST":
        try:
            services.child_case_close(actor=actor, case=request.POST.get("case", ""),
                                      status=request.POST.get("status", ""),
                                      note=request.POST.get("note", ""))
        except ValidationFailed as exc:
            messages.error(request, "; ".join(m for v in exc.errors.values() for m in v))
        return redirect("tracing-children")
    cases = selectors.children_list(actor=actor, open_only=True)
    return render(request, "tracing/children.html", {
        "cases": cases, "close_choices": [(ChildStatus.REUNIFIED, ChildStatus.REUNIFIED.label),
                                          (ChildStatus.IN_CARE, ChildStatus.IN_CARE.label)]})


@page
@require_http_methods(["GET", "POST"])
def safe_and_well_desk(request: HttpRequest) -> HttpResponse:
    """The tracing desk's safe-and-well question, and recording a person's consent."""
    actor = actor_from_request(request, "web")
    if request.method == "POST" and request.POST.get("action") == "consent":
        # Also from the person's page, by whoever registers (at registration or later).
        person = request.POST.get("person", "")
        services.safe_and_well_consent(actor=actor, person=person,
                                       consent=request.POST.get("consent") == "yes")
        messages.success(request, _("Consent recorded."))
        if request.POST.get("next") == "person":
            return redirect("person-detail", ref=person)
        return redirect("tracing-safe-and-well")
    actor.require("trace")
    form = SafeAndWellForm(request.POST if request.POST.get("action") == "lookup" else None)
    answer, status = _safe_and_well_answer(request, form, actor)
    return render(request, "tracing/safe_and_well.html",
                  {"form": form, "answer": answer, "desk": True}, status=status)


@require_http_methods(["GET", "POST"])
def safe_and_well_public(request: HttpRequest) -> HttpResponse:
    """The public safe-and-well page, where a deployment enables it."""
    if not safe_and_well.public_enabled():
        return render(request, "tracing/safe_and_well.html", {"disabled": True})
    form = SafeAndWellForm(request.POST or None)
    answer, status = _safe_and_well_answer(request, form, None)
    return render(request, "tracing/safe_and_well.html", {"form": form, "answer": answer},
                  status=status)


def _safe_and_well_answer(request: HttpRequest, form: SafeAndWellForm,
                          actor: Actor | None) -> tuple[SafeAndWellAnswer | None, int]:
    """Ask the question of a valid form (the desk's, or the public page's with no actor);
    return the answer (None when not asked) and the page's status."""
    if not (form.is_bound and form.is_valid()):
        return None, 200
    try:
        return safe_and_well.safe_and_well_lookup(
            actor=actor, name=form.cleaned_data["name"],
            birth_year=form.cleaned_data["birth_year"], origin=form.cleaned_data["origin"],
            client_address=client_address(request)), 200
    except ValidationFailed as exc:
        _errors_to_form(form, exc)
        return None, exc.status
