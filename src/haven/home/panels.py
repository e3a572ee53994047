"""The home page's panel registry: each app offers panels to the roles it serves.

An app puts a `home_panels.py` module beside its `apps.py`; Haven imports it at start-up
(`HomeConfig.ready`), and its providers register themselves:

    from haven.home.panels import Panel, panel

    @panel("tracing_officer", order=10)
    def open_requests(actor: Actor) -> Panel | None:
        n = tracing_selectors.open_request_count(actor=actor)
        return Panel(title=_("Open tracing requests"), template="tracing/_home_requests.html",
                     context={"n": n}, empty=_("No open requests.") if not n else "")

A provider is called with the request's actor on every home page it belongs to; it
returns a `Panel` (or None to stay away, e.g. when the role lacks a permission). Panels
are ordered by `order`, then by registration. Providers count, they do not list people:
a panel's figures carry no personal data, and reading them writes no audit row. See
docs/home.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from haven.accounts.access import Actor


@dataclass(frozen=True)
class Panel:
    """One box of the home page: a title, a template and its context, an empty state."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Shown instead of the template when set: what is missing and what to do about it.
    empty: str = ""
    link: str = ""  # where the panel's "Open" goes
    link_text: str = ""


Provider = Callable[["Actor"], Panel | None]
# Every role, for a panel offered to anyone (its provider decides by permission).
ANY_ROLE = "*"
_providers: dict[str, list[tuple[int, int, Provider]]] = {}


def panel(*roles: str, order: int = 100) -> Callable[[Provider], Provider]:
    """Register the decorated provider on the home page of each of `roles` (or ANY_ROLE)."""

    def register(provider: Provider) -> Provider:
        for role in roles:
            entries = _providers.setdefault(role, [])
            if all(p is not provider for _o, _n, p in entries):
                entries.append((order, sum(map(len, _providers.values())), provider))
        return provider

    return register


def providers_for(role: str) -> list[Provider]:
    """Return the providers registered for `role` (and for every role), in order."""
    entries = [*_providers.get(role, []), *_providers.get(ANY_ROLE, [])]
    return [p for _order, _n, p in sorted(entries, key=lambda e: (e[0], e[1]))]


def panels_for(actor: Actor) -> list[Panel]:
    """Return the panels of `actor`'s home page, in order."""
    found = (provider(actor) for provider in providers_for(actor.user.role))
    return [p for p in found if p is not None]
