"""Documentation's invariants, for `haven check --integrity`: every file whole and accounted for."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from haven.core.integrity import Finding, integrity_check
from haven.documentation.attachments import attachment_path, storage_dir
from haven.documentation.models import Attachment


@integrity_check("documentation.files_match_their_digests")
def files_match_their_digests() -> Iterable[Finding]:
    missing, changed = [], []
    for attachment in Attachment.objects.only("id", "sha256").iterator():
        path = attachment_path(attachment)
        if not path.exists():
            missing.append(attachment.pk)
            continue
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != attachment.sha256:
            changed.append(attachment.pk)
    for what, ids in (("missing", missing), ("changed since upload", changed)):
        if ids:
            yield Finding("documentation.files_match_their_digests",
                          f"{len(ids)} files are {what} (e.g. {', '.join(map(str, ids[:5]))})")


@integrity_check("documentation.no_stray_files")
def no_stray_files() -> Iterable[Finding]:
    """A file on disk that no record names (an upload whose transaction was rolled back)."""
    known = {f"{pk}.bin" for pk in Attachment.objects.values_list("id", flat=True)}
    stray = sorted(p.name for p in storage_dir().glob("*.bin") if p.name not in known)
    if stray:
        yield Finding("documentation.no_stray_files",
                      f"{len(stray)} files under var/attachments belong to no record "
                      f"(e.g. {', '.join(stray[:5])}); remove them once checked")
