"""People's rights over the API: a person's record for them, and erasure (codes by POST)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from haven.accounts.access import Actor
from haven.registry.schemas import ErrorOut
from haven.rights.document import record_document
from haven.rights.erasure import REASON_LENGTH, person_erase
from haven.rights.record import person_record

router = Router(tags=["rights"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 409, 422): ErrorOut}


class ExportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    person: str = Field(..., max_length=40)  # the person's code
    format: Literal["json", "pdf"] = "json"


class EraseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    person: str = Field(..., max_length=40)
    reason: str = Field(..., max_length=REASON_LENGTH)  # the legal or mission ground
    confirm: str = Field(..., max_length=40)  # the person's code again


class ErasureOut(Schema):
    erasure: int
    persons: int
    households: int
    rows: dict[str, int]
    scrubbed: str


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


@router.post("/rights/export", response={200: Any, **ERRORS})
def export_person(request: HttpRequest, payload: ExportIn) -> HttpResponse:
    """Everything stored about one person, and who read it: JSON or PDF to hand to them.

    Needs `subject_access` (coordinators). The export is written to the audit log.
    """
    record = person_record(actor=_actor(request), code=payload.person)
    content, content_type, name = record_document(record, payload.format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/rights/erase", response={200: ErasureOut, **ERRORS})
def erase_person(request: HttpRequest, payload: EraseIn) -> dict[str, Any]:
    """Erase a person (every record of them) where the law and the mission allow it.

    Needs `erase_records` (coordinators); `confirm` repeats the person's code. The
    situation report keeps counting them anonymously; the audit log keeps the act.
    """
    done = person_erase(actor=_actor(request), code=payload.person, reason=payload.reason,
                        confirm=payload.confirm)
    erasure = done.erasure
    return {"erasure": erasure.pk, "persons": erasure.persons, "households": erasure.households,
            "rows": erasure.rows, "scrubbed": done.scrubbed}
