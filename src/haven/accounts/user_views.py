"""Pages to manage users, tokens and one's own password: thin adapters over the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from haven.accounts import selectors, services
from haven.accounts.access import Actor, actor_from_request
from haven.accounts.forms import PasswordChangeForm, UserFilterForm, UserForm
from haven.accounts.models import User
from haven.accounts.services.two_factor import otp_reset
from haven.core.errors import HavenError, ValidationFailed
from haven.core.web import next_url, page
from haven.registry.models import Site


def _site_choices(actor: Actor) -> list[tuple[str, str]]:
    sites = Site.objects.filter(actor.site_filter("id")).order_by("slug")
    return [(s.slug, f"{s.name} ({s.slug})") for s in sites]


def _form_errors(form: Any, exc: ValidationFailed) -> None:
    for field, problems in exc.errors.items():
        form.add_error(field if field in form.fields else None, problems)


@page
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    actor.require("manage_users")
    form = UserFilterForm(request.GET or None, site_choices=_site_choices(actor))
    context: dict[str, Any] = {"form": form, "page": None}
    if form.is_bound and not form.is_valid():
        return render(request, "accounts/user_list.html", context, status=422)
    data = form.cleaned_data if form.is_bound else {}
    filters = selectors.UserFilters(query=data.get("q") or "", role=data.get("role") or "",
                                    site=data.get("site") or "", status=data.get("status") or "")
    found = selectors.user_list(actor=actor, filters=filters, page=data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=found, items=found.items, query=query.urlencode(),
                   locked=selectors.locked_usernames([u.username for u in found.items]),
                   filtered=any(v for k, v in request.GET.items() if k != "page"),
                   manageable={u.pk for u in found.items if services.may_manage(actor, u)})
    return render(request, "accounts/user_list.html", context)


@page
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request, "web")
    actor.require("manage_users")
    roles = selectors.roles_to_grant(actor)
    form = UserForm(request.POST or None, roles=roles, site_choices=_site_choices(actor),
                    creating=True)
    if request.method == "POST" and form.is_valid():
        password = services.temporary_password()
        try:
            created = services.user_create(
                actor=actor, username=form.cleaned_data["username"],
                role=form.cleaned_data["role"], sites=form.cleaned_data["sites"],
                password=password, must_change_password=True)
        except ValidationFailed as exc:
            _form_errors(form, exc)
        else:
            # Shown on this answer only, never stored in a session or a message.
            return render(request, "accounts/user_password.html",
                          {"person": created, "password": password, "created": True})
    return render(request, "accounts/user_form.html", {"form": form},
                  status=422 if form.errors else 200)


def _user_action(request: HttpRequest, actor: Actor, person: User) -> HttpResponse | None:
    """Carry out the button pressed on a user's page; return the answer, or None to re-show."""
    action = request.POST.get("action", "")
    name = person.get_username()
    if action == "deactivate":
        services.user_deactivate(actor=actor, username=name)
        messages.success(request, _("Deactivated %(name)s: their sessions ended and their "
                                    "tokens were revoked.") % {"name": name})
    elif action == "reactivate":
        services.user_reactivate(actor=actor, username=name)
        messages.success(request, _("Reactivated %(name)s.") % {"name": name})
    elif action == "unlock":
        services.user_unlock(actor=actor, username=name)
        messages.success(request, _("Unlocked %(name)s.") % {"name": name})
    elif action == "sign_out":
        services.user_sign_out(actor=actor, username=name)
        messages.success(request, _("Ended every session of %(name)s and revoked their "
                                    "tokens.") % {"name": name})
    elif action == "reset_two_factor":
        otp_reset(actor=actor, username=name)
        messages.success(request, _("Reset the two-factor authentication of %(name)s: they set "
                                    "it up again at their next login.") % {"name": name})
    elif action == "revoke_token":
        services.token_revoke(actor=actor, ref=request.POST.get("token", "")[:20])
        messages.success(request, _("Revoked the token."))
    elif action == "reset_password":
        password = services.user_password_set(actor=actor, username=name)
        return render(request, "accounts/user_password.html",
                      {"person": person, "password": password, "created": False})
    else:
        return None
    return redirect("user-detail", username=name)


@page
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    actor = actor_from_request(request, "web")
    person = selectors.user_for_manager(actor=actor, username=username)
    manageable = services.may_manage(actor, person)
    roles = selectors.roles_to_grant(actor)
    initial = {"role": person.role, "sites": [s.slug for s in person.sites.all()]}
    form = UserForm(roles=roles, site_choices=_site_choices(actor), creating=False,
                    initial=initial)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "save":
            form = UserForm(request.POST, roles=roles, site_choices=_site_choices(actor),
                            creating=False)
            if form.is_valid():
                try:
                    services.user_update(actor=actor, username=username,
                                         role=form.cleaned_data["role"],
                                         sites=form.cleaned_data["sites"])
                except ValidationFailed as exc:
                    _form_errors(form, exc)
                else:
                    messages.success(request, _("Saved %(name)s.") % {"name": username})
                    return redirect("user-detail", username=username)
            status = 422
        else:
            try:
                answer = _user_action(request, actor, person)
            except ValidationFailed as exc:
                messages.error(request, "; ".join(p for ps in exc.errors.values() for p in ps))
                return redirect("user-detail", username=username)
            if answer is not None:
                return answer
            status = 422
    return render(request, "accounts/user_detail.html", {
        "person": person, "form": form, "manageable": manageable,
        "grantable": person.role in dict(roles),
        "locked": bool(selectors.locked_usernames([username])),
        "tokens": [(t, selectors.token_status(t)) for t in selectors.token_list(
            actor=actor, username=username, include_inactive=True)] if manageable else [],
        "is_self": person.pk == actor.user.pk,
    }, status=status)


@page
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """Your own API tokens; for those who manage users, theirs too."""
    actor = actor_from_request(request, "web")
    if request.method == "POST":
        if request.POST.get("action") == "sign_out":
            services.user_sign_out(actor=actor, username=actor.user.get_username())
            return redirect("login")
        try:
            services.token_revoke(actor=actor, ref=request.POST.get("token", "")[:20])
        except HavenError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Revoked the token."))
        return redirect(request.get_full_path())
    username = request.GET.get("user", "")[:150]
    show_all = request.GET.get("all") == "1"
    tokens = selectors.token_list(actor=actor, username=username, include_inactive=show_all)
    return render(request, "accounts/token_list.html", {
        "tokens": [(t, selectors.token_status(t)) for t in tokens],
        "username": username, "show_all": show_all,
    })


@page
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; the only page open while a temporary one is in use."""
    actor = actor_from_request(request, "web")
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_password_change(actor=actor, current=form.cleaned_data["current"],
                                                 new=form.cleaned_data["new"])
        except ValidationFailed as exc:
            _form_errors(form, exc)
        else:
            update_session_auth_hash(request, user)  # this session goes on; the others end
            messages.success(request, _("Your password is changed."))
            return redirect(next_url(request) or "home")
    return render(request, "accounts/password_change.html", {
        "form": form, "forced": actor.user.must_change_password, "next": next_url(request),
    }, status=422 if form.errors else 200)
