"""Log in and out; lockout after repeated failures (django-axes); choose the acting site."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import actor_from_request, client_address
from haven.accounts.acting import choose_site
from haven.accounts.lockout import address_locked
from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=actor_from_request(self.request, "web"), action=AuditAction.LOGIN)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        # The same message for an unknown user and a wrong password: AuthenticationForm's.
        audit_record(actor=None, action=AuditAction.LOGIN_FAILED, outcome=Outcome.DENIED,
                     username=str(form.data.get("username", ""))[:150],
                     client_address=client_address(self.request), channel="web")
        return super().form_invalid(form)


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: Any = None) -> HttpResponse:
    """Answer a locked-out login attempt, whether or not the username exists.

    A refusal by the limit per address (password spraying over many user names,
    haven.accounts.lockout) says so, and is audited under its own action. django-axes 8
    calls this with (request, original_response, credentials).
    """
    by_address = address_locked(request)
    audit_record(actor=None, outcome=Outcome.DENIED,
                 action=AuditAction.LOGIN_ADDRESS_LOCKED if by_address
                 else AuditAction.LOGIN_FAILED,
                 username=str((credentials or {}).get("username", ""))[:150],
                 client_address=client_address(request), channel="web")
    form = AuthenticationForm(request)
    return render(request, "accounts/login.html",
                  {"form": form, "locked": True, "address_locked": by_address}, status=429)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=actor_from_request(request, "web"), action=AuditAction.LOGOUT)
    return auth_views.LogoutView.as_view()(request)


@login_required
@require_POST
def set_acting_site(request: HttpRequest) -> HttpResponse:
    site = choose_site(request, request.POST.get("site", ""))
    if site is None:
        messages.error(request, _("You do not act for that site."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect("home")
    return HttpResponseRedirect(next_url)
