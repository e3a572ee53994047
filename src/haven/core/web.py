"""What every page view shares: login, domain errors as error pages, the actor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from haven.core.errors import NotFound, PermissionDenied, ValidationFailed

V = TypeVar("V", bound=Callable[..., HttpResponseBase])  # a page, or a streamed download


def page(view: V) -> V:
    """Require login; render NotFound as 404, PermissionDenied as 403 pages.

    A ValidationFailed that reaches here is a malformed URL or query value (a form's
    errors are rendered by its view): a 400 page naming the field, never a 500.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return render(request, "core/error.html",
                          {"status": 404, "message": exc.message}, status=404)
        except PermissionDenied as exc:
            return render(request, "core/error.html",
                          {"status": 403, "message": exc.message}, status=403)
        except ValidationFailed as exc:
            details = "; ".join(f"{field}: {', '.join(str(p) for p in problems)}"
                                for field, problems in exc.errors.items())
            return render(request, "core/error.html",
                          {"status": 400, "message": details}, status=400)

    return login_required(wrapper)  # type: ignore[return-value]


def next_url(request: HttpRequest) -> str:
    """The `next` page a form was given (POST, then GET), or "" when it leads off this site.

    Only a path on this host is followed: a `next` to another site would make Haven's
    sign-in pages an open redirect.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""
