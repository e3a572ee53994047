"""Import pages: upload a file, watch its job's progress, download its report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from haven.accounts.access import actor_from_request
from haven.accounts.acting import acting_site
from haven.audit.models import AuditAction
from haven.core.errors import ValidationFailed
from haven.core.web import page
from haven.intake.importing import reading, runner
from haven.intake.importing.forms import ImportForm
from haven.intake.importing.selectors import import_job_get, import_job_list
from haven.intake.models import ImportJob
from haven.registry.selectors import sites_for

_UPLOAD_OVERHEAD = 64 * 1024  # the multipart envelope and the other fields
STATUS_LABELS = {
    ImportJob.Status.QUEUED: gettext_lazy("Waiting to start"),
    ImportJob.Status.VALIDATING: gettext_lazy("Checking the file"),
    ImportJob.Status.IMPORTING: gettext_lazy("Importing"),
    ImportJob.Status.DONE: gettext_lazy("Finished"),
    ImportJob.Status.FAILED: gettext_lazy("Refused or stopped"),
}
RUNNING = {ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING}


@page
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """The upload form, and the latest imports at the user's sites."""
    actor = actor_from_request(request, "web")
    actor.require("register")
    choices = [(s.slug, s.name) for s in sites_for(actor)]
    site = acting_site(request)
    form = ImportForm(site_choices=choices, initial={"site": site.slug if site else ""})
    status = 200
    if request.method == "POST":
        limit = reading.DEFAULT_LIMITS.max_bytes
        # Checked before Django reads the body: a file past the limit is never parsed.
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit + _UPLOAD_OVERHEAD:
            refusal = _("The file is larger than %(limit)s MB. Split it into smaller files: "
                        "rows already imported are skipped.") \
                % {"limit": f"{limit / reading.MIB:.1f}"}
            return _form_page(request, actor, form, status=413, refusal=refusal)
        form = ImportForm(request.POST, request.FILES, site_choices=choices)
        status = 422
        if form.is_valid():
            try:
                job = runner.import_upload(actor=actor, upload=form.cleaned_data["file"],
                                           site=form.cleaned_data["site"],
                                           dry_run=form.cleaned_data["dry_run"])
            except ValidationFailed as exc:
                for field, problems in exc.errors.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                return redirect("import-job", job=job.pk)
    return _form_page(request, actor, form, status=status)


def _form_page(request: HttpRequest, actor: Any, form: ImportForm, *, status: int,
               refusal: str = "") -> HttpResponse:
    jobs = [_job_context(job) for job in import_job_list(actor=actor)]
    return render(request, "intake/import_form.html",
                  {"form": form, "jobs": jobs, "refusal": refusal}, status=status)


def _job_context(job: ImportJob) -> dict[str, Any]:
    running = job.status in RUNNING
    percent = job.rows_done * 100 // job.rows_total if job.rows_total else 0
    return {"job": job, "running": running, "percent": percent,
            "status": STATUS_LABELS.get(ImportJob.Status(job.status), job.status),
            "has_report": job.report.count("\n") > 1}


@page
@require_GET
def import_job(request: HttpRequest, job: int) -> HttpResponse:
    actor = actor_from_request(request, "web")
    return render(request, "intake/import_job.html", _job_context(
        import_job_get(actor=actor, job_id=job, action=AuditAction.IMPORT_JOB_VIEW)))


@page
@require_GET
def import_job_progress(request: HttpRequest, job: int) -> HttpResponse:
    """Return the progress panel; htmx polls it every second until the job ends."""
    actor = actor_from_request(request, "web")
    return render(request, "intake/import_progress.html",
                  _job_context(import_job_get(actor=actor, job_id=job)))


@page
@require_GET
def import_job_report(request: HttpRequest, job: int) -> HttpResponse:
    """Download the report: row, column, problem for each refused row (UTF-8 with BOM)."""
    found = import_job_get(actor=actor_from_request(request, "web"), job_id=job,
                           action=AuditAction.IMPORT_REPORT_DOWNLOAD)
    response = HttpResponse("\ufeff" + (found.report or "row,column,problem\r\n"),
                            content_type="text/csv; charset=utf-8")
    name = f"{Path(found.file_name).stem or 'import'}-report.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
