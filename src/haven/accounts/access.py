"""Who is acting, for which sites, through which channel: passed to every service."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from haven.accounts.roles import Policy
from haven.core.errors import PermissionDenied

if TYPE_CHECKING:
    from django.http import HttpRequest

    from haven.accounts.models import User


@dataclass
class Actor:
    user: User
    channel: str  # "web", "api", "cli", "odk"
    client_address: str | None = None
    _site_ids: frozenset[int] | None = field(default=None, init=False, repr=False)

    @property
    def policy(self) -> Policy:
        return self.user.policy

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def own_site_ids(self) -> frozenset[int]:
        """Return the ids of the sites this user acts for (their assignment, not their reach)."""
        if self._site_ids is None:
            self._site_ids = frozenset(self.user.sites.values_list("id", flat=True))
        return self._site_ids

    @property
    def record_site_ids(self) -> frozenset[int] | None:
        """Return the sites whose records this user may see; None means every site."""
        return None if self.policy.all_sites else self.own_site_ids

    def may_see_site(self, site_id: int) -> bool:
        scope = self.record_site_ids
        return scope is None or site_id in scope

    def site_filter(self, field: str) -> Q:
        """Return a filter keeping records whose site (the `field` lookup) the user may see.

        For a model with a site of its own (a tracing request, a placement, a referral):
        `Model.objects.filter(actor.site_filter("site"))`.
        """
        scope = self.record_site_ids
        return Q() if scope is None else Q(**{f"{field}__in": scope})

    def may_act_for_site(self, site_id: int) -> bool:
        """Return whether the user may register at the site: their own, or any if all-site."""
        return self.may_see_site(site_id)

    def require(self, capability: str) -> None:
        """Raise PermissionDenied unless the role has `capability` (a Policy field)."""
        if not getattr(self.policy, capability):
            raise PermissionDenied(_("Your role does not allow this."))


def client_address(request: HttpRequest) -> str | None:
    """Return the client's IP address as the audit log stores it, or None if there is none.

    Behind a reverse proxy REMOTE_ADDR is the proxy; deployments that need the client's
    address configure the proxy to set it (gunicorn's forwarded_allow_ips). Anything that
    is not an IP address (a unix socket's name) is None: PostgreSQL's inet column would
    refuse it, and with it the audit row and the request.
    """
    try:
        return str(ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "")).strip()))
    except ValueError:
        return None


def actor_from_request(request: HttpRequest, channel: str) -> Actor:
    return Actor(user=request.user, channel=channel,  # type: ignore[arg-type]
                 client_address=client_address(request))
