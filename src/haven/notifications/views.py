"""The user's notifications: the list, and acknowledging one (POST to the same page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from haven.accounts.access import actor_from_request
from haven.core.http import parse_id
from haven.core.web import page
from haven.notifications import selectors, services


@page
@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """Every user's own notifications, unacknowledged first; POST acknowledges one."""
    actor = actor_from_request(request, "web")
    if request.method == "POST":
        number = request.POST.get("notification", "")
        services.notification_acknowledge(actor=actor,
                                          notification=parse_id(number) or 0)
        return redirect("notification-list")
    items = list(selectors.notification_list(user=actor.user)[:selectors.LIST_LIMIT])
    items.sort(key=lambda n: n.acknowledged_at is not None)
    return render(request, "notifications/list.html", {"items": items})
