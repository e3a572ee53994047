"""Care and protection pages: thin adapters that parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haven.accounts.access import Actor, actor_from_request
from haven.accounts.acting import acting_site
from haven.core.errors import HavenError, ValidationFailed
from haven.core.http import parse_page
from haven.core.web import page
from haven.protection import records, selectors, services
from haven.protection.services.common import local_today
from haven.protection.vocabulary import (
    CasualtyKind,
    Condition,
    IncidentKind,
    LeftBehindStatus,
    NeedsMet,
    ReferralStatus,
    Service,
    Urgency,
)
from haven.registry.selectors import site_list, sites_for
from haven.registry.vocabulary import Sex, Vulnerability

CHOICES = {"services": Service.choices, "urgencies": Urgency.choices,
           "statuses": ReferralStatus.choices, "incident_kinds": IncidentKind.choices,
           "kinds": CasualtyKind.choices, "conditions": Condition.choices,
           "needs_met": NeedsMet.choices, "sexes": Sex.choices,
           "vulnerabilities": Vulnerability.choices,
           "left_behind_statuses": LeftBehindStatus.choices}


def _date(data: QueryDict, field: str, problems: dict[str, list[str]]) -> dt.date | None:
    text = data.get(field, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.setdefault(field, []).append(_("is not a date (YYYY-MM-DD)"))
        return None


def _number(data: QueryDict, field: str, problems: dict[str, list[str]]) -> int | None:
    text = data.get(field, "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        problems.setdefault(field, []).append(_("is not a whole number"))
        return None
    return int(text)


def _context(request: HttpRequest, actor: Actor, **extra: Any) -> dict[str, Any]:
    return {"medical": actor.policy.medical_fields, "today": local_today(),
            "own_sites": sites_for(actor), "all_sites": site_list(active_only=True),
            "acting": acting_site(request), **CHOICES, **extra}


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _page_number(request: HttpRequest) -> int:
    return parse_page(request.GET.get("page"))


# ----- referrals
@page
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    actor.require("refer")
    filters = selectors.ReferralFilters(
        direction=request.GET.get("direction", ""), status=request.GET.get("status", ""),
        overdue=request.GET.get("overdue") == "1", mine=request.GET.get("mine") == "1")
    try:
        found = selectors.referral_list(actor=actor, filters=filters, today=local_today(),
                                        page=_page_number(request))
    except ValidationFailed as exc:
        return render(request, "protection/referral_list.html",
                      _context(request, actor, errors=exc.errors, page=None), status=422)
    return render(request, "protection/referral_list.html", _context(
        request, actor, page=found, filters=filters, query=_query(request),
        items=[records.referral_record(v, actor=actor) for v in found.items]))


@page
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    """Refer a person (by code) to a service at a site; consent asked first."""
    actor = actor_from_request(request, "web")
    actor.require("refer")
    context = _context(request, actor, values=request.POST or request.GET, errors={})
    if request.method == "POST":
        data = request.POST
        problems: dict[str, list[str]] = {}
        follow_up_on = _date(data, "follow_up_on", problems)
        try:
            if problems:
                raise ValidationFailed(problems)
            acting = acting_site(request)
            referral = services.referral_create(actor=actor, referral=services.ReferralInput(
                person=data.get("person", ""), service=data.get("service", ""),
                to_site=data.get("to_site", ""), urgency=data.get("urgency", ""),
                consent=data.get("consent") == "yes",
                life_saving_exception=data.get("consent") == "life_saving",
                exception_reason=data.get("exception_reason", ""),
                reason=data.get("reason", ""), notes=data.get("notes", ""),
                follow_up_on=follow_up_on,
                from_site=data.get("from_site", "") or (acting.slug if acting else "")))
        except ValidationFailed as exc:
            context["errors"] = exc.errors
            return render(request, "protection/referral_form.html", context, status=422)
        messages.success(request, _("Referral sent."))
        return redirect("referral-detail", referral=str(referral.id))
    return render(request, "protection/referral_form.html", context)


@page
@require_GET
def referral_overdue(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    found = selectors.referral_overdue(actor=actor, today=local_today())
    return render(request, "protection/referral_overdue.html", _context(
        request, actor, overdue=found,
        by_site=[(s, [records.referral_record(v, actor=actor) for v in views])
                 for s, views in found.by_site],
        by_officer=[(u, [records.referral_record(v, actor=actor) for v in views])
                    for u, views in found.by_officer]))


_REFERRAL_ACTIONS = {"accept", "decline", "complete", "follow_up"}


def _referral_action(actor: Actor, referral: str, data: QueryDict) -> str:
    action = data.get("action", "")
    problems: dict[str, list[str]] = {}
    next_date = _date(data, "follow_up_on", problems)
    if problems:
        raise ValidationFailed(problems)
    text = data.get("note", "")
    if action == "accept":
        services.referral_accept(actor=actor, referral_id=referral, note=text,
                                 follow_up_on=next_date)
        return _("Referral accepted.")
    if action == "decline":
        services.referral_decline(actor=actor, referral_id=referral, reason=text)
        return _("Referral declined.")
    if action == "complete":
        services.referral_complete(actor=actor, referral_id=referral, note=text)
        return _("Referral completed.")
    services.referral_follow_up(actor=actor, referral_id=referral, note=text,
                                next_follow_up_on=next_date)
    return _("Follow-up recorded.")


@page
@require_http_methods(["GET", "POST"])
def referral_detail(request: HttpRequest, referral: str) -> HttpResponse:
    actor = actor_from_request(request, "web")
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST" and request.POST.get("action") in _REFERRAL_ACTIONS:
        try:
            messages.success(request, _referral_action(actor, referral, request.POST))
            return redirect("referral-detail", referral=referral)
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
        except HavenError as exc:
            if exc.status == 404:
                raise
            errors, status = {"action": [exc.message]}, exc.status
    view = selectors.referral_get(actor=actor, referral_id=referral, today=local_today())
    r = view.referral
    return render(request, "protection/referral_detail.html", _context(
        request, actor, referral=records.referral_record(view, actor=actor, with_history=True),
        errors=errors, values=request.POST,
        receiving=actor.may_act_for_site(r.to_site_id),
        from_site=r.from_site, to_site=r.to_site), status=status)


# ----- incidents and casualties
@page
@require_http_methods(["GET", "POST"])
def incident_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        problems: dict[str, list[str]] = {}
        occurred_on = _date(request.POST, "occurred_on", problems)
        if occurred_on is None and "occurred_on" not in problems:
            problems["occurred_on"] = [_("is required")]
        try:
            if problems:
                raise ValidationFailed(problems)
            assert occurred_on is not None  # noqa: S101
            services.incident_create(actor=actor, incident=services.IncidentInput(
                kind=request.POST.get("kind", ""), name=request.POST.get("name", ""),
                occurred_on=occurred_on, place=request.POST.get("place", ""),
                description=request.POST.get("description", "")))
            messages.success(request, _("Incident recorded."))
            return redirect("incident-list")
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
    return render(request, "protection/incident_list.html", _context(
        request, actor, incidents=selectors.incident_list(actor=actor), errors=errors,
        values=request.POST), status=status)


@page
@require_GET
def casualty_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    identified = {"yes": True, "no": False}.get(request.GET.get("identified", ""))
    filters = selectors.CasualtyFilters(incident=request.GET.get("incident", ""),
                                        kind=request.GET.get("kind", ""), identified=identified)
    try:
        found = selectors.casualty_list(actor=actor, filters=filters, page=_page_number(request))
    except ValidationFailed as exc:
        return render(request, "protection/casualty_list.html",
                      _context(request, actor, errors=exc.errors, page=None), status=422)
    return render(request, "protection/casualty_list.html", _context(
        request, actor, page=found, query=_query(request), filters=filters,
        incidents=selectors.incident_list(actor=actor),
        items=[records.casualty_record(v, actor=actor) for v in found.items]))


@page
@require_http_methods(["GET", "POST"])
def casualty_new(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    actor.require("record_casualties")
    context = _context(request, actor, incidents=selectors.incident_list(actor=actor),
                       values=request.POST or request.GET, errors={})
    if request.method == "POST":
        data = request.POST
        problems: dict[str, list[str]] = {}
        occurred_on = _date(data, "occurred_on", problems)
        age = _number(data, "approximate_age", problems)
        try:
            if problems:
                raise ValidationFailed(problems)
            casualty = services.casualty_record(actor=actor, casualty=services.CasualtyInput(
                incident=data.get("incident", ""), kind=data.get("kind", ""),
                site=data.get("site", ""), occurred_on=occurred_on,
                person=data.get("person", "").strip(), sex=data.get("sex", "unknown"),
                approximate_age=age,
                **{f: data.get(f, "") for f in ("clothing", "belongings", "found_at", "marks",
                                                "injuries")}))
        except ValidationFailed as exc:
            context["errors"] = exc.errors
            return render(request, "protection/casualty_form.html", context, status=422)
        messages.success(request, _("Casualty recorded."))
        return redirect("casualty-detail", casualty=str(casualty.id))
    return render(request, "protection/casualty_form.html", context)


@page
@require_http_methods(["GET", "POST"])
def casualty_detail(request: HttpRequest, casualty: str) -> HttpResponse:
    actor = actor_from_request(request, "web")
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "identify":
                services.casualty_identify(actor=actor, casualty_id=casualty,
                                           person=request.POST.get("person", ""))
                messages.success(request, _("Casualty identified."))
            else:
                services.casualty_update(actor=actor, casualty_id=casualty,
                                         kind=request.POST.get("kind", ""))
                messages.success(request, _("Casualty record changed."))
            return redirect("casualty-detail", casualty=casualty)
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
        except HavenError as exc:
            if exc.status == 404:
                raise
            errors, status = {"action": [exc.message]}, exc.status
    view = selectors.casualty_get(actor=actor, casualty_id=casualty)
    return render(request, "protection/casualty_detail.html", _context(
        request, actor, casualty=records.casualty_record(view, actor=actor), errors=errors,
        values=request.POST), status=status)


# ----- the people left behind
@page
@require_GET
def left_behind_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    today = local_today()
    filters = selectors.LeftBehindFilters(status=request.GET.get("status", ""),
                                          overdue=request.GET.get("overdue") == "1")
    try:
        found = selectors.left_behind_list(actor=actor, filters=filters, today=today,
                                           page=_page_number(request))
    except ValidationFailed as exc:
        return render(request, "protection/left_behind_list.html",
                      _context(request, actor, errors=exc.errors, page=None), status=422)
    return render(request, "protection/left_behind_list.html", _context(
        request, actor, page=found, query=_query(request), filters=filters,
        items=[records.left_behind_record(e, actor=actor, today=today) for e in found.items]))


@page
@require_http_methods(["GET", "POST"])
def left_behind_new(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    actor.require("care_left_behind")
    context = _context(request, actor, values=request.POST, errors={})
    if request.method == "POST":
        data = request.POST
        problems: dict[str, list[str]] = {}
        reported_on = _date(data, "reported_on", problems) or local_today()
        last_contact_on = _date(data, "last_contact_on", problems)
        birth_year = _number(data, "birth_year", problems)
        every = _number(data, "check_every_days", problems) or 14
        try:
            if problems:
                raise ValidationFailed(problems)
            entry = services.left_behind_register(actor=actor, entry=services.LeftBehindInput(
                site=data.get("site", ""), given_name=data.get("given_name", ""),
                family_name=data.get("family_name", ""), patronymic=data.get("patronymic", ""),
                sex=data.get("sex", "unknown"), birth_year=birth_year,
                vulnerabilities=data.getlist("vulnerabilities"),
                location=data.get("location", ""), needs=data.get("needs", ""),
                reported_by=data.get("reported_by", ""), reported_on=reported_on,
                last_contact_on=last_contact_on, check_every_days=every,
                relatives=data.get("relatives", "").split()))
        except ValidationFailed as exc:
            context["errors"] = exc.errors
            return render(request, "protection/left_behind_form.html", context, status=422)
        messages.success(request, _("Person left behind registered."))
        return redirect("left-behind-detail", entry=str(entry.id))
    return render(request, "protection/left_behind_form.html", context)


def _left_behind_action(actor: Actor, entry: str, data: QueryDict) -> str:
    problems: dict[str, list[str]] = {}
    if data.get("action") == "transfer":
        services.left_behind_transfer(actor=actor, entry_id=entry,
                                      to_site=data.get("to_site", ""))
        return _("Transferred: recorded as an arrival at the receiving site.")
    checked_on = _date(data, "checked_on", problems) or local_today()
    if problems:
        raise ValidationFailed(problems)
    services.welfare_check_record(actor=actor, entry_id=entry, check=services.WelfareCheckInput(
        checked_on=checked_on, condition=data.get("condition", ""),
        needs_met=data.get("needs_met", ""), visited_by=data.get("visited_by", ""),
        notes=data.get("notes", "")))
    return _("Welfare check recorded.")


@page
@require_http_methods(["GET", "POST"])
def left_behind_detail(request: HttpRequest, entry: str) -> HttpResponse:
    actor = actor_from_request(request, "web")
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            messages.success(request, _left_behind_action(actor, entry, request.POST))
            return redirect("left-behind-detail", entry=entry)
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
        except HavenError as exc:
            if exc.status == 404:
                raise
            errors, status = {"action": [exc.message]}, exc.status
    found = selectors.left_behind_get(actor=actor, entry_id=entry)
    return render(request, "protection/left_behind_detail.html", _context(
        request, actor, entry=records.left_behind_record(found, actor=actor, today=local_today(),
                                                         with_checks=True),
        errors=errors, values=request.POST), status=status)
