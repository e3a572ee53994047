"""Create users and issue API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from haven.accounts.models import ApiToken, User
from haven.accounts.roles import Role
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, ValidationFailed
from haven.registry.models import Site

if TYPE_CHECKING:
    from haven.accounts.access import Actor

TOKEN_PREFIX = "hvn_"  # noqa: S105 - the public prefix of every token, not a secret


def user_create(
    *, actor: Actor | None, username: str, role: str, sites: Sequence[str], password: str | None
) -> User:
    """Create a user with a role, acting for the given site slugs.

    `actor` is None only for the command line, run by whoever operates the server.
    A user without a password cannot log in to the web (device users use tokens).
    """
    if actor is not None:
        actor.require("manage_users")
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username or len(username) > 150 or not all(ch.isalnum() or ch in "@.+-_"
                                                      for ch in username):
        errors["username"] = [_("use letters, digits and @ . + - _ (at most 150)")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("a user with this name exists")]
    if role not in Role.values:
        errors["role"] = [_("must be one of: %(roles)s") % {"roles": ", ".join(Role.values)}]
    found = list(Site.objects.filter(slug__in=list(sites)))
    missing = sorted(set(sites) - {s.slug for s in found})
    if missing:
        errors["sites"] = [_("unknown site %(site)r") % {"site": missing[0]}]
    if password is not None:
        try:
            validate_password(password, User(username=username))
        except DjangoValidationError as problem:
            errors["password"] = list(problem.messages)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        user = User(username=username, role=role)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        user.sites.set(found)
        audit_record(actor=actor, action=AuditAction.USER_CREATE, target_type="user",
                     target_ids=[user.pk], channel="cli" if actor is None else "")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, actor: Actor | None, username: str, label: str = "") -> str:
    """Issue a bearer token for the user and return it; only its digest is kept."""
    if actor is not None:
        actor.require("manage_users")
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(_("No active user named %(name)s.") % {"name": username})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(user=user, label=label[:100], digest=_digest(token),
                                prefix=token[:12], created_at=clock.now())
        audit_record(actor=actor, action=AuditAction.TOKEN_CREATE, target_type="user",
                     target_ids=[user.pk], channel="cli" if actor is None else "")
    return token


def token_authenticate(token: str) -> User | None:
    """Return the active user holding this token, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = clock.now()
    # Recording every use would make each API call a write; a minute's precision will do.
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user
