"""Lock out password guessing per (user name, address) and per address across user names.

django-axes counts failures per (user name, address): five wrong passwords for one name
from one address lock that pair for AXES_COOLOFF_TIME. Spraying a common password over
many user names stays under that limit for every pair, so the handler below also stops
an address after ADDRESS_FAILURE_LIMIT failures, whatever the names
(HAVEN_ADDRESS_FAILURE_LIMIT). It is set well above five: the clerks of a border post
often share one address, and one clerk's typos must not lock out the others.

Both the login page and ODK Collect's Basic/Digest login go through `authenticate()`,
so both are limited; a refusal by the address limit is audited as
`login.address_locked` (haven.accounts.views.locked_out).
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_failures(request: HttpRequest) -> int:
    """Return the failed logins from the request's address within the cool-off, all names."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address,
                                            attempt_time__gte=get_cool_off_threshold(request))
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def address_locked(request: HttpRequest) -> bool:
    """Tell whether the request's address has reached the limit across user names."""
    return address_failures(request) >= settings.ADDRESS_FAILURE_LIMIT


class AddressLimitHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the limit per address across user names."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return bool(super().is_locked(request, credentials)) or address_locked(request)

    def user_login_failed(self, sender: Any, credentials: dict[str, Any],
                          request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        # axes marks a lockout by its own count (the pair's); mark the address's too, so
        # its middleware answers with the lockout page (AXES_LOCKOUT_CALLABLE).
        if request is not None and address_locked(request):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
