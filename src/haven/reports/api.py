"""The reports' JSON API: parse, call the one report service, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from haven.accounts.access import Actor
from haven.core.http import reject_unknown_params
from haven.registry.schemas import ErrorOut
from haven.reports import exports, params
from haven.reports.publication import open_data_table
from haven.reports.published import sitrep_answer
from haven.reports.schemas import OpenDataOut, OpenDataQuery, SitrepOut, SitrepQuery
from haven.reports.views import open_data_response

router = Router(tags=["reports"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 422): ErrorOut}


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


@router.get("/reports/sitrep", response={200: SitrepOut, **ERRORS})
def get_sitrep(request: HttpRequest, query: Query[SitrepQuery]) -> dict[str, Any]:
    """Return the situation report for a local date: exact figures for roles that have them.

    Persons are counted once after de-duplication (`cumulative_arrivals`), next to raw
    registrations. Without `site`, the report covers every site within your reach.
    Roles without exact figures (viewer, administrator) get the published figures in the
    same shape: `suppressed_below` is a number, and a withheld or unpublished count is null.
    """
    reject_unknown_params(request, SitrepQuery)
    return sitrep_answer(actor=_actor(request), date=params.parse_date(query.date),
                         sites=params.parse_sites(query.site) or None)


@router.get("/reports/open-data", response={200: OpenDataOut, **ERRORS})
def get_open_data(request: HttpRequest,
                  query: Query[OpenDataQuery]) -> dict[str, Any] | HttpResponse:
    """Return an open-data table (`sites` or `dtm`): the published figures, HXL-tagged.

    Rows for each site, each province and all sites within your reach (or the sites
    named); counts are numbers, withheld ones null (empty in CSV and XLSX) and named in
    `suppressed`. `format=csv` or `xlsx` returns the file, with the HXL hashtag row under
    the headers; `bom=true` starts a CSV with a UTF-8 byte-order mark for Excel.
    """
    reject_unknown_params(request, OpenDataQuery)
    table_name = params.parse_table(query.table)
    fmt = params.parse_format(query.format)
    date = params.parse_date(query.date)
    table = open_data_table(actor=_actor(request), date=date, table=table_name,
                            sites=params.parse_sites(query.site) or None)
    if fmt == "json":
        return exports.table_json(table)
    return open_data_response(table, fmt, date, bom=query.bom)
