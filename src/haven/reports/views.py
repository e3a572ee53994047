"""Report pages: the dashboard, its printable version, the PDF and the open-data files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from haven.accounts.access import Actor, actor_from_request
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.core.web import page
from haven.reports import exports, params, rendering
from haven.reports.publication import open_data_table
from haven.reports.services import report_sites, sitrep_build
from haven.reports.sitrep import Sitrep

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_figures(actor: Actor) -> None:
    if not actor.policy.read_aggregates:
        raise PermissionDenied(_("Your role does not allow reading figures."))


def _require_exact(actor: Actor) -> None:
    if not actor.policy.exact_figures:
        raise PermissionDenied(_("Your role receives the published tables only: open "
                                 "Reports for them."))


def _report(request: HttpRequest) -> tuple[Actor, Sitrep]:
    actor = actor_from_request(request, "web")
    _require_figures(actor)
    _require_exact(actor)
    date = params.parse_date(request.GET.get("date"))
    sites = params.parse_sites(request.GET.getlist("site"))
    return actor, sitrep_build(actor=actor, date=date, sites=sites or None)


def _bad_request(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    message = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.errors.items())
    return render(request, "core/error.html", {"status": 400, "message": message}, status=400)


@page
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show the report for the chosen date and sites, with charts and tables.

    Roles without exact figures see the published table instead (`published_page`).
    """
    actor = actor_from_request(request, "web")
    _require_figures(actor)
    if not actor.policy.exact_figures:
        from haven.reports.published_views import published_page  # noqa: PLC0415

        return published_page(request, actor)
    choosable, _everything = report_sites(actor=actor)
    selected = params.parse_sites(request.GET.getlist("site"))
    context: dict[str, Any] = {"choosable": choosable, "selected": selected, "errors": {},
                               "report": None, "date": params.report_today()}
    try:
        context["date"] = params.parse_date(request.GET.get("date"))
        report = sitrep_build(actor=actor, date=context["date"], sites=selected or None)
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        return render(request, "reports/dashboard.html", context, status=422)
    context["report"] = report
    context["query"] = _query(report.date, selected)
    if not report.is_empty:
        context.update(rendering.sitrep_context(report))
    return render(request, "reports/dashboard.html", context)


def _query(date: dt.date, sites: list[str]) -> str:
    from urllib.parse import urlencode  # noqa: PLC0415 - one use

    return urlencode([("date", date.isoformat()), *(("site", s) for s in sites)])


@page
@require_GET
def printable(request: HttpRequest) -> HttpResponse:
    """Show the report as a document to print (the same one the PDF is made of)."""
    try:
        _actor, report = _report(request)
    except ValidationFailed as exc:
        return _bad_request(request, exc)
    context = rendering.sitrep_context(report) if not report.is_empty else {"report": report}
    return HttpResponse(render_to_string("reports/sitrep_document.html",
                                         {**context, "report": report, "linked": True},
                                         request=request))


@page
@require_GET
def pdf(request: HttpRequest) -> HttpResponse:
    """Download the report as an A4 PDF."""
    try:
        _actor, report = _report(request)
    except ValidationFailed as exc:
        return _bad_request(request, exc)
    response = HttpResponse(rendering.sitrep_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sitrep-{report.date}.pdf"'
    return response


def _open_data(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = actor_from_request(request, "web")
    _require_figures(actor)
    try:
        date = params.parse_date(request.GET.get("date"))
        table = open_data_table(actor=actor, date=date,
                                table=params.parse_table(request.GET.get("table")),
                                sites=params.parse_sites(request.GET.getlist("site")) or None)
        bom = params.parse_flag(request.GET.get("bom"), field="bom")
    except ValidationFailed as exc:
        return _bad_request(request, exc)
    return open_data_response(table, fmt, date, bom=bom)


def open_data_response(table: exports.OpenTable, fmt: str, date: dt.date, *,
                       bom: bool = False) -> HttpResponse:
    """Return an open-data table as a CSV (with a BOM if asked) or XLSX download."""
    name = f"haven-{table.name}-{date.isoformat()}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(exports.table_xlsx(table), content_type=XLSX)
    else:
        response = HttpResponse(exports.table_csv(table, bom=bom),
                                content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page
@require_GET
def open_data_csv(request: HttpRequest) -> HttpResponse:
    """Download the open-data table (sites or dtm) as CSV with HXL hashtags (bom=1: a BOM)."""
    return _open_data(request, "csv")


@page
@require_GET
def open_data_xlsx(request: HttpRequest) -> HttpResponse:
    """Download the open-data table (sites or dtm) as XLSX with HXL hashtags."""
    return _open_data(request, "xlsx")
