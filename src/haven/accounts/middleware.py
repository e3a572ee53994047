"""A temporary password opens one page: the one that changes it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# What a user with a temporary password may still reach: the change form itself, logging
# out, the language switch and static files. The API answers 401 to such a session
# (haven.config.api.BrowserSession); device and token requests carry no session.
_OPEN_NAMES = ("password-change", "logout", "set_language")


class PasswordChangeRequiredMiddleware:
    """Send a user whose password an administrator reset to the change-password page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password \
                and not self._open(request.path):
            target = reverse("password-change")
            if request.method == "GET" and not request.path.startswith("/api/"):
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        return path.startswith((settings.STATIC_URL, "/api/", "/openrosa/")) \
            or path in {reverse(name) for name in _OPEN_NAMES}
