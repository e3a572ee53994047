"""Two-factor pages: enrol an authenticator (QR code), enter a code at login."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from haven.accounts.access import actor_from_request
from haven.accounts.services.two_factor import (
    otp_check,
    otp_enrol,
    otp_enrolled,
    otp_pending_device,
    otp_recovery_renew,
    otp_required,
)
from haven.core.errors import ValidationFailed
from haven.core.web import next_url


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator (or see that one is set up and renew recovery codes)."""
    actor = actor_from_request(request, "web")
    user = actor.user
    errors: dict[str, list[str]] = {}
    enrolled = otp_enrolled(user)
    if enrolled and not user.is_verified():  # type: ignore[attr-defined]
        return redirect("otp-verify")
    if request.method == "POST":
        try:
            if enrolled:
                codes = otp_recovery_renew(actor=actor)
            else:
                device, codes = otp_enrol(actor=actor, token=request.POST.get("token", ""))
                otp_login(request, device)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            return render(request, "accounts/otp_codes.html",
                          {"codes": codes, "next": next_url(request) or "/"})
    context: dict[str, object] = {"enrolled": enrolled, "must": otp_required(user),
                                  "errors": errors, "next": next_url(request)}
    if not enrolled:
        device = otp_pending_device(user)
        context["qr"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        secret = b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render(request, "accounts/otp_enrol.html", context, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the code from the authenticator, or a recovery code."""
    actor = actor_from_request(request, "web")
    if not otp_enrolled(actor.user):
        if otp_required(actor.user):
            return redirect("otp-enrol")
        return render(request, "accounts/otp_verify.html", {"not_enrolled": True})
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            device = otp_check(actor=actor, token=request.POST.get("token", ""))
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            otp_login(request, device)
            return redirect(next_url(request) or "home")
    return render(request, "accounts/otp_verify.html",
                  {"errors": errors, "next": next_url(request)},
                  status=422 if errors else 200)
