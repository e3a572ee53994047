"""Headers that keep personal data out of caches and third-party code out of pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# htmx is served from our own static files; nothing runs from elsewhere or inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


class ProtectiveHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            # Any page or API answer may carry a person's data; no cache may keep it.
            response["Cache-Control"] = "no-store"
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
