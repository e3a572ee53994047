"""The one NinjaAPI: authentication, routers, and domain errors mapped to HTTP once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from haven.accounts.access import Actor, client_address
from haven.accounts.services import token_authenticate
from haven.accounts.services.two_factor import otp_required
from haven.aid.api import router as aid_router
from haven.audit.api import router as audit_router
from haven.core.busy import RETRY_AFTER_SECONDS, is_busy
from haven.core.disk_full import MESSAGE as DISK_FULL_MESSAGE
from haven.core.disk_full import RETRY_AFTER_SECONDS as DISK_FULL_RETRY_AFTER
from haven.core.disk_full import is_disk_full
from haven.core.errors import Conflict, HavenError, ValidationFailed
from haven.documentation.api import router as documentation_router
from haven.linkage.api import router as linkage_router
from haven.notifications.api import router as notifications_router
from haven.pfif.api import router as pfif_router
from haven.protection.api import router as protection_router
from haven.reception.api import router as reception_router
from haven.registry.api import router as registry_router
from haven.reports.api import router as reports_router
from haven.rights.api import router as rights_router
from haven.tracing.api import router as tracing_router


class BearerToken(HttpBearer):
    """`Authorization: Bearer hvn_…`, for devices and scripts."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        user = token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return Actor(user=user, channel="api", client_address=client_address(request))


class BrowserSession(SessionAuth):
    """The logged-in browser's session, with Django's CSRF check on writes."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is no session to forge: a request with no
        # credentials at all is answered 401 naming them, not 403 "CSRF check Failed".
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        # A temporary password opens only the page that changes it.
        if not request.user.is_authenticated or request.user.must_change_password:
            return None
        # A session that owes a second factor opens only the two-factor pages.
        if not request.user.is_verified() and otp_required(request.user):  # type: ignore[attr-defined]
            return None
        return Actor(user=request.user, channel="web",
                     client_address=client_address(request))


api = NinjaAPI(
    title="Haven API",
    version="1",
    description=(
        "Registration of households and persons at sites, arrivals, and the audit log. "
        "Authenticate with `Authorization: Bearer <token>` (`haven token create USER`) "
        "or a browser session. Unknown fields are refused; every error is JSON "
        "`{error, message, errors: {field: [messages]}}`."
    ),
    auth=[BearerToken(), BrowserSession()],
    urls_namespace="api",
)
api.add_router("/", registry_router)
api.add_router("/", audit_router)
api.add_router("/", reports_router)
api.add_router("/", linkage_router)
api.add_router("/", aid_router)
api.add_router("/", documentation_router)
api.add_router("/", pfif_router)
api.add_router("/", protection_router)
api.add_router("/", reception_router)
api.add_router("/", rights_router)
api.add_router("/", notifications_router)
api.add_router("/", tracing_router)


def _error(request: HttpRequest, status: int, code: str, message: str,
           errors: dict[str, list[str]] | None = None, *,
           extra: dict[str, object] | None = None) -> HttpResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    body.update({k: v for k, v in (extra or {}).items() if k not in body})
    return api.create_response(request, body, status=status)


@api.exception_handler(HavenError)
def haven_error(request: HttpRequest, exc: HavenError) -> HttpResponse:
    errors = exc.errors if isinstance(exc, ValidationFailed) else None
    extra = {"reason": exc.reason, **exc.details} \
        if isinstance(exc, Conflict) and exc.reason else None
    return _error(request, exc.status, exc.code, exc.message, errors, extra=extra)


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    """Turn pydantic's ("body", "payload", "members", 0, "sex") into "members[0].sex"."""
    parts = list(location)
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
        if parts and parts[0] in {"payload", "query"}:
            parts = parts[1:]
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


@api.exception_handler(ValidationError)
def schema_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for problem in exc.errors:
        field = _field_name(problem.get("loc", ()))
        message = ("is not a known field" if problem.get("type") == "extra_forbidden"
                   else str(problem.get("msg", "is invalid")))
        errors.setdefault(field, []).append(message)
    first = next(iter(errors.items()))
    return _error(request, 422, "validation_failed", f"{first[0]}: {first[1][0]}", errors)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated",
                  "No credentials: send the header Authorization: Bearer <token> "
                  "(haven token create USER), or the session cookie of a logged-in browser.",
                  {"Authorization": ["is missing or not a valid token"],
                   "session": ["is missing or not logged in"]})


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "bad_request", str(exc))


@api.exception_handler(OperationalError)
def database_busy(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """Another writer held the lock past the busy timeout: 503, retry (haven.core.busy)."""
    if is_disk_full(exc):
        return disk_full(request, exc)
    if not is_busy(exc):
        raise exc
    response = _error(request, 503, "busy", "The database is busy; nothing was stored. "
                      "Send the request again in a few seconds.")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(OSError)
def disk_full(request: HttpRequest, exc: Exception) -> HttpResponse:
    """No space left for the database or a file: 507, nothing stored (haven.core.disk_full)."""
    if not is_disk_full(exc):
        raise exc
    response = _error(request, 507, "disk_full", DISK_FULL_MESSAGE)
    response["Retry-After"] = str(DISK_FULL_RETRY_AFTER)
    return response


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "too_large", "The request body is larger than 1 MiB.",
                  {"body": ["is larger than 1 MiB"]})
