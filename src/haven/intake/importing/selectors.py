"""Read import jobs, within the sites the actor acts for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import NotFound
from haven.intake.models import ImportJob

if TYPE_CHECKING:
    from haven.accounts.access import Actor

RECENT = 20


def import_job_get(*, actor: Actor, job_id: int,
                   action: AuditAction | None = None) -> ImportJob:
    """Return the job, or raise NotFound if it does not exist or is at another's site.

    With `action` (the job's page, its report's download), the read is audited, and so
    is a refusal (outcome denied): a report names the rows and fields of refused people.
    The progress panel htmx polls every second is not: it shows counts only.
    """
    actor.require("register")
    job = ImportJob.objects.select_related("site", "created_by").filter(pk=job_id).first()
    if job is None or not actor.may_see_site(job.site_id):
        if action is not None:
            audit_record(actor=actor, action=action, target_type="import_job",
                         target_ids=[job_id], outcome=Outcome.DENIED)
        raise NotFound(_("No such import."))
    if action is not None:
        audit_record(actor=actor, action=action, target_type="import_job",
                     target_ids=[job.pk], site=job.site.slug)
    return job


def import_job_list(*, actor: Actor, limit: int = RECENT) -> list[ImportJob]:
    """Return the latest imports at the actor's sites, newest first."""
    actor.require("register")
    jobs = ImportJob.objects.select_related("site", "created_by").order_by("-created_at", "-id")
    scope = actor.record_site_ids
    if scope is not None:
        jobs = jobs.filter(site_id__in=scope)
    return list(jobs[:limit])
