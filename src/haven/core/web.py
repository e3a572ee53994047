"""What every page view shares: login, domain errors as error pages, the actor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from haven.core.errors import NotFound, PermissionDenied

V = TypeVar("V", bound=Callable[..., HttpResponseBase])  # a page, or a streamed download


def page(view: V) -> V:
    """Require login and render NotFound as 404 and PermissionDenied as 403 pages."""

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

    return login_required(wrapper)  # type: ignore[return-value]
