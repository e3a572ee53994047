"""When the database is busy: one writer holds the lock longer than a request may wait.

On SQLite one transaction writes at a time and the others wait up to the busy timeout
(`HAVEN_DB_BUSY_SECONDS`); on PostgreSQL a row or table lock is waited for as long
(`lock_timeout`). Past that the request is answered 503 with `Retry-After`, never 500,
and nothing of it is stored: ODK Collect and scripts retry on 503, and a person sees a
page asking them to try again. Each adapter maps it once: the API
(`haven.config.api`), OpenRosa (`haven.intake.openrosa.views.device_endpoint`), pages
(`BusyDatabaseMiddleware` below).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 5
_BUSY_MESSAGES = (
    "database is locked",  # SQLite, past busy_timeout
    "database table is locked",
    "lock timeout",  # PostgreSQL: "canceling statement due to lock timeout"
    "could not obtain lock",
)


def is_busy(exc: BaseException) -> bool:
    """Whether the error means "another writer holds the lock", not a broken query."""
    return isinstance(exc, OperationalError) and any(
        m in str(exc).lower() for m in _BUSY_MESSAGES)


def busy_page(request: HttpRequest) -> HttpResponse:
    """Return the page a person sees: their work was not saved, try again in a moment.

    Rendered without the site's base template: that one reads the database for menus.
    """
    response = HttpResponse(render_to_string("core/busy.html", request=request), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class BusyDatabaseMiddleware:
    """Turn a lock held too long into 503 for pages (the API and OpenRosa map it themselves).

    A full disk is turned into its own page here too (haven.core.disk_full).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from haven.core.disk_full import disk_full_page, is_disk_full  # noqa: PLC0415 - a sibling

        if is_disk_full(exception):
            return disk_full_page(request)
        return busy_page(request) if is_busy(exception) else None
