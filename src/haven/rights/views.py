"""Pages: export a person's record for them; erase a person in two steps. Codes go by POST."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from haven.accounts.access import actor_from_request
from haven.core.errors import NotFound, ValidationFailed
from haven.core.web import page
from haven.rights.document import FORMATS, record_document
from haven.rights.erasure import person_erase, person_erase_plan
from haven.rights.record import person_record


@page
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """Show the form (GET); produce the PDF or JSON for the person named (POST)."""
    actor = actor_from_request(request, "web")
    actor.require("subject_access")
    errors: dict[str, list[str]] = {}
    values = {"person": "", "format": "pdf"}
    if request.method == "POST":
        values = {"person": request.POST.get("person", "")[:40],
                  "format": request.POST.get("format", "pdf")}
        if values["format"] not in FORMATS:
            errors["format"] = [_("choose PDF or JSON")]
        else:
            try:
                record = person_record(actor=actor, code=values["person"])
            except NotFound as exc:
                errors["person"] = [exc.message]
            else:
                content, content_type, name = record_document(record, values["format"])
                response = HttpResponse(content, content_type=content_type)
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                response["Cache-Control"] = "no-store"
                return response
    return render(request, "rights/export.html", {"values": values, "errors": errors},
                  status=422 if errors else 200)


@page
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    """Step 1: the code and the ground; step 2: what would go, and the code typed again."""
    actor = actor_from_request(request, "web")
    actor.require("erase_records")
    errors: dict[str, list[str]] = {}
    values = {key: request.POST.get(key, "")[:600] for key in ("person", "reason", "confirm")}
    plan = None
    if request.method == "POST":
        try:
            plan = person_erase_plan(actor=actor, code=values["person"])
            if request.POST.get("step") == "confirm":
                done = person_erase(actor=actor, code=values["person"],
                                    reason=values["reason"], confirm=values["confirm"])
                messages.success(request, _("The person's record is erased (erasure %(n)s).")
                                 % {"n": done.erasure.pk})
                return redirect("rights-erase")
            if not values["reason"].strip():
                errors["reason"] = [_("say on what ground the record is erased")]
                plan = None
        except NotFound as exc:
            errors["person"] = [exc.message]
        except ValidationFailed as exc:
            errors = exc.errors
    return render(request, "rights/erase.html",
                  {"values": values, "errors": errors, "plan": plan},
                  status=422 if errors else 200)
