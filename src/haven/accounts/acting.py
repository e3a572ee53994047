"""The site a logged-in clerk is acting for, kept in the session."""

from __future__ import annotations

from django.http import HttpRequest

from haven.accounts.access import actor_from_request
from haven.registry.models import Site
from haven.registry.selectors import sites_for

SESSION_KEY = "haven_acting_site"


def acting_site(request: HttpRequest) -> Site | None:
    """Return the site chosen in this session, or the user's only site, or None."""
    if not request.user.is_authenticated or not request.user.policy.register:
        return None
    available = sites_for(actor_from_request(request, "web"))
    chosen = request.session.get(SESSION_KEY)
    if chosen:
        site = available.filter(slug=chosen).first()
        if site is not None:
            return site
    candidates = list(available[:2])
    return candidates[0] if len(candidates) == 1 else None


def choose_site(request: HttpRequest, slug: str) -> Site | None:
    """Act for the site `slug` from now on in this session, if the user may."""
    site = sites_for(actor_from_request(request, "web")).filter(slug=slug).first()
    if site is not None:
        request.session[SESSION_KEY] = site.slug
    return site
