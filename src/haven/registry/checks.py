"""Deployment checks that look at who can log in: the demo's published password (haven.E041).

The demo (`haven demo`) creates users whose password is printed on screen and in the
README. On a laptop that is the point; on a deployment it is an open door, so
`haven check --deploy` fails while any of them can still log in with it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from haven.registry.demo import DEMO_PASSWORD, USERS


def demo_usernames() -> list[str]:
    """Return the user names the demo creates (the registry's and protection's)."""
    # protection's demo adds two officers; it sits above the registry, so it is read here
    # lazily rather than imported by the registry's demo.
    from haven.protection.demo import USERS as PROTECTION_USERS  # noqa: PLC0415

    return [name for name, _role, _sites in [*USERS, *PROTECTION_USERS]]


@register(Tags.security, Tags.database, deploy=True)
def check_demo_passwords(app_configs: Any, databases: Any = None,
                         **kwargs: Any) -> list[CheckMessage]:
    """Fail while an active demo user still has the published demo password."""
    if not databases:  # as Django's database checks: only when asked to look at the data
        return []
    from haven.accounts.models import User  # noqa: PLC0415 - apps are ready in a check

    try:
        candidates = list(User.objects.filter(username__in=demo_usernames(), is_active=True)
                          .values_list("username", "password"))
    except DatabaseError:  # no tables yet: `haven migrate` has not run
        return []
    # hashers.check_password, not User.check_password: a check must not rehash and save.
    exposed = sorted(name for name, encoded in candidates
                     if check_password(DEMO_PASSWORD, encoded))
    if not exposed:
        return []
    return [Error(
        f"These demo users can log in with the published demo password: "
        f"{', '.join(exposed)}.",
        hint="Deactivate them (`haven user deactivate NAME`) or set new passwords "
             "(`haven user set-password NAME`); never load the demo into a deployment.",
        id="haven.E041")]
