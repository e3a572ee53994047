"""API bearer tokens: issued for a number of days, shown once, revoked in one step.

A token is `hvn_` and 43 random characters; only its SHA-256 digest is kept, with the
first twelve characters (`prefix`) to tell tokens apart in lists. Tokens expire
`HAVEN_TOKEN_DAYS` after their issue. They open `/api/v1` only: the OpenRosa
addresses take device credentials (`services.devices`), never an API token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from haven.accounts.models import ApiToken, User
from haven.accounts.roles import role_may_grant
from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.core.http import parse_id

if TYPE_CHECKING:
    from haven.accounts.access import Actor

TOKEN_PREFIX = "hvn_"  # noqa: S105 - the public prefix of every token, not a secret
PREFIX_LENGTH = 12


def secret_digest(secret: str) -> str:
    """Return the SHA-256 of a token or device secret, as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def cli_channel(actor: Actor | None) -> str:
    """Return the audit channel of a call without an actor: the operator's command line."""
    return "cli" if actor is None else ""


def may_manage(actor: Actor | None, user: User) -> bool:
    """Return whether the actor may manage `user`: the command line, or a manager above them.

    A manager may act on users whose role they could have granted (`role_may_grant`),
    never on a device's identity (devices are managed on their site's page).
    """
    if user.is_device:
        return False
    return actor is None or role_may_grant(actor.role, user.role)


def token_create(*, actor: Actor | None, username: str, label: str = "",
                 days: int | None = None) -> str:
    """Issue a bearer token for the user and return it; only its digest is kept.

    The token lives `days` days (at most, and by default, HAVEN_TOKEN_DAYS).
    """
    if actor is not None:
        actor.require("manage_users")
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or user.is_device:
        raise NotFound(_("No active user named %(name)s.") % {"name": username})
    if not may_manage(actor, user):
        audit_record(actor=actor, action=AuditAction.TOKEN_CREATE, target_type="user",
                     target_ids=[user.pk], outcome=Outcome.DENIED)
        raise PermissionDenied(_("You may not manage a user with this role."))
    longest = settings.TOKEN_DAYS or 90
    days = longest if days is None else days
    if not 1 <= days <= longest:
        raise ValidationFailed.single("days", _("must be a whole number from 1 to %(n)d")
                                      % {"n": longest})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        ApiToken.objects.create(user=user, label=label[:100], digest=secret_digest(token),
                                prefix=token[:PREFIX_LENGTH], created_at=now,
                                expires_at=now + dt.timedelta(days=days))
        audit_record(actor=actor, action=AuditAction.TOKEN_CREATE, target_type="user",
                     target_ids=[user.pk], channel=cli_channel(actor))
    return token


def token_authenticate(token: str) -> User | None:
    """Return the active user holding this unexpired, unrevoked token, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    now = clock.now()
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=secret_digest(token), revoked_at__isnull=True, expires_at__gt=now,
                user__is_active=True)
        .first()
    )
    if found is None or found.user.is_device:
        return None
    # Recording every use would make each API call a write; a minute's precision will do.
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def _token_by_ref(ref: str) -> ApiToken | None:
    """Return the token with this id or prefix (`hvn_…`, as `haven token list` shows it)."""
    ref = ref.strip().rstrip("…")
    number = parse_id(ref)
    if number is not None:
        return ApiToken.objects.select_related("user").filter(pk=number).first()
    if ref.startswith(TOKEN_PREFIX) and len(ref) >= 8:
        found = list(ApiToken.objects.select_related("user")
                     .filter(prefix__startswith=ref[:PREFIX_LENGTH])[:2])
        if len(found) == 2:
            raise ValidationFailed.single("token", _("more than one token starts with this; "
                                                     "give its number instead"))
        return found[0] if found else None
    return None


def _may_revoke(actor: Actor | None, token: ApiToken) -> bool:
    if actor is None or token.user_id == actor.user.pk:
        return True
    return actor.policy.manage_users and may_manage(actor, token.user)


def token_revoke(*, actor: Actor | None, ref: str) -> ApiToken:
    """Revoke one token, by its number or prefix: its holder's own, or a managed user's.

    A token the actor may not revoke is answered as one that does not exist.
    """
    token = _token_by_ref(ref)
    if token is None or not _may_revoke(actor, token):
        if actor is not None:
            audit_record(actor=actor, action=AuditAction.TOKEN_REVOKE, target_type="token",
                         target_ids=[ref[:64]], outcome=Outcome.DENIED)
        raise NotFound(_("No such token."))
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=AuditAction.TOKEN_REVOKE, target_type="token",
                     target_ids=[token.pk], channel=cli_channel(actor))
    return token


def tokens_revoke_all(user: User) -> int:
    """Revoke every live token of `user`; the caller audits, in its transaction."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=clock.now())
