"""Evidence exports: records, their files, a manifest of SHA-256 digests, chain of custody.

A ZIP that a lawyer or an archive can check without Haven:

    manifest.json        every other file in the ZIP with its SHA-256
    custody.json         per record and file: who added, viewed and exported it, and when
                         (from Haven's audit log, this export included)
    records/heritage/<id>.json, records/homes/<id>.json, ...
    files/<id>.<ext>     the attachments, byte for byte as uploaded
    README.txt           how to check it

`evidence_verify` (`haven evidence verify FILE.zip`) recomputes every digest. The
manifest's own digest is written to the audit log at export, so a manifest swapped
afterwards is caught by comparing it with the log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, AuditEvent, AuditTarget
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, ValidationFailed
from haven.documentation.attachments import attachment_bytes
from haven.documentation.manifest import MANIFEST
from haven.documentation.models import (
    Attachment,
    HeritageObservation,
    HeritageSite,
    HomeOfOrigin,
    PropertyReport,
)
from haven.documentation.testimonies import testimonies_for_evidence
from haven.registry.selectors import households_visible

if TYPE_CHECKING:
    from haven.accounts.access import Actor

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
               "application/pdf": "pdf"}
README = """Evidence export from Haven
==========================

manifest.json lists every other file in this archive with its SHA-256 digest. To check
the archive without Haven, compute the SHA-256 of each file (for example with
`sha256sum`) and compare it with the manifest; with Haven, run
`haven evidence verify THIS.zip`. The digest of manifest.json itself was written to
Haven's audit log when the archive was made.

custody.json lists, for each record and file, who added, viewed and exported it and when,
as Haven's audit log recorded it.
"""

# An extra kind of record (testimonies) registers how it is selected and written here.
Exporter = Callable[["Actor", Sequence[str] | None], "list[ExportedRecord]"]
EXPORTERS: dict[str, Exporter] = {}


@dataclass
class ExportedRecord:
    kind: str  # "heritage", "homes", ...
    id: str
    data: dict[str, Any]
    attachments: list[Attachment] = field(default_factory=list)
    custody_ids: list[str] = field(default_factory=list)  # audit target ids that concern it


def _file_name(attachment: Attachment) -> str:
    return f"files/{attachment.pk}.{_EXTENSIONS.get(attachment.content_type, 'bin')}"


def _attachment_data(attachment: Attachment) -> dict[str, Any]:
    return {"file": _file_name(attachment), "sha256": attachment.sha256,
            "content_type": attachment.content_type, "size": attachment.size,
            "caption": attachment.caption, "uploaded_at": attachment.uploaded_at.isoformat(),
            "uploaded_by": attachment.uploaded_by.get_username()}


def _ids(selection: Sequence[str] | None) -> list[uuid.UUID] | None:
    if selection is None:
        return None
    out = []
    for ref in selection:
        try:
            out.append(uuid.UUID(str(ref).strip()))
        except ValueError:
            raise NotFound(_("No such record: %(ref)s") % {"ref": str(ref)[:40]}) from None
    return out


def _heritage_records(actor: Actor, selection: Sequence[str] | None) -> list[ExportedRecord]:
    sites = HeritageSite.objects.prefetch_related("observations__photos__uploaded_by")
    ids = _ids(selection)
    if ids is not None:
        sites = sites.filter(pk__in=ids)
        if sites.count() != len(set(ids)):
            raise NotFound(_("No such heritage site."))
    records = []
    for site in sites.order_by("name_en"):
        observations: list[HeritageObservation] = sorted(
            site.observations.all(), key=lambda o: (o.observed_on, o.recorded_at))
        files = [a for o in observations for a in o.photos.all()]
        records.append(ExportedRecord(
            kind="heritage", id=str(site.pk), attachments=files,
            custody_ids=[str(site.pk), *(str(a.pk) for a in files)],
            data={"id": str(site.pk), "kind": site.kind, "name_en": site.name_en,
                  "name_hy": site.name_hy, "name_ru": site.name_ru,
                  "settlement": site.settlement,
                  "latitude": str(site.latitude) if site.latitude is not None else None,
                  "longitude": str(site.longitude) if site.longitude is not None else None,
                  "description": site.description,
                  "observations": [
                      {"observed_on": o.observed_on.isoformat(), "source": o.source,
                       "reference": o.reference, "condition": o.condition, "note": o.note,
                       "recorded_at": o.recorded_at.isoformat(),
                       "photos": [_attachment_data(a) for a in o.photos.all()]}
                      for o in observations]}))
    return records


def _home_records(actor: Actor, selection: Sequence[str] | None) -> list[ExportedRecord]:
    if not actor.policy.read_records:
        if selection:
            raise NotFound(_("No such home."))
        return []
    homes = (HomeOfOrigin.objects.filter(household__in=households_visible(actor))
             .select_related("household").prefetch_related("documents__uploaded_by"))
    ids = _ids(selection)
    if ids is not None:
        homes = homes.filter(pk__in=ids)
        if homes.count() != len(set(ids)):
            raise NotFound(_("No such home."))
    records = []
    for home in homes.order_by("created_at"):
        reports: list[PropertyReport] = list(home.reports.prefetch_related(
            "photos__uploaded_by").order_by("observed_on"))
        files = [*home.documents.all(), *(a for r in reports for a in r.photos.all())]
        records.append(ExportedRecord(
            kind="homes", id=str(home.pk), attachments=files,
            custody_ids=[str(home.pk), *(str(a.pk) for a in files)],
            data={"id": str(home.pk), "household": home.household.code,
                  "settlement": home.settlement, "address": home.address,
                  "cadastral_number": home.cadastral_number, "tenure": home.tenure,
                  "latitude": str(home.latitude) if home.latitude is not None else None,
                  "longitude": str(home.longitude) if home.longitude is not None else None,
                  "documents": [_attachment_data(a) for a in home.documents.all()],
                  "reports": [{"observed_on": r.observed_on.isoformat(), "source": r.source,
                               "condition": r.condition, "seen": r.seen,
                               "photos": [_attachment_data(a) for a in r.photos.all()]}
                              for r in reports]}))
    return records


def _testimony_records(actor: Actor, selection: Sequence[str] | None) -> list[ExportedRecord]:
    """Statements whose givers consented to legal use (never a withdrawn one)."""
    return [ExportedRecord(
        kind="testimonies", id=str(t.pk), custody_ids=[str(t.pk)],
        data={"id": str(t.pk), "site": t.site.slug, "given_on": t.given_on.isoformat(),
              "language": t.language,
              "witness": t.witness.code if t.witness else None,
              "witness_description": t.witness_description if not t.witness else "",
              "statement": t.statement, "consent": t.scopes,
              "consent_recorded_at": t.consent_recorded_at.isoformat(),
              "heritage": [str(h.pk) for h in t.heritage.all()],
              "homes": [str(h.pk) for h in t.homes.all()]})
        for t in testimonies_for_evidence(actor, selection)]


EXPORTERS["heritage"] = _heritage_records
EXPORTERS["homes"] = _home_records
EXPORTERS["testimonies"] = _testimony_records


def _custody(ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    wanted = set(ids)
    events: dict[str, list[dict[str, Any]]] = {i: [] for i in wanted}
    rows = (AuditTarget.objects.filter(target_id__in=wanted).select_related("event")
            .order_by("event__at", "event_id"))
    for row in rows:
        e: AuditEvent = row.event
        events[row.target_id].append({"at": e.at.isoformat(), "user": e.username,
                                      "role": e.role, "action": e.action,
                                      "outcome": e.outcome, "channel": e.channel})
    return events


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class EvidenceExport:
    archive: bytes
    manifest_sha256: str
    records: int
    files: int


def evidence_export(*, actor: Actor, selection: dict[str, Sequence[str]] | None = None
                    ) -> EvidenceExport:
    """Build the evidence ZIP of everything the actor may export, or of a selection.

    `selection` maps a kind ("heritage", "homes", "testimonies") to record ids; kinds it
    leaves out are not exported. Refuse (naming the file) when an attachment's bytes no
    longer match the digest taken at upload.
    """
    actor.require("document_return")
    unknown = sorted(set(selection or {}) - set(EXPORTERS))
    if unknown:
        raise ValidationFailed.single("selection", _("unknown kind of record: %(kind)s")
                                      % {"kind": unknown[0]})
    records: list[ExportedRecord] = []
    for kind, exporter in EXPORTERS.items():
        if selection is not None and kind not in selection:
            continue
        records.extend(exporter(actor, None if selection is None else selection[kind]))
    attachments = {a.pk: a for r in records for a in r.attachments}
    contents: dict[str, bytes] = {}
    for attachment in attachments.values():
        data = attachment_bytes(attachment)
        if hashlib.sha256(data).hexdigest() != attachment.sha256:
            raise ValidationFailed.single("files", _("%(file)s no longer matches the digest "
                                                     "taken at upload")
                                          % {"file": _file_name(attachment)})
        contents[_file_name(attachment)] = data
    custody_ids = sorted({i for r in records for i in r.custody_ids})
    now = clock.now()
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.EVIDENCE_EXPORT, target_type="evidence",
                     target_ids=custody_ids)
        for record in records:
            contents[f"records/{record.kind}/{record.id}.json"] = _dump(record.data)
        contents["custody.json"] = _dump(_custody(custody_ids))
        contents["README.txt"] = README.encode("utf-8")
        manifest = {"created_at": now.isoformat(), "created_by": actor.user.get_username(),
                    "algorithm": "sha256",
                    "files": {name: hashlib.sha256(data).hexdigest()
                              for name, data in sorted(contents.items())}}
        manifest_bytes = _dump(manifest)
        digest = hashlib.sha256(manifest_bytes).hexdigest()
        audit_record(actor=actor, action=AuditAction.EVIDENCE_MANIFEST, target_type="manifest",
                     target_ids=[digest])
    buffer = io.BytesIO()
    stamp = now.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(MANIFEST, manifest_bytes), *sorted(contents.items())]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return EvidenceExport(archive=buffer.getvalue(), manifest_sha256=digest,
                          records=len(records), files=len(attachments))
