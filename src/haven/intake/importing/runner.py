"""Run an uploaded file's import in a background thread, once its job is committed.

Why a thread: an import of a large file takes minutes, longer than a request may; a
task queue would be one more service for a border post's laptop to run. The upload is
saved under `VAR_DIR/imports/` (readable by Haven only), the job row is committed, and
a thread started on commit imports it while the job page polls the job's counters.

If the process dies mid-import (a restart, a crash, a power cut), the job stays
"importing": every batch it committed is whole, with its submissions, so importing
the same file again skips the stored rows and stores the rest, each exactly once. The
saved copy of a file whose thread died is deleted two days later, at the next upload.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connections, transaction

from haven.accounts.access import Actor
from haven.intake.importing.reading import DEFAULT_LIMITS, FileRefused, Limits
from haven.intake.importing.services import import_job_create, import_job_run
from haven.intake.models import ImportJob

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)
STALE_SECONDS = 2 * 24 * 3600
BATCH_HOUSEHOLDS = 200  # shorter transactions than the command line's: clerks write too
_threads: dict[int, threading.Thread] = {}


def upload_folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def import_upload(*, actor: Actor, upload: UploadedFile, site: str, dry_run: bool,
                  limits: Limits = DEFAULT_LIMITS) -> ImportJob:
    """Save the upload, check it and create its job; start the import once committed.

    Raise what `import_job_create` raises; the saved copy is then deleted.
    """
    folder = upload_folder()
    _forget_stale(folder)
    name = upload.name or "upload"
    suffix = Path(name).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    path = folder / f"{secrets.token_hex(16)}{suffix}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        job = import_job_create(actor=actor, path=path, site=site, dry_run=dry_run,
                                file_name=name, limits=limits)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    address = actor.client_address
    transaction.on_commit(lambda: import_thread_start(job.pk, path, client_address=address))
    return job


def import_thread_start(job_id: int, path: Path, *,
                        client_address: str | None = None) -> threading.Thread:
    """Import the job's file in a new thread; the file is deleted when it ends."""
    for finished in [k for k, t in _threads.items() if not t.is_alive()]:
        _threads.pop(finished, None)
    thread = threading.Thread(target=_run, args=(job_id, path, client_address),
                              name=f"haven-import-{job_id}", daemon=True)
    _threads[job_id] = thread
    thread.start()
    return thread


def import_thread_wait(job_id: int, timeout: float = 60.0) -> None:
    """Wait for the job's thread in this process to end (for tests and shutdown)."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)


def _run(job_id: int, path: Path, client_address: str | None) -> None:
    try:
        job = ImportJob.objects.select_related("site", "created_by").get(pk=job_id)
        actor = Actor(user=job.created_by, channel="import", client_address=client_address)
        import_job_run(actor=actor, job=job, path=path, batch_size=BATCH_HOUSEHOLDS)
    except FileRefused:
        pass  # the job says why
    except Exception:
        logger.exception("import job %s failed", job_id)
    finally:
        path.unlink(missing_ok=True)
        connections.close_all()  # this thread's connections only


def _forget_stale(folder: Path) -> None:
    """Delete saved uploads whose import died long ago: they hold personal data."""
    cutoff = time.time() - STALE_SECONDS
    for leftover in folder.iterdir():
        try:
            if leftover.is_file() and leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            continue
