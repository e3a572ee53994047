"""Pages a signed-in user must pass through first: a new password, a second factor.

Both work the same way: while the user owes the step, every page but a few sends them to
it (with the page they wanted as `next` on a GET). The API answers 401 to such a session
(haven.config.api.BrowserSession); device and token requests carry no session, and
OpenRosa and static files stay open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from haven.accounts.services.two_factor import otp_enrolled, otp_required

if TYPE_CHECKING:
    from haven.accounts.models import User


class _StepRequiredMiddleware:
    """Redirect a user who owes a step to its page, except on the pages named open."""

    open_names: tuple[str, ...] = ()

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def step_owed(self, user: User) -> str | None:
        """The URL name of the page the user must go to, or None."""
        raise NotImplementedError

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._open(request.path):
            step = self.step_owed(user)
            if step is not None:
                target = reverse(step)
                if request.method == "GET" and not request.path.startswith("/api/"):
                    target += "?" + urlencode({"next": request.get_full_path()})
                return redirect(target)
        return self.get_response(request)

    def _open(self, path: str) -> bool:
        return path.startswith((settings.STATIC_URL, "/api/", "/openrosa/")) \
            or path in {reverse(name) for name in self.open_names}


class PasswordChangeRequiredMiddleware(_StepRequiredMiddleware):
    """Send a user whose password an administrator reset to the change-password page."""

    # The change form itself, logging out and the language switch.
    open_names = ("password-change", "logout", "set_language")

    def step_owed(self, user: User) -> str | None:
        return "password-change" if user.must_change_password else None


class TwoFactorRequiredMiddleware(_StepRequiredMiddleware):
    """Send a signed-in user who owes a second factor to enrol, or to enter a code."""

    # The two-factor pages themselves, logging out, the language switch, and changing a
    # temporary password (which comes first).
    open_names = ("otp-enrol", "otp-verify", "logout", "set_language", "password-change")

    def step_owed(self, user: User) -> str | None:
        # django-otp adds is_verified() to the request's user (OTPMiddleware).
        if user.is_verified() or not otp_required(user):  # type: ignore[attr-defined]
            return None
        return "otp-verify" if otp_enrolled(user) else "otp-enrol"
