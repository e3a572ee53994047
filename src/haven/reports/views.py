"""Report pages: the dashboard, its printable version, their chart images, the PDF, open data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from haven.accounts.access import Actor, actor_from_request
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.core.web import page
from haven.reports import exports, params, rendering
from haven.reports.labels import CHART_KEYS
from haven.reports.publication import open_data_table
from haven.reports.services import report_period, report_sites, sitrep_build
from haven.reports.sitrep import Sitrep

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_figures(actor: Actor) -> None:
    if not actor.policy.read_aggregates:
        raise PermissionDenied(_("Your role does not allow reading figures."))


def _require_exact(actor: Actor) -> None:
    if not actor.policy.exact_figures:
        raise PermissionDenied(_("Your role receives the published tables only: open "
                                 "Reports for them."))


def _period_report(actor: Actor, request: HttpRequest, sites: list[str]) -> Sitrep:
    """Build the report for the period the query chooses (`from`, `to`; `date` means `to`)."""
    end_field = "to" if request.GET.get("to") or not request.GET.get("date") else "date"
    try:
        period = report_period(actor=actor, sites=sites or None, start=request.GET.get("from"),
                               end=request.GET.get("to") or request.GET.get("date"))
    except ValidationFailed as exc:  # name the field the query used: `date` or `to`
        raise ValidationFailed({end_field if k == "to" else k: v
                                for k, v in exc.errors.items()}) from None
    return sitrep_build(actor=actor, date=period.end, sites=sites or None, start=period.start)


def _report(request: HttpRequest) -> tuple[Actor, Sitrep]:
    actor = actor_from_request(request, "web")
    _require_figures(actor)
    _require_exact(actor)
    sites = params.parse_sites(request.GET.getlist("site"))
    return actor, _period_report(actor, request, sites)


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
                               "report": None, "date": params.report_today(),
                               "start": request.GET.get("from", ""),
                               "end": request.GET.get("to") or request.GET.get("date", "")}
    try:
        report = _period_report(actor, request, selected)
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        return render(request, "reports/dashboard.html", context, status=422)
    query = _query(report.start, report.date, selected)
    context.update(report=report, date=report.date, start=report.start, end=report.date,
                   query=query)
    if not report.is_empty:
        context.update(rendering.sitrep_context(report, chart_url=_chart_url(query)))
    return render(request, "reports/dashboard.html", context)


def _query(start: dt.date, end: dt.date, sites: list[str]) -> str:
    return urlencode([("from", start.isoformat()), ("to", end.isoformat()),
                      ("date", end.isoformat()), *(("site", s) for s in sites)])


def _chart_url(query: str) -> Callable[[str], str]:
    """Return a chart's address: the page's period, sites and language (no one's data)."""
    language = urlencode({"lang": translation.get_language() or settings.LANGUAGE_CODE})
    return lambda key: f"{reverse('reports-chart', args=[key])}?{query}&{language}"


@page
@require_GET
def chart(request: HttpRequest, key: str) -> HttpResponse:
    """Draw one chart of the report as an SVG image, for the page that shows it.

    The same access as the page (exact figures only: roles that receive the published,
    suppressed table have no charts and get 403), the same query (`from`, `to`, `site`)
    and the page's language (`lang`). A site outside the user's reach is not found, as an
    unknown one is; the refusal is audited (haven.accounts.refusals).
    """
    if key not in CHART_KEYS:
        raise NotFound(_("No such chart."))
    try:
        _actor, report = _report(request)
    except ValidationFailed as exc:
        if "site" in exc.errors:
            raise NotFound(_("No such chart.")) from None
        raise
    language = request.GET.get("lang") or translation.get_language()
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed.single("lang", _("unknown language"))
    if report.is_empty:
        raise NotFound(_("No such chart."))
    from haven.reports.charts import sitrep_chart  # noqa: PLC0415 - matplotlib only here

    with translation.override(language):
        drawn = sitrep_chart(report, key)
    return HttpResponse(drawn.svg, content_type="image/svg+xml; charset=utf-8")


@page
@require_GET
def printable(request: HttpRequest) -> HttpResponse:
    """Show the report as a document to print (the same one the PDF is made of)."""
    try:
        _actor, report = _report(request)
    except ValidationFailed as exc:
        return _bad_request(request, exc)
    query = _query(report.start, report.date, params.parse_sites(request.GET.getlist("site")))
    context = {"report": report} if report.is_empty else \
        rendering.sitrep_context(report, chart_url=_chart_url(query))
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
