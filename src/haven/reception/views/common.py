"""What reception's pages share: the acting site, member ticks, errors as a page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.accounts.access import Actor, actor_from_request
from haven.accounts.acting import acting_site, choose_site
from haven.core.errors import Conflict
from haven.core.http import parse_id
from haven.registry.models import Site


def web_actor(request: HttpRequest) -> Actor:
    return actor_from_request(request, "web")


def posted_site(request: HttpRequest) -> Site | None:
    """Return the site chosen in the form (and act for it from now on), or the acting one."""
    slug = request.POST.get("site", "")
    if slug:
        return choose_site(request, slug) or acting_site(request)
    return acting_site(request)


def ticked(request: HttpRequest, *, all_key: str = "members-all") -> list[str] | None:
    """Return the member codes ticked on a form, or None for the whole household: when the
    form lists no members, or every member it lists is ticked."""
    listed = request.POST.get(all_key)
    if listed is None:  # the form lists no members: the whole household
        return None
    codes = request.POST.getlist("members")
    return None if sorted(codes) == sorted(listed.split()) else codes


def refused(request: HttpRequest, template: str, context: dict[str, Any],
            conflict: Conflict) -> HttpResponse:
    """Render the page again with the reason for a refusal (409)."""
    return render(request, template, {**context, "conflict": conflict}, status=409)


def number(value: str | None, default: int = 1) -> int:
    """Return a posted record number (ASCII digits), else `default`: the service refuses it."""
    found = parse_id(value) if value else None
    return found if found is not None and found < 10**9 else default
