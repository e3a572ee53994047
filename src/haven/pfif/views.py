"""The PFIF exchange page: upload a file to import, or download the export (both POST)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from haven.accounts.access import actor_from_request
from haven.core.errors import ValidationFailed
from haven.core.web import page
from haven.pfif.uploads import read_upload
from haven.registry.selectors import sites_for
from haven.tracing.pfif_exchange import ImportOutcome, pfif_export, pfif_import


@page
@require_http_methods(["GET", "POST"])
def exchange(request: HttpRequest) -> HttpResponse:
    """Import a PFIF file at a site, or export what the user may share; POST does either."""
    actor = actor_from_request(request, "web")
    actor.require("read_records")
    may_import = actor.policy.register
    sites = list(sites_for(actor).filter(is_active=True)) if may_import else []
    outcome: ImportOutcome | None = None
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "export":
            response = HttpResponse(pfif_export(actor=actor),
                                    content_type="application/xml; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="haven.pfif.xml"'
            return response
        actor.require("register")
        try:
            outcome = pfif_import(actor=actor, data=read_upload(request.FILES.get("file")),
                                  site=request.POST.get("site") or None)
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
    return render(request, "pfif/exchange.html", {
        "title": _("PFIF exchange"), "may_import": may_import, "sites": sites,
        "chosen_site": request.POST.get("site", ""), "outcome": outcome,
        "errors": sorted(errors.items()),
    }, status=status)
