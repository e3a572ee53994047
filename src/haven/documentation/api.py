"""The documentation API: parse, call one service or selector, render. Files go multipart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from haven.accounts.access import Actor
from haven.documentation import selectors, services, testimonies
from haven.documentation.attachments import attachment_bytes
from haven.documentation.evidence import evidence_export
from haven.documentation.models import Attachment, HeritageSite, HomeOfOrigin, Testimony
from haven.registry.schemas import ErrorOut

router = Router(tags=["documentation"])
ERRORS: dict[int | tuple[int, ...], Any] = {(401, 403, 404, 413, 422): ErrorOut}


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by the API's auth classes


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class HeritageIn(Strict):
    kind: str = Field(max_length=20, description="church, monastery, cemetery, khachkar, "
                                                 "monument, school or museum")
    name_en: str = Field(max_length=1000)
    name_hy: str = Field("", max_length=1000)
    name_ru: str = Field("", max_length=1000)
    settlement: str = Field(max_length=1000)
    latitude: float | str | None = None
    longitude: float | str | None = None
    description: str = Field("", max_length=5000)


class ObservationForm(Schema):
    observed_on: dt.date
    source: str = Field(max_length=20)
    condition: str = Field(max_length=20)
    reference: str = Field("", max_length=1000)
    note: str = Field("", max_length=5000)


class HomeForm(Schema):
    settlement: str = Field(max_length=1000)
    tenure: str = Field(max_length=20, description="owner, tenant, other or unknown")
    address: str = Field("", max_length=1000)
    cadastral_number: str = Field("", max_length=200)
    latitude: str = Field("", max_length=30)
    longitude: str = Field("", max_length=30)


class ReportForm(Schema):
    observed_on: dt.date
    source: str = Field(max_length=20)
    condition: str = Field(max_length=20)
    seen: str = Field("", max_length=2000)


class FileOut(Schema):
    id: str
    url: str
    sha256: str
    content_type: str
    size: int


class ObservationOut(Schema):
    observed_on: dt.date
    source: str
    reference: str
    condition: str
    note: str
    photos: list[FileOut]


class HeritageOut(Schema):
    id: str
    kind: str
    name_en: str
    name_hy: str
    name_ru: str
    settlement: str
    latitude: float | None
    longitude: float | None
    description: str
    observations: list[ObservationOut] | None = None


class ReportOut(Schema):
    observed_on: dt.date
    source: str
    condition: str
    seen: str
    photos: list[FileOut]


class HomeOut(Schema):
    id: str
    household: str
    settlement: str
    address: str
    cadastral_number: str
    tenure: str
    latitude: float | None
    longitude: float | None
    documents: list[FileOut]
    reports: list[ReportOut]


class EvidenceIn(Strict):
    heritage: list[str] | None = Field(None, max_length=1000)
    homes: list[str] | None = Field(None, max_length=1000)
    testimonies: list[str] | None = Field(None, max_length=1000)


class TestimonyIn(Strict):
    site: str = Field(max_length=60)
    given_on: dt.date
    statement: str = Field(max_length=60_000)
    language: str = Field("hy", max_length=10)
    witness: str = Field("", max_length=64, description="a registered person's code, or")
    witness_description: str = Field("", max_length=5000)
    consent_internal: bool = False
    consent_legal: bool = False
    consent_publication: bool = Field(False, description="publication, anonymised")
    heritage: list[str] = Field(default_factory=list, max_length=100)
    homes: list[str] = Field(default_factory=list, max_length=100)


class TestimonyOut(Schema):
    id: str
    site: str
    given_on: dt.date
    language: str
    witness: str | None
    witness_description: str
    statement: str
    consent: list[str]


def _file(a: Attachment) -> dict[str, Any]:
    return {"id": str(a.pk), "url": reverse("documentation-file", args=[a.pk]),
            "sha256": a.sha256, "content_type": a.content_type, "size": a.size}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _heritage(site: HeritageSite, observations: list[Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(site.pk), "kind": site.kind, "name_en": site.name_en, "name_hy": site.name_hy,
        "name_ru": site.name_ru, "settlement": site.settlement,
        "latitude": _number(site.latitude), "longitude": _number(site.longitude),
        "description": site.description}
    if observations is not None:
        out["observations"] = [
            {"observed_on": o.observed_on, "source": o.source, "reference": o.reference,
             "condition": o.condition, "note": o.note,
             "photos": [_file(a) for a in o.photos.all()]} for o in observations]
    return out


def _home(home: HomeOfOrigin) -> dict[str, Any]:
    return {"id": str(home.pk), "household": home.household.code,
            "settlement": home.settlement, "address": home.address,
            "cadastral_number": home.cadastral_number, "tenure": home.tenure,
            "latitude": _number(home.latitude), "longitude": _number(home.longitude),
            "documents": [_file(a) for a in home.documents.all()],
            "reports": [{"observed_on": r.observed_on, "source": r.source,
                         "condition": r.condition, "seen": r.seen,
                         "photos": [_file(a) for a in r.photos.all()]}
                        for r in home.reports.all()]}


@router.get("/documentation/heritage", response={200: list[HeritageOut], **ERRORS})
def list_heritage(request: HttpRequest) -> list[dict[str, Any]]:
    """The heritage register: churches, monasteries, cemeteries, khachkars, monuments, ..."""
    return [_heritage(s) for s in selectors.heritage_list(actor=_actor(request))]


@router.post("/documentation/heritage", response={201: HeritageOut, **ERRORS})
def create_heritage(request: HttpRequest, payload: HeritageIn) -> Status[dict[str, Any]]:
    created = services.heritage_create(actor=_actor(request),
                                       heritage=services.HeritageInput(**payload.model_dump()))
    return Status(201, _heritage(created, []))


@router.get("/documentation/heritage/{heritage}", response={200: HeritageOut, **ERRORS})
def get_heritage(request: HttpRequest, heritage: str) -> dict[str, Any]:
    """A heritage site with its dated observations, oldest first (its timeline)."""
    timeline = selectors.heritage_timeline(actor=_actor(request), ref=heritage)
    return _heritage(timeline.site, timeline.observations)


@router.post("/documentation/heritage/{heritage}/observations",
             response={201: HeritageOut, **ERRORS})
def observe_heritage(request: HttpRequest, heritage: str, data: Form[ObservationForm],
                     photos: list[UploadedFile] = File(None),  # noqa: B008 - ninja's declaration
) -> Status[dict[str, Any]]:
    """Record the condition on a date, from a source, with photographs (multipart)."""
    actor = _actor(request)
    services.heritage_observe(actor=actor, heritage=heritage, photos=photos or [],
                              **data.model_dump())
    timeline = selectors.heritage_timeline(actor=actor, ref=heritage)
    return Status(201, _heritage(timeline.site, timeline.observations))


@router.get("/documentation/households/{household}/homes",
            response={200: list[HomeOut], **ERRORS})
def list_homes(request: HttpRequest, household: str) -> list[dict[str, Any]]:
    """A household's homes of origin, with documents and reports (audited)."""
    _household, homes = selectors.household_homes(actor=_actor(request), ref=household)
    return [_home(h) for h in homes]


@router.post("/documentation/households/{household}/homes",
             response={201: HomeOut, **ERRORS})
def add_home(request: HttpRequest, household: str, data: Form[HomeForm],
             documents: list[UploadedFile] = File(None),  # noqa: B008 - ninja's declaration
) -> Status[dict[str, Any]]:
    actor = _actor(request)
    created = services.home_add(actor=actor, home=services.HomeInput(
        household=household, documents=documents or [], **data.model_dump()))
    _household, homes = selectors.household_homes(actor=actor, ref=household)
    return Status(201, _home(next(h for h in homes if h.pk == created.pk)))


@router.post("/documentation/homes/{home}/reports", response={201: HomeOut, **ERRORS})
def report_home(request: HttpRequest, home: str, data: Form[ReportForm],
                photos: list[UploadedFile] = File(None),  # noqa: B008 - ninja's declaration
) -> Status[dict[str, Any]]:
    actor = _actor(request)
    report = services.property_report_add(actor=actor, home=home, photos=photos or [],
                                          **data.model_dump())
    _household, homes = selectors.household_homes(actor=actor,
                                                  ref=report.home.household.code)
    return Status(201, _home(next(h for h in homes if h.pk == report.home_id)))


@router.get("/documentation/files/{file}", response={200: None, **ERRORS})
def get_file(request: HttpRequest, file: str) -> HttpResponse:
    """A file's bytes, under the rule of the record it belongs to (audited)."""
    attachment = selectors.attachment_open(actor=_actor(request), ref=file)
    response = HttpResponse(attachment_bytes(attachment), content_type=attachment.content_type)
    response["X-Content-SHA256"] = attachment.sha256
    return response


@router.post("/documentation/evidence", response={200: None, **ERRORS})
def export_evidence(request: HttpRequest, payload: EvidenceIn) -> HttpResponse:
    """The evidence ZIP (manifest, custody, records, files) of a selection or of everything."""
    chosen = {k: v for k, v in payload.model_dump().items() if v is not None}
    export = evidence_export(actor=_actor(request), selection=chosen or None)
    response = HttpResponse(export.archive, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="haven-evidence.zip"'
    response["X-Manifest-SHA256"] = export.manifest_sha256
    return response


def _testimony(t: Testimony) -> dict[str, Any]:
    return {"id": str(t.pk), "site": t.site.slug, "given_on": t.given_on,
            "language": t.language, "witness": t.witness.code if t.witness else None,
            "witness_description": t.witness_description, "statement": t.statement,
            "consent": t.scopes}


@router.get("/documentation/testimonies", response={200: list[TestimonyOut], **ERRORS})
def list_testimonies(request: HttpRequest) -> list[dict[str, Any]]:
    """Statements at your sites that consent still allows (protection officers; audited)."""
    return [_testimony(t) for t in testimonies.testimony_list(actor=_actor(request))]


@router.post("/documentation/testimonies", response={201: TestimonyOut, **ERRORS})
def record_testimony(request: HttpRequest, payload: TestimonyIn) -> Status[dict[str, Any]]:
    """Record a statement with its consent (at least one use); kept encrypted."""
    created = testimonies.testimony_record(
        actor=_actor(request), testimony=testimonies.TestimonyInput(**payload.model_dump()))
    return Status(201, _testimony(created))


@router.get("/documentation/testimonies/{testimony}", response={200: TestimonyOut, **ERRORS})
def get_testimony(request: HttpRequest, testimony: str) -> dict[str, Any]:
    return _testimony(testimonies.testimony_get(actor=_actor(request), ref=testimony))


class WithdrawnOut(Schema):
    id: str
    withdrawn_at: dt.datetime


@router.post("/documentation/testimonies/{testimony}/withdraw",
             response={200: WithdrawnOut, **ERRORS})
def withdraw_testimony(request: HttpRequest, testimony: str) -> dict[str, Any]:
    """The giver withdrew consent: the statement is erased and shown to nobody again."""
    done = testimonies.testimony_withdraw(actor=_actor(request), ref=testimony)
    return {"id": str(done.pk), "withdrawn_at": done.withdrawn_at}
