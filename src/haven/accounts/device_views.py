"""Pages to issue and revoke ODK Collect device credentials, one page per site."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haven.accounts import selectors, services
from haven.accounts.access import actor_from_request
from haven.accounts.forms import DeviceForm
from haven.core.errors import ValidationFailed
from haven.core.http import parse_id
from haven.core.web import page


@page
@require_GET
def device_sites(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    return render(request, "accounts/device_sites.html",
                  {"sites": selectors.device_sites(actor=actor)})


def _server_url(request: HttpRequest, secret: str, site: str) -> str:
    """Return the address ODK Collect is given: the form list's, without `/formList`."""
    form_list = reverse("openrosa:key-form-list", kwargs={"token": secret, "site": site})
    return request.build_absolute_uri(form_list).removesuffix("/formList")


@page
@require_http_methods(["GET", "POST"])
def device_site(request: HttpRequest, site: str) -> HttpResponse:
    """The site's devices; issue one (its QR code is shown this once), or revoke one."""
    actor = actor_from_request(request, "web")
    found = selectors.device_site(actor=actor, slug=site)
    form = DeviceForm(request.POST if request.POST.get("action") == "create" else None)
    issued = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            number = request.POST.get("device", "")
            revoked = services.device_revoke(actor=actor, device=parse_id(number) or 0)
            messages.success(request, _("Revoked “%(label)s”: it can no longer fetch forms or "
                                        "send.") % {"label": revoked.label})
            return redirect("device-site", site=found.slug)
        if form.is_valid():
            try:
                issued = services.device_create(actor=actor, site=found.slug,
                                                label=form.cleaned_data["label"])
            except ValidationFailed as exc:
                for field, problems in exc.errors.items():
                    form.add_error(field if field in form.fields else None, problems)
    context = {"site": found, "form": form, "issued": None,
               "devices": selectors.device_list(actor=actor, site=found)}
    if issued is not None:
        server_url = _server_url(request, issued.secret, found.slug)
        code = services.collect_settings_code(services.collect_settings(
            server_url=server_url, username=issued.username, password=issued.secret,
            project=f"Haven · {found.name}"))
        context.update(issued=issued, server_url=server_url,
                       basic_url=request.build_absolute_uri(
                           reverse("openrosa:form-list", kwargs={"site": found.slug}))
                       .removesuffix("/formList"),
                       qr=segno.make(code, error="m").png_data_uri(scale=5, border=4),
                       form=DeviceForm())
    return render(request, "accounts/device_site.html", context,
                  status=422 if form.errors else 200)
