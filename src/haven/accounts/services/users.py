"""Manage users: create, change role and sites, deactivate, reset passwords, unlock.

Every change is audited in its transaction; a refused attempt is audited as denied.
Who may manage whom is one rule, `haven.accounts.roles.role_may_grant`: a manager acts
only on users whose role they could grant, and grants no role above their own. Nobody
changes their own role or deactivates themselves (an administrator cannot lock the
last administrator out by mistake). `actor=None` is the command line, run by whoever
operates the server, which may do anything.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.roles import PERSON_ROLES, role_may_grant
from haven.accounts.services.tokens import cli_channel, may_manage, tokens_revoke_all
from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.registry.models import Site

if TYPE_CHECKING:
    from haven.accounts.access import Actor

# Temporary passwords: four groups of four from letters and digits that cannot be misread
# (no 0/o, 1/l/i), about 80 bits; read out over a phone or written on a card.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """Return a new random password to hand over, such as `k7mq-9xtp-3hwz-r2fd`."""
    return "-".join("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4))
                    for _ in range(4))


def _username_problem(username: str) -> str | None:
    if not username or len(username) > 150 or not all(ch.isalnum() or ch in "@.+-_"
                                                      for ch in username):
        return _("use letters, digits and @ . + - _ (at most 150)")
    if User.objects.filter(username__iexact=username).exists():
        return _("a user with this name exists")
    return None


def _sites(actor: Actor | None, slugs: Sequence[str], errors: dict[str, list[str]]) -> list[Site]:
    """Return the sites named, each within the actor's reach; note any other in `errors`."""
    found = list(Site.objects.filter(slug__in=list(slugs)))
    known = {s.slug for s in found if actor is None or actor.may_see_site(s.id)}
    missing = sorted(set(slugs) - known)
    if missing:
        errors["sites"] = [_("unknown site %(site)r") % {"site": missing[0]}]
    return [s for s in found if s.slug in known]


def _password_problems(password: str, user: User) -> list[str]:
    try:
        validate_password(password, user)
    except DjangoValidationError as problem:
        return list(problem.messages)
    return []


def _require_grant(actor: Actor | None, role: str, action: AuditAction,
                   target: User | None = None) -> None:
    """Refuse, and audit as denied, a role the actor may not give."""
    if actor is None or role_may_grant(actor.role, role):
        return
    audit_record(actor=actor, action=action, target_type="user",
                 target_ids=[target.pk] if target else [], outcome=Outcome.DENIED)
    raise PermissionDenied(_("You may not grant a role above your own."))


def user_create(
    *, actor: Actor | None, username: str, role: str, sites: Sequence[str],
    password: str | None, must_change_password: bool = False,
) -> User:
    """Create a user with a role, acting for the given site slugs.

    `actor` is None only for the command line, run by whoever operates the server.
    A user without a password cannot log in to the web, only use API tokens. With
    `must_change_password` the password is a temporary one, changed at the first login.
    """
    if actor is not None:
        actor.require("manage_users")
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    problem = _username_problem(username)
    if problem:
        errors["username"] = [problem]
    if role not in PERSON_ROLES:
        errors["role"] = [_("must be one of: %(roles)s") % {"roles": ", ".join(PERSON_ROLES)}]
    else:
        _require_grant(actor, role, AuditAction.USER_CREATE)
    found = _sites(actor, sites, errors)
    if password is not None:
        problems = _password_problems(password, User(username=username))
        if problems:
            errors["password"] = problems
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        user = User(username=username, role=role,
                    must_change_password=must_change_password and password is not None)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        user.sites.set(found)
        audit_record(actor=actor, action=AuditAction.USER_CREATE, target_type="user",
                     target_ids=[user.pk], channel=cli_channel(actor))
    return user


def _managed(actor: Actor | None, username: str, action: AuditAction) -> User:
    """Return the person `username` if the actor may manage them.

    NotFound for no such person (a device's identity included); PermissionDenied, audited,
    for a user above the actor.
    """
    if actor is not None:
        actor.require("manage_users")
    user = User.objects.filter(username=username).first()
    if user is None or user.is_device:
        raise NotFound(_("No user named %(name)s.") % {"name": username})
    if not may_manage(actor, user):
        audit_record(actor=actor, action=action, target_type="user", target_ids=[user.pk],
                     outcome=Outcome.DENIED)
        raise PermissionDenied(_("You may not manage a user with this role."))
    return user


def _not_yourself(actor: Actor | None, user: User, message: str) -> None:
    if actor is not None and actor.user.pk == user.pk:
        raise ValidationFailed.single("username", message)


def user_update(*, actor: Actor | None, username: str, role: str | None = None,
                sites: Sequence[str] | None = None) -> User:
    """Change a user's role or sites (None leaves that as it is)."""
    user = _managed(actor, username, AuditAction.USER_UPDATE)
    errors: dict[str, list[str]] = {}
    if role is not None and role != user.role:
        if role not in PERSON_ROLES:
            errors["role"] = [_("must be one of: %(roles)s")
                              % {"roles": ", ".join(PERSON_ROLES)}]
        else:
            _not_yourself(actor, user, _("you cannot change your own role; ask another "
                                         "administrator"))
            _require_grant(actor, role, AuditAction.USER_UPDATE, user)
    found = _sites(actor, sites, errors) if sites is not None else None
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if role is not None and role != user.role:
            user.role = role
            user.save(update_fields=["role"])
        if found is not None:
            user.sites.set(found)
        audit_record(actor=actor, action=AuditAction.USER_UPDATE, target_type="user",
                     target_ids=[user.pk], channel=cli_channel(actor))
    return user


def _end_sessions(user: User) -> None:
    """End every session of `user` at once: the session hash includes this version."""
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.refresh_from_db(fields=["session_version"])


def user_deactivate(*, actor: Actor | None, username: str) -> User:
    """Deactivate a user: their sessions end and their API tokens are revoked at once.

    Device credentials the user issued keep working: a phone belongs to its site, not to
    whoever set it up. Revoke them on the site's devices page if they must stop too.
    """
    user = _managed(actor, username, AuditAction.USER_DEACTIVATE)
    _not_yourself(actor, user, _("you cannot deactivate yourself; ask another administrator"))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        tokens_revoke_all(user)
        _end_sessions(user)
        audit_record(actor=actor, action=AuditAction.USER_DEACTIVATE, target_type="user",
                     target_ids=[user.pk], channel=cli_channel(actor))
    return user


def user_reactivate(*, actor: Actor | None, username: str) -> User:
    """Let a deactivated user log in again (their old tokens stay revoked)."""
    user = _managed(actor, username, AuditAction.USER_REACTIVATE)
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action=AuditAction.USER_REACTIVATE, target_type="user",
                     target_ids=[user.pk], channel=cli_channel(actor))
    return user


def user_sign_out(*, actor: Actor | None, username: str) -> int:
    """End every session of the user and revoke every API token; return the tokens revoked.

    Anyone may do this to themselves (a lost laptop); managers to the users they manage.
    """
    if actor is not None and actor.user.get_username() == username:
        user = actor.user
    else:
        user = _managed(actor, username, AuditAction.USER_SIGN_OUT)
    with transaction.atomic():
        revoked = tokens_revoke_all(user)
        _end_sessions(user)
        audit_record(actor=actor, action=AuditAction.USER_SIGN_OUT, target_type="user",
                     target_ids=[user.pk], channel=cli_channel(actor))
    return revoked


def user_password_set(*, actor: Actor | None, username: str, password: str | None = None,
                      temporary: bool = True) -> str:
    """Set a user's password (a new random one if None) and return it.

    A temporary password must be changed at the next login. Every session of the user
    ends (the password is part of the session hash); API tokens stay.
    """
    user = _managed(actor, username, AuditAction.USER_PASSWORD_RESET)
    password = temporary_password() if password is None else password
    problems = _password_problems(password, user)
    if problems:
        raise ValidationFailed({"password": problems})
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = temporary
        user.save(update_fields=["password", "must_change_password"])
        audit_record(actor=actor, action=AuditAction.USER_PASSWORD_RESET, target_type="user",
                     target_ids=[user.pk], channel=cli_channel(actor))
    return password


def user_password_change(*, actor: Actor, current: str, new: str) -> User:
    """Change the actor's own password, knowing the current one; ends their other sessions."""
    user = actor.user
    errors: dict[str, list[str]] = {}
    if not user.check_password(current):
        errors["current"] = [_("is not your current password")]
    elif current == new:
        errors["new"] = [_("must differ from the current password")]
    else:
        problems = _password_problems(new, user)
        if problems:
            errors["new"] = problems
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        user.set_password(new)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(actor=actor, action=AuditAction.USER_PASSWORD_CHANGE, target_type="user",
                     target_ids=[user.pk])
    return user


def user_unlock(*, actor: Actor | None, username: str) -> int:
    """Clear the failed logins that lock the user out (django-axes); return how many."""
    user = _managed(actor, username, AuditAction.USER_UNLOCK)
    with transaction.atomic():
        cleared = axes_reset(username=user.get_username())
        audit_record(actor=actor, action=AuditAction.USER_UNLOCK, target_type="user",
                     target_ids=[user.pk], channel=cli_channel(actor))
    return cleared
