"""The Reports page of roles without exact figures: the published table, and its files."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.accounts.access import Actor
from haven.core.errors import ValidationFailed
from haven.reports import exports, params
from haven.reports.publication import open_data_table


def published_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Show the published `sites` table for the chosen date, as everyone may publish it."""
    context: dict[str, Any] = {"date": params.report_today(), "errors": {}, "table": None}
    try:
        context["date"] = params.parse_date(request.GET.get("date"))
        table = open_data_table(actor=actor, date=context["date"], table="sites")
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        return render(request, "reports/published.html", context, status=422)
    counts = [c for c in table.columns if c.numeric]
    context.update({
        "table": table, "columns": counts,
        "rows": [{"place": row["site"] or row["province"], "level": row["level"],
                  "province": row["province"] if row["site"] else "",
                  "cells": [_shown(row, c) for c in counts]} for row in table.rows],
        "empty": not any(row["individuals"] for row in table.rows),
        "query": urlencode([("date", context["date"].isoformat())]),
        "threshold": table.suppressed_below, "largest": table.suppressed_below - 1,
    })
    return render(request, "reports/published.html", context)


def _shown(row: dict[str, Any], column: exports.Column) -> dict[str, Any]:
    value = row[column.key]
    if value is not None:
        return {"value": value, "withheld": False}
    mark = next((part.rsplit(" ", 1)[1] for part in row["suppressed"].split("; ")
                 if part.rsplit(" ", 1)[0] == column.header), "")
    return {"value": mark, "withheld": bool(mark)}
