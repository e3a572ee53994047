"""Retention: data expires on the schedule the deployment sets (docs/retention.md).

`haven retention run` (daily, from cron or a systemd timer) deletes, for each kind:

- records: persons whose last activity (registration, arrival, correction, of any of their
  merged records or their household) is older than HAVEN_RETAIN_RECORDS_DAYS, erased as
  an erasure does (tally kept, rows gone, files scrubbed); 0, the default, keeps them;
- import files: uploads in var/imports/ and the row-by-row reports of import jobs
  finished longer ago than HAVEN_RETAIN_IMPORT_FILES_DAYS;
- exports and reports: files in var/exports/ and var/reports/ older than
  HAVEN_RETAIN_EXPORTS_DAYS;
- backups: files in var/backups/ older than HAVEN_RETAIN_BACKUPS_DAYS;
- sessions past their expiry.

The time is haven.core.clock's, so tests move it forward. `dry_run` counts only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.intake.models import ImportJob
from haven.registry.models import Person
from haven.rights.erasure import scrub_when_committed, subject_erase
from haven.rights.graph import subject_of

RETENTION_REASON = "retention: no activity for %(days)d days (HAVEN_RETAIN_RECORDS_DAYS)"


@dataclass
class RetentionResult:
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)


def _cutoff(days: int) -> dt.datetime | None:
    return clock.now() - dt.timedelta(days=days) if days > 0 else None


def _old_files(folders: list[Path], cutoff: dt.datetime | None) -> list[Path]:
    if cutoff is None:
        return []
    limit = cutoff.timestamp()
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*")
                  if p.is_file() and p.stat().st_mtime < limit)


def _expired_persons(cutoff: dt.datetime) -> list[Person]:
    """Return one person of each cluster none of whose records was active since `cutoff`."""
    recent = Q(updated_at__gte=cutoff) | Q(last_arrived_at__gte=cutoff) | Q(
        household__updated_at__gte=cutoff)
    active_roots = set(Person.objects.filter(recent).values_list("merged_into_id", "id"))
    active = {root or pk for root, pk in active_roots}
    return list(Person.objects.filter(merged_into__isnull=True).exclude(recent)
            .exclude(pk__in=active).order_by("created_at"))


def retention_run(*, dry_run: bool = False) -> RetentionResult:
    """Delete what has outlived its retention period; with `dry_run`, only count it."""
    result = RetentionResult(dry_run=dry_run)
    var = Path(settings.VAR_DIR)
    records = _cutoff(settings.RETAIN_RECORDS_DAYS)
    expired = _expired_persons(records) if records else []
    result.counts["records"] = len(expired)
    imports = _cutoff(settings.RETAIN_IMPORT_FILES_DAYS)
    import_files = _old_files([var / "imports"], imports)
    jobs = ImportJob.objects.filter(finished_at__lt=imports).exclude(report="", message="") \
        if imports else ImportJob.objects.none()
    result.counts["import_files"] = len(import_files)
    result.counts["import_reports"] = jobs.count()
    exports = _old_files([var / "exports", var / "reports"],
                         _cutoff(settings.RETAIN_EXPORTS_DAYS))
    result.counts["exports"] = len(exports)
    backups = _old_files([var / "backups"], _cutoff(settings.RETAIN_BACKUPS_DAYS))
    result.counts["backups"] = len(backups)
    if dry_run:
        return result
    reason = RETENTION_REASON % {"days": settings.RETAIN_RECORDS_DAYS}
    for person in expired:
        with transaction.atomic():
            subject_erase(subject_of(person, shared_household_rows=False), actor=None,
                          reason=reason)
    jobs.update(report="", message="")
    for path in [*import_files, *exports, *backups]:
        path.unlink(missing_ok=True)
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    session_store.clear_expired()
    audit_record(actor=None, action=AuditAction.RETENTION_RUN, channel="cli",
                 target_type="person", target_ids=[])
    if expired:
        scrub_when_committed()
    return result



