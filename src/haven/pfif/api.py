"""PFIF exchange over the API: `/api/v1/tracing/pfif` (POST a file to import, GET to export)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from haven.accounts.access import Actor
from haven.pfif.uploads import read_upload
from haven.registry.schemas import ErrorOut
from haven.tracing.pfif_exchange import pfif_export, pfif_import

router = Router(tags=["tracing"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 422): ErrorOut}


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


class ImportOut(Schema):
    persons_added: int
    persons_skipped: int
    notes_added: int
    notes_skipped: int


@router.post("/tracing/pfif", response={200: ImportOut, **ERRORS})
def import_pfif(request: HttpRequest, site: Form[str] = "",
                file: UploadedFile = File(...),  # noqa: B008 - ninja's declaration
                ) -> dict[str, Any]:
    """Import a PFIF 1.2-1.4 file (multipart `file`) at `site`; a second import adds nothing.

    Each new person is registered at the site (channel "import"); notes are kept. A file
    that is not PFIF, or declares a DOCTYPE or entities, is refused (422, field `file`).
    """
    outcome = pfif_import(actor=_actor(request), data=read_upload(file), site=site or None)
    return {"persons_added": outcome.persons_added, "persons_skipped": outcome.persons_skipped,
            "notes_added": outcome.notes_added, "notes_skipped": outcome.notes_skipped}


@router.get("/tracing/pfif", response={200: None, **ERRORS})
def export_pfif(request: HttpRequest) -> HttpResponse:
    """Export, as PFIF 1.4, the persons the user may see whose consent allows it (audited)."""
    response = HttpResponse(pfif_export(actor=_actor(request)),
                            content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="haven.pfif.xml"'
    return response
