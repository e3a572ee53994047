"""Two-factor authentication: an authenticator app (TOTP) and single-use recovery codes.

Built on django-otp: a `TOTPDevice` per user (its secret shown once, as a QR code, at
enrolment) and a `StaticDevice` holding ten recovery codes. Administrators, coordinators
and auditors must use it (`roles.TWO_FACTOR_ROLES`): their first login leads to the
enrolment page, every later one to the code page. Anyone else may enrol, and is then
asked for a code too. django-otp throttles wrong codes per device (each failure doubles
the wait). API tokens are not asked for a code: they are issued from a verified session
or by the server's operator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.accounts.roles import TWO_FACTOR_ROLES
from haven.accounts.services.tokens import cli_channel, may_manage
from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed

if TYPE_CHECKING:
    from django_otp.models import Device

    from haven.accounts.access import Actor

AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"
RECOVERY_CODES = 10


def otp_enrolled(user: User) -> bool:
    """Return whether the user has a confirmed authenticator."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_required(user: User) -> bool:
    """Return whether the user must give a second factor to use the pages."""
    return user.role in TWO_FACTOR_ROLES or otp_enrolled(user)


def otp_pending_device(user: User) -> TOTPDevice:
    """Return the user's authenticator waiting for its first code (made on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
    return device


def _recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def otp_enrol(*, actor: Actor, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with its first code; return it and recovery codes.

    The codes are shown once; earlier recovery codes stop working.
    """
    user = actor.user
    device = otp_pending_device(user)
    if not device.verify_token((token or "").strip().replace(" ", "")):
        audit_record(actor=actor, action=AuditAction.OTP_VERIFY_FAILED, target_type="user",
                     target_ids=[user.pk], outcome=Outcome.DENIED)
        raise ValidationFailed.single("token", _("this code is not right; wait for the next "
                                                 "one and try again"))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes(user)
        audit_record(actor=actor, action=AuditAction.OTP_ENROL, target_type="user",
                     target_ids=[user.pk])
    return device, codes


def otp_check(*, actor: Actor, token: str) -> Device:
    """Return the device that accepts `token` (an authenticator or a recovery code).

    A recovery code works once. Raise ValidationFailed naming `token` otherwise.
    """
    # Digits from the app, or a recovery code (lower case; spaces read out are dropped).
    device = match_token(actor.user, "".join((token or "").split()).lower())
    if device is None or not device.confirmed:
        audit_record(actor=actor, action=AuditAction.OTP_VERIFY_FAILED, target_type="user",
                     target_ids=[actor.user.pk], outcome=Outcome.DENIED)
        raise ValidationFailed.single("token", _("this code is not right"))
    return device


def otp_recovery_renew(*, actor: Actor) -> list[str]:
    """Replace the actor's recovery codes with ten new ones (the old stop working)."""
    if not otp_enrolled(actor.user):
        raise ValidationFailed.single("token", _("set up an authenticator first"))
    with transaction.atomic():
        codes = _recovery_codes(actor.user)
        audit_record(actor=actor, action=AuditAction.OTP_ENROL, target_type="user",
                     target_ids=[actor.user.pk])
    return codes


def otp_reset(*, actor: Actor | None, username: str) -> None:
    """Remove a user's authenticator and recovery codes (a lost phone) and end their sessions.

    They enrol again at their next login. Managers may do this for the users they manage;
    nobody for themselves (another administrator, or the server's operator, must).
    """
    from haven.accounts.services.users import user_sign_out  # noqa: PLC0415 - cycle

    if actor is not None:
        actor.require("manage_users")
    user = User.objects.filter(username=username).first()
    if user is None or user.is_device:
        raise NotFound(_("No user named %(name)s.") % {"name": username})
    if actor is not None and (actor.user.pk == user.pk or not may_manage(actor, user)):
        audit_record(actor=actor, action=AuditAction.OTP_RESET, target_type="user",
                     target_ids=[user.pk], outcome=Outcome.DENIED)
        raise PermissionDenied(_("You may not reset this user's two-factor authentication."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, action=AuditAction.OTP_RESET, target_type="user",
                     target_ids=[user.pk], channel=cli_channel(actor))
    user_sign_out(actor=actor, username=username)
