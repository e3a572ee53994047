"""Files attached to records: checked by their bytes, stored under var/, hashed at upload.

A file's name and the type a browser claims say nothing reliable; the first bytes do, and
an image must also decode. Only JPEG, PNG and WebP photographs and PDF documents are
kept: formats a court, an archive and a browser all read, and none that runs code.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import ValidationFailed
from haven.core.ids import uuid7
from haven.documentation.models import Attachment, AttachmentKind

if TYPE_CHECKING:
    from haven.accounts.access import Actor

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
_CHUNK = 1024 * 1024


def max_bytes() -> int:
    return int(settings.ATTACHMENT_MAX_MB * 1024 * 1024)


def sniff(head: bytes) -> str | None:
    """Return the content type the file's first bytes show, or None if not one we keep."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _decodes(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        return False
    return True


def storage_dir() -> Path:
    """Return var/attachments (created 0700): outside the database, beside it."""
    folder = Path(settings.VAR_DIR) / "attachments"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def attachment_path(attachment: Attachment) -> Path:
    return storage_dir() / f"{attachment.pk}.bin"


def _read_bounded(upload: IO[bytes], field: str) -> bytes:
    limit = max_bytes()
    data = bytearray()
    while chunk := upload.read(_CHUNK):
        data.extend(chunk)
        if len(data) > limit:
            raise ValidationFailed.single(field, _("is larger than %(n)s MB")
                                          % {"n": settings.ATTACHMENT_MAX_MB})
    return bytes(data)


def attachment_store(*, actor: Actor, upload: IO[bytes], field: str = "file",
                     caption: str = "", kind: str = "") -> Attachment:
    """Check and keep a file; return its record (call inside the record's transaction).

    The file is written to a temporary name and moved into place, so a crash leaves no
    half-written attachment; a database rollback leaves at worst an unreferenced file.
    """
    data = _read_bounded(upload, field)
    if not data:
        raise ValidationFailed.single(field, _("is empty"))
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationFailed.single(field, _("must be a JPEG, PNG or WebP photograph or a "
                                               "PDF document"))
    if content_type.startswith("image/") and not _decodes(data):
        raise ValidationFailed.single(field, _("is not a readable image"))
    is_photo = content_type.startswith("image/")
    if kind == AttachmentKind.PHOTO and not is_photo:
        raise ValidationFailed.single(field, _("must be a photograph (JPEG, PNG or WebP)"))
    attachment = Attachment(
        id=uuid7(), sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        content_type=content_type, kind=AttachmentKind.PHOTO if is_photo
        else AttachmentKind.DOCUMENT, caption=caption[:300], uploaded_by=actor.user,
        uploaded_at=clock.now())
    path = attachment_path(attachment)
    partial = path.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)
    with transaction.atomic():
        attachment.save(force_insert=True)
        audit_record(actor=actor, action=AuditAction.DOCUMENTATION_ATTACHMENT_ADD,
                     target_type="attachment", target_ids=[attachment.pk])
    return attachment


def attachment_bytes(attachment: Attachment) -> bytes:
    return attachment_path(attachment).read_bytes()
