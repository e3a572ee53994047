"""Read accounts: users for their managers, tokens, device credentials, lockouts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from haven.accounts.models import ApiToken, DeviceCredential, User
from haven.accounts.roles import PERSON_ROLES, Role, grantable_roles
from haven.core import clock
from haven.core.errors import NotFound, ValidationFailed
from haven.registry.models import Site

if TYPE_CHECKING:
    from haven.accounts.access import Actor

USERS_PER_PAGE = 50


@dataclass(frozen=True)
class UserFilters:
    query: str = ""  # the start of a user name
    role: str = ""
    site: str = ""
    status: str = ""  # "", "active", "inactive", "locked", "must_change_password"


@dataclass
class UserPage:
    items: list[User]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


USER_STATUSES = ("active", "inactive", "locked", "must_change_password")


def _locked_attempts() -> QuerySet[AccessAttempt]:
    """Return the failed-login records that lock their user name out now (django-axes)."""
    since = clock.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                        attempt_time__gte=since)


def locked_usernames(usernames: list[str]) -> set[str]:
    """Return which of these user names are locked out after failed logins."""
    return set(_locked_attempts().filter(username__in=usernames)
               .values_list("username", flat=True))


def people() -> QuerySet[User]:
    """Return the users who are people: device identities are listed with their devices."""
    return User.objects.exclude(role=Role.DEVICE)


def user_list(*, actor: Actor | None, filters: UserFilters, page: int = 1,
              per_page: int = USERS_PER_PAGE) -> UserPage:
    """Return one page of users, by name, for someone who manages users (None: the CLI)."""
    if actor is not None:
        actor.require("manage_users")
    users = people().prefetch_related(Prefetch("sites", queryset=Site.objects.order_by("slug")))
    if filters.query:
        users = users.filter(username__istartswith=filters.query.strip())
    if filters.role:
        if filters.role not in PERSON_ROLES:
            raise ValidationFailed.single("role", _("unknown role"))
        users = users.filter(role=filters.role)
    if filters.site:
        site = Site.objects.filter(slug=filters.site).first()
        if site is None:
            raise ValidationFailed.single("site", _("unknown site"))
        users = users.filter(sites=site)
    if filters.status == "active":
        users = users.filter(is_active=True)
    elif filters.status == "inactive":
        users = users.filter(is_active=False)
    elif filters.status == "locked":
        users = users.filter(username__in=_locked_attempts().values("username"))
    elif filters.status == "must_change_password":
        users = users.filter(must_change_password=True)
    elif filters.status:
        raise ValidationFailed.single("status", _("unknown status"))
    users = users.order_by("username")
    total = users.count()
    per_page = max(1, min(per_page, 200))
    number = max(1, min(page, max(1, -(-total // per_page))))
    offset = (number - 1) * per_page
    return UserPage(items=list(users[offset:offset + per_page]), number=number,
                    per_page=per_page, total=total)


def user_for_manager(*, actor: Actor, username: str) -> User:
    """Return the person `username` for someone who manages users (any role, to read)."""
    actor.require("manage_users")
    user = people().filter(username=username).first()
    if user is None:
        raise NotFound(_("No such user."))
    return user


def roles_to_grant(actor: Actor) -> list[tuple[str, str]]:
    """Return the (value, label) of each role the actor may give, for a form's choices."""
    labels = dict(Role.choices)
    return [(role, str(labels[role])) for role in grantable_roles(actor.role)]


def token_status(token: ApiToken, now: dt.datetime | None = None) -> str:
    """Return `active`, `expired` or `revoked`."""
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if token.expires_at <= (now or clock.now()) else "active"


def token_list(*, actor: Actor | None, username: str = "",
               include_inactive: bool = False) -> list[ApiToken]:
    """Return the tokens the actor may see: their own; a manager's, those of users they manage.

    `actor=None` (the command line) sees every token. `username` narrows to one holder.
    """
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if actor is not None:
        mine = Q(user=actor.user)
        if actor.policy.manage_users:
            mine |= Q(user__role__in=grantable_roles(actor.role))
        tokens = tokens.filter(mine)
    if username:
        tokens = tokens.filter(user__username=username)
    if not include_inactive:
        tokens = tokens.filter(revoked_at__isnull=True, expires_at__gt=clock.now())
    return list(tokens[:500])


def device_sites(*, actor: Actor) -> list[tuple[Site, int]]:
    """Return the active sites the actor may issue devices for, each with its live devices."""
    actor.require("manage_devices")
    sites = Site.objects.filter(actor.site_filter("id"), is_active=True).order_by("slug")
    live = dict(DeviceCredential.objects.filter(revoked_at__isnull=True).values("site_id")
                .annotate(n=Count("id")).values_list("site_id", "n"))
    return [(site, live.get(site.id, 0)) for site in sites]


def device_site(*, actor: Actor, slug: str) -> Site:
    """Return the site whose devices the actor manages; NotFound if out of reach."""
    actor.require("manage_devices")
    site = Site.objects.filter(slug=slug).first()
    if site is None or not actor.may_see_site(site.id):
        raise NotFound(_("No such site."))
    return site


def device_list(*, actor: Actor | None, site: Site,
                include_revoked: bool = True) -> list[DeviceCredential]:
    """Return the site's device credentials, newest first."""
    if actor is not None:
        actor.require("manage_devices")
    devices = DeviceCredential.objects.select_related("user", "created_by", "revoked_by") \
        .filter(site=site)
    if not include_revoked:
        devices = devices.filter(revoked_at__isnull=True)
    return list(devices)
