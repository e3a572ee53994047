"""Audit every refused read: a GET answered 403 or 404 that no service audited itself.

Services that refuse a record write their own event (`person.view`, outcome denied);
many refusals happen before any service runs — a role that may not open a page, a
record at another site found by its code in the URL. This middleware writes one event,
`read.denied`, for each of those: the page's URL name as the target type and the URL's
parameters (codes, numbers) as the targets, so the auditor sees who tried to read what.
A URL that matches no page is not a read and is not audited.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from haven.accounts.access import Actor, actor_from_request
from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record, denied_count

REFUSED = {403, 404}


class RefusedReadAuditMiddleware:
    """Write `read.denied` for a refused GET that no service audited."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        before = denied_count()
        response = self.get_response(request)
        if request.method in {"GET", "HEAD"} and response.status_code in REFUSED \
                and denied_count() == before and request.resolver_match is not None:
            actor = self._actor(request)
            if actor is not None:
                match = request.resolver_match
                audit_record(actor=actor, action=AuditAction.READ_DENIED,
                             target_type=(match.url_name or match.route)[:20],
                             target_ids=[str(v)[:64] for v in match.kwargs.values()],
                             outcome=Outcome.DENIED)
        return response

    @staticmethod
    def _actor(request: HttpRequest) -> Actor | None:
        auth = getattr(request, "auth", None)  # django-ninja's: a token's or device's actor
        if isinstance(auth, Actor):
            return auth
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return actor_from_request(request, "web")
        return None
