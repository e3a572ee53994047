"""Read an uploaded PFIF file, bounded: a file over the limit is refused, not read whole."""

from __future__ import annotations

from typing import Protocol

from django.utils.translation import gettext as _

from haven.core.errors import ValidationFailed
from haven.tracing import pfif


class _Upload(Protocol):
    def read(self, size: int = -1) -> bytes: ...


def read_upload(upload: _Upload | None) -> bytes:
    """Return the upload's bytes; raise ValidationFailed on `file` if absent or too large."""
    if upload is None:
        raise ValidationFailed.single("file", _("choose a PFIF file"))
    data = upload.read(pfif.MAX_BYTES + 1)
    if len(data) > pfif.MAX_BYTES:
        raise ValidationFailed.single("file", _("the file is larger than %(n)d MB")
                                      % {"n": pfif.MAX_BYTES // (1024 * 1024)})
    return data
