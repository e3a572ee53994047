"""Registry pages: thin adapters that parse, call one service or selector, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haven.accounts.access import Actor, actor_from_request
from haven.accounts.acting import acting_site, choose_site
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.core.http import parse_int
from haven.core.web import page
from haven.linkage.selectors import merge_history, person_links, registration_hints
from haven.registry import records, selectors, services
from haven.registry.forms import ListFilterForm, errors_by_row, household_from_post
from haven.registry.vocabulary import DocumentType, Relationship, Sex, Vulnerability

MEMBER_CHOICES = {"sexes": Sex.choices, "relationships": Relationship.choices,
                  "document_types": DocumentType.choices, "vulnerabilities": Vulnerability.choices}


def _member_context(row: int, values: dict[str, Any] | None = None,
                    errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"row": row, "values": values or {}, "errors": errors or {}, **MEMBER_CHOICES}


def _add_hints(actor: Actor, member_rows: list[dict[str, Any]], *, phone: str) -> None:
    """Recompute each row's "Already registered?" hints for a page sent back with errors.

    The hints are drawn as the clerk types (htmx); a page rendered again after a refusal
    must show them too, or the clerk fixes the typo and saves a duplicate.
    """
    for member in member_rows:
        values = member["values"]
        if not (values.get("given_name") or values.get("family_name")):
            continue
        member["hints"] = registration_hints(
            actor=actor, given_name=str(values.get("given_name", ""))[:100],
            family_name=str(values.get("family_name", ""))[:100],
            birth_date=str(values.get("birth_date", ""))[:100], phone=phone[:40])


def _posted_rows(data: Any, rows: list[int],
                 errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Rebuild the member rows as typed, with each row's own errors, after a refusal."""
    contexts = []
    for row in rows:
        prefix = f"members-{row}-"
        values = {k.removeprefix(prefix): v for k, v in data.items() if k.startswith(prefix)}
        values["vulnerabilities"] = data.getlist(f"{prefix}vulnerabilities")
        row_errors = {k.removeprefix(prefix): v for k, v in errors.items()
                      if k.startswith(prefix)}
        contexts.append(_member_context(row, values, row_errors))
    return contexts


@page
@require_http_methods(["GET", "POST"])
def household_new(request: HttpRequest) -> HttpResponse:
    """The one-page registration: household, then each member; Enter saves."""
    actor = actor_from_request(request, "web")
    actor.require("register")
    if request.method == "POST" and request.POST.get("site"):
        choose_site(request, request.POST["site"])
    site = acting_site(request)
    available = selectors.sites_for(actor)
    context: dict[str, Any] = {"site": site, "sites": available, "errors": {}, "next_row": 1,
                               **MEMBER_CHOICES,
                               "member_rows": [_member_context(0, {"relationship": "head"})]}
    if request.method == "POST":
        household, rows = household_from_post(request.POST, site=site.slug if site else "")
        try:
            created = services.household_register(actor=actor, household=household)
        except ValidationFailed as exc:
            errors = errors_by_row(exc.errors, rows)
            member_rows = _posted_rows(request.POST, rows, errors) or context["member_rows"]
            _add_hints(actor, member_rows, phone=str(request.POST.get("phone", "")))
            context.update(errors=errors, values=request.POST, next_row=max(rows, default=0) + 1,
                           member_rows=member_rows)
            return render(request, "registry/household_form.html", context, status=422)
        messages.success(request, _("Registered household %(code)s with %(n)d members.")
                         % {"code": created.code, "n": created.members.count()})
        return redirect("household-detail", ref=created.code)
    return render(request, "registry/household_form.html", context)


@page
@require_GET
def member_row(request: HttpRequest) -> HttpResponse:
    """Return one more empty member row for the registration page (htmx)."""
    actor_from_request(request, "web").require("register")
    row = parse_int(request.GET.get("row"), field="row", default=1, maximum=999)
    return render(request, "registry/_member_row.html",
                  {**_member_context(row, {"relationship": "child"}), "oob_next_row": row + 1})


@page
@require_GET
def member_row_removed(request: HttpRequest) -> HttpResponse:
    """Answer htmx's request to drop a member row: the row is replaced by nothing."""
    actor_from_request(request, "web").require("register")
    return HttpResponse("")


def _filter_form(request: HttpRequest, data: Any) -> ListFilterForm:
    actor = actor_from_request(request, "web")
    choices = [(s.slug, s.name) for s in selectors.sites_for(actor)]
    return ListFilterForm(data or None, medical=actor.policy.medical_fields,
                          site_choices=choices)


def _listing(request: HttpRequest, name: str, template: str, select: Any,
             present: Any) -> HttpResponse:
    """List records; the filters come by POST and are kept in the session for paging.

    A search names people (and birth dates): in a URL it would reach the access log,
    proxies and the browser's history. The form is POSTed, kept in the session under
    the list's name, and the pager's links carry only `?page=N`; a visit without `page`
    starts unfiltered (docs/security.md, "Personal data in logs").
    """
    actor = actor_from_request(request, "web")
    if not actor.policy.read_records:
        raise PermissionDenied(_("Your role does not allow reading personal records."))
    key = f"registry.filters.{name}"
    if request.method == "POST":
        form = _filter_form(request, request.POST)
        if not form.is_valid():
            return render(request, template, {"form": form, "page": None}, status=422)
        request.session[key] = {field: request.POST.getlist(field) for field in form.fields
                                if field != "page" and request.POST.get(field)}
        return redirect(f"{request.path}?page=1")
    number_text = request.GET.get("page")
    if number_text is None:
        request.session.pop(key, None)
    stored: dict[str, list[str]] = request.session.get(key, {})
    data = QueryDict(mutable=True)
    for field, values in stored.items():
        data.setlist(field, values)
    if number_text is not None:
        data["page"] = number_text
    form = _filter_form(request, data)
    if form.is_bound and not form.is_valid():
        return render(request, template, {"form": form, "page": None}, status=422)
    filters = form.record_filters() if form.is_bound else selectors.RecordFilters()
    number = (form.cleaned_data.get("page") or 1) if form.is_bound else 1
    try:
        found = select(actor=actor, filters=filters, page=number)
    except ValidationFailed as exc:
        for field, problems in exc.errors.items():
            form.add_error(field if field in form.fields else None, problems)
        return render(request, template, {"form": form, "page": None}, status=422)
    return render(request, template, {
        "form": form, "page": found, "items": [present(item, actor) for item in found.items],
        "query": "", "filtered": bool(stored),
    })


@page
@require_http_methods(["GET", "POST"])
def household_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, "households", "registry/household_list.html",
                    selectors.household_list,
                    lambda h, actor: records.household_summary(h))


@page
@require_http_methods(["GET", "POST"])
def person_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, "persons", "registry/person_list.html", selectors.person_list,
                    lambda p, actor: records.person_record(p, actor=actor))


@page
@require_GET
def household_detail(request: HttpRequest, ref: str) -> HttpResponse:
    actor = actor_from_request(request, "web")
    household = selectors.household_get(actor=actor, ref=ref)
    return render(request, "registry/household_detail.html", {
        "household": records.household_record(household, actor=actor, with_history=True),
        "medical": actor.policy.medical_fields,
    })


@page
@require_GET
def person_detail(request: HttpRequest, ref: str) -> HttpResponse:
    actor = actor_from_request(request, "web")
    person = selectors.person_get(actor=actor, ref=ref)
    history = records.person_timeline(person, actor=actor,
                                      merges=merge_history(actor=actor, person=person))
    return render(request, "registry/person_detail.html", {
        "person": records.person_record(person, actor=actor), "history": history,
        "medical": actor.policy.medical_fields,
        "links": person_links(actor=actor, person=person),
    })


@page
@require_http_methods(["GET", "POST"])
def arrival_new(request: HttpRequest) -> HttpResponse:
    """Record that a registered person arrived here, by the code on their paper."""
    actor = actor_from_request(request, "web")
    actor.require("register")
    site = acting_site(request)
    context: dict[str, Any] = {"site": site, "sites": selectors.sites_for(actor), "errors": {},
                               "values": request.POST}
    if request.method == "POST":
        if request.POST.get("site"):
            site = choose_site(request, request.POST["site"]) or site
        try:
            arrival = services.arrival_record(actor=actor, person=request.POST.get("person", ""),
                                              site=site.slug if site else "")
        except ValidationFailed as exc:
            context.update(errors=exc.errors, site=site)
            return render(request, "registry/arrival_form.html", context, status=422)
        messages.success(request, _("Recorded the arrival of %(code)s at %(site)s.")
                         % {"code": arrival.person.code, "site": arrival.site.name})
        return redirect("arrival-new")
    return render(request, "registry/arrival_form.html", context)
