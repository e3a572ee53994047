"""The reports' JSON API: parse, call the one report service, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from haven.accounts.access import Actor
from haven.core.http import reject_unknown_params
from haven.registry.schemas import ErrorOut
from haven.reports import exports, params
from haven.reports.rendering import sitrep_json
from haven.reports.schemas import OpenDataOut, OpenDataQuery, SitrepOut, SitrepQuery
from haven.reports.services import sitrep_build
from haven.reports.views import open_data_response

router = Router(tags=["reports"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 422): ErrorOut}


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


@router.get("/reports/sitrep", response={200: SitrepOut, **ERRORS})
def get_sitrep(request: HttpRequest, query: Query[SitrepQuery]) -> dict[str, Any]:
    """Return the situation report for a local date: exact figures, for authorised roles.

    Persons are counted once after de-duplication (`cumulative_arrivals`), next to raw
    registrations. Without `site`, the report covers every site within your reach.
    """
    reject_unknown_params(request, SitrepQuery)
    report = sitrep_build(actor=_actor(request), date=params.parse_date(query.date),
                          sites=params.parse_sites(query.site) or None)
    return sitrep_json(report)


@router.get("/reports/open-data", response={200: OpenDataOut, **ERRORS})
def get_open_data(request: HttpRequest,
                  query: Query[OpenDataQuery]) -> dict[str, Any] | HttpResponse:
    """Return an open-data table (`sites` or `dtm`) with small counts suppressed.

    `format=csv` or `xlsx` returns the file, with the HXL hashtag row under the headers.
    """
    reject_unknown_params(request, OpenDataQuery)
    table_name = params.parse_table(query.table)
    fmt = params.parse_format(query.format)
    report = sitrep_build(actor=_actor(request), date=params.parse_date(query.date),
                          sites=params.parse_sites(query.site) or None)
    table = exports.open_table(report, table_name)
    if fmt == "json":
        return exports.table_json(table)
    return open_data_response(table, fmt, report.date)
