"""OpenRosa endpoints for ODK Collect, KoboCollect and Enketo: forms in, submissions out.

A device's server address is `https://<host>/openrosa/<site>` (Collect asks for the
device user's name and password) or `https://<host>/openrosa/key/<token>/<site>`
(see `auth`). From it the device asks for

    GET  …/formList                                  the forms, as an xformsList
    GET  …/forms/household_registration/form.xml     the XForm (and hub_arrival's,
    GET  …/forms/household_registration/manifest     the scanned-card arrivals at a hub)
    HEAD …/submission                                204: may I send, and how much
    POST …/submission                                201: one filled-in form

Every request must carry `X-OpenRosa-Version: 1.0`; every answer carries it and
`X-OpenRosa-Accept-Content-Length`. Refusals are OpenRosaResponse messages, which
Collect shows to the clerk: 400 for a submission that cannot be read or that the
registry refuses (naming the field), 401/403 for who may send, 404 for an unknown site,
409 for a conflicting resend, 413 for a body over the limits. The body's size is
checked before it is read. Files attached to a submission are not kept: this form asks
for none, and Haven keeps no more personal data than it needs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from haven.accounts.access import Actor
from haven.core.busy import RETRY_AFTER_SECONDS, is_busy
from haven.core.disk_full import RETRY_AFTER_SECONDS as DISK_FULL_RETRY_AFTER
from haven.core.disk_full import is_disk_full
from haven.core.errors import HavenError, ValidationFailed
from haven.intake.openrosa.auth import Refusal, device_actor, device_site
from haven.intake.openrosa.form import XForm, hub_arrival_xform, served_xforms
from haven.intake.openrosa.parsing import XML_FIELD, instance_form, instance_parse
from haven.intake.openrosa.services import Outcome, submission_receive
from haven.intake.openrosa.submitted_arrivals import arrival_submission_receive
from haven.registry.models import Site

OPENROSA_VERSION = "1.0"
MAX_SUBMISSION_BYTES = 10 * 1024 * 1024  # the whole POST, attachments included
MAX_XML_BYTES = 1024 * 1024  # the filled-in form; a household of 50 is ~40 KB
REALM = "Haven"
RESPONSE_NS = "http://openrosa.org/http/response"
FORM_LIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"

DeviceView = Callable[..., HttpResponse]


def _xml(root: Element) -> bytes:
    return tostring(root, encoding="utf-8", xml_declaration=True)


def openrosa_response(status: int, message: str = "", *, nature: str = "",
                      body: bytes | None = None) -> HttpResponse:
    """Return an answer with OpenRosa's headers; a message becomes an OpenRosaResponse."""
    if body is None and message:
        root = Element("OpenRosaResponse", xmlns=RESPONSE_NS)
        element = SubElement(root, "message", nature=nature or "error")
        element.text = message
        body = _xml(root)
    response = HttpResponse(body or b"", status=status, content_type=XML_CONTENT_TYPE)
    response["X-OpenRosa-Version"] = OPENROSA_VERSION
    response["X-OpenRosa-Accept-Content-Length"] = str(MAX_SUBMISSION_BYTES)
    return response


def _refused(refusal: Refusal) -> HttpResponse:
    response = openrosa_response(refusal.status, refusal.message)
    if refusal.challenge:
        response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _too_big() -> HttpResponse:
    return openrosa_response(413, _("The submission is larger than Haven accepts "
                                    "(%(mb)d MB in all, %(xml_mb)d MB for the form).")
                             % {"mb": MAX_SUBMISSION_BYTES // 2**20,
                                "xml_mb": MAX_XML_BYTES // 2**20})


def device_endpoint(*methods: str) -> Callable[[DeviceView], DeviceView]:
    """Check the protocol, the size, who sends and for which site; then call the view.

    The view is called as `view(request, actor, site, token=…, **url_arguments)`.
    """
    def decorate(view: DeviceView) -> DeviceView:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, site: str, token: str | None = None,
                    **kwargs: str) -> HttpResponse:
            if request.method not in methods:
                response = openrosa_response(405, _("This address does not take %(method)s.")
                                             % {"method": request.method})
                response["Allow"] = ", ".join(methods)
                return response
            if request.headers.get("X-OpenRosa-Version", "").strip() != OPENROSA_VERSION:
                return openrosa_response(400, _(
                    "Send the header X-OpenRosa-Version: 1.0. This address is for ODK "
                    "Collect, KoboCollect and Enketo."))
            if _content_length(request) > MAX_SUBMISSION_BYTES:
                return _too_big()
            actor = device_actor(request, token)
            if isinstance(actor, Refusal):
                return _refused(actor)
            found = device_site(actor, site)
            if isinstance(found, Refusal):
                return _refused(found)
            return view(request, actor, found, token=token, **kwargs)

        return _busy_answered(wrapper)

    return decorate


def _busy_answered(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 503 with Retry-After when another writer held the lock too long: ODK Collect
    keeps the submission and sends it again (haven.core.busy)."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, OSError) as exc:
            if is_disk_full(exc):  # Collect keeps the form and sends it again later
                response = openrosa_response(503, _("The server's disk is full; nothing was "
                                                    "stored. Send again later."))
                response["Retry-After"] = str(DISK_FULL_RETRY_AFTER)
                return response
            if not isinstance(exc, OperationalError) or not is_busy(exc):
                raise
            response = openrosa_response(503, _("Haven is busy; nothing was stored. Send "
                                                "again in a few seconds."))
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response

    return wrapper


def _url(request: HttpRequest, name: str, token: str | None, **kwargs: str) -> str:
    if token is not None:
        name, kwargs = f"key-{name}", {"token": token, **kwargs}
    return request.build_absolute_uri(reverse(f"openrosa:{name}", kwargs=kwargs))


def _served(form_id: str) -> XForm | None:
    return next((form for form in served_xforms() if form.form_id == form_id), None)


@device_endpoint("GET", "HEAD")
def form_list(request: HttpRequest, actor: Actor, site: Site, *,
              token: str | None) -> HttpResponse:
    """List the forms this device may fill in for the site (OpenRosa Form List API)."""
    root = Element("xforms", xmlns=FORM_LIST_NS)
    wanted = request.GET.get("formID")
    for form in served_xforms():
        if wanted not in {None, "", form.form_id}:
            continue
        entry = SubElement(root, "xform")
        for tag, text in (
            ("formID", form.form_id),
            ("name", form.title),
            ("version", form.version),
            ("hash", f"md5:{form.md5}"),
            ("downloadUrl", _url(request, "form-download", token, site=site.slug,
                                 form_id=form.form_id)),
            ("manifestUrl", _url(request, "form-manifest", token, site=site.slug,
                                 form_id=form.form_id)),
        ):
            SubElement(entry, tag).text = text
    return openrosa_response(200, body=_xml(root))


@device_endpoint("GET", "HEAD")
def form_download(request: HttpRequest, actor: Actor, site: Site, *, token: str | None,
                  form_id: str) -> HttpResponse:
    """Send the XForm."""
    form = _served(form_id)
    if form is None:
        return openrosa_response(404, _("Haven has no form %(form)r.") % {"form": form_id[:60]})
    return openrosa_response(200, body=form.xml)


@device_endpoint("GET", "HEAD")
def form_manifest(request: HttpRequest, actor: Actor, site: Site, *, token: str | None,
                  form_id: str) -> HttpResponse:
    """Send the form's media manifest: the form uses no media files."""
    if _served(form_id) is None:
        return openrosa_response(404, _("Haven has no form %(form)r.") % {"form": form_id[:60]})
    return openrosa_response(200, body=_xml(Element("manifest", xmlns=MANIFEST_NS)))


def _submitted_xml(request: HttpRequest) -> bytes | HttpResponse:
    """Return the xml_submission_file part of a multipart POST, or the refusal."""
    if request.content_type != "multipart/form-data":
        return openrosa_response(400, _("Send the form as multipart/form-data with an "
                                        "%(part)s part.") % {"part": XML_FIELD})
    try:
        upload = request.FILES.get(XML_FIELD)
        # A client may send the form as a plain field rather than a file.
        field = request.POST.get(XML_FIELD, "")
    except RequestDataTooBig:
        return _too_big()
    except (MultiPartParserError, SuspiciousOperation, UnicodeDecodeError):
        return openrosa_response(400, _("The multipart body cannot be read."))
    if upload is None and not field:
        return openrosa_response(400, _("The request has no %(part)s part.")
                                 % {"part": XML_FIELD})
    size = upload.size if upload is not None else len(field.encode("utf-8"))
    if size is None or size > MAX_XML_BYTES:
        return _too_big()
    return upload.read() if upload is not None else field.encode("utf-8")


def _arrival_message(duplicate: bool, persons: int) -> str:
    if duplicate:
        return _("Already received: these arrivals were recorded.")
    return ngettext("Recorded the arrival of %(n)d person.",
                    "Recorded the arrival of %(n)d people.", persons) % {"n": persons}


def _problem_text(problem: HavenError) -> str:
    if isinstance(problem, ValidationFailed):
        return "; ".join(f"{key}: {', '.join(messages)}"
                         for key, messages in problem.errors.items())
    return problem.message


@csrf_exempt  # a device, not a browser: no session cookie to ride on
@device_endpoint("HEAD", "GET", "POST")
def submission(request: HttpRequest, actor: Actor, site: Site, *,
               token: str | None) -> HttpResponse:
    """Take one filled-in form (OpenRosa Form Submission API); HEAD and GET answer 204."""
    if request.method != "POST":
        return openrosa_response(204)
    xml = _submitted_xml(request)
    if isinstance(xml, HttpResponse):
        return xml
    try:
        root = instance_parse(xml)
        if instance_form(root)[0] == hub_arrival_xform().form_id:  # haven.reception's form
            arrived = arrival_submission_receive(actor=actor, site=site.slug, root=root, xml=xml)
            return openrosa_response(201, _arrival_message(arrived.duplicate, arrived.persons),
                                     nature="submit_success")
        receipt = submission_receive(actor=actor, site=site.slug, xml=xml)
    except HavenError as problem:
        status = 400 if isinstance(problem, ValidationFailed) else problem.status
        return openrosa_response(status, _problem_text(problem))
    if receipt.household is None:  # a resend of another site's household: nothing of it
        return openrosa_response(201, _("Already received."), nature="submit_success")
    code = receipt.household.code
    if receipt.outcome == Outcome.REGISTERED:
        members = receipt.household.members.count()
        message = ngettext("Registered household %(code)s (%(n)d member).",
                           "Registered household %(code)s (%(n)d members).",
                           members) % {"code": code, "n": members}
    elif receipt.outcome == Outcome.EDITED:
        message = _("Updated household %(code)s.") % {"code": code}
    else:
        message = _("Already received: household %(code)s.") % {"code": code}
    return openrosa_response(201, message, nature="submit_success")
