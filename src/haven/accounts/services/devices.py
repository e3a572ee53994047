"""Device credentials for ODK Collect: fetch forms and submit for one site, nothing else.

As ODK Central's App Users, a device signs in with a secret in its server address
(`/openrosa/key/hvd_…/<site>`) or, over HTTPS, with its own user name and the secret as
password (HTTP Basic at `/openrosa/<site>`). Behind each credential stands a user of
role `device` whose only site is the credential's, without a password: it cannot log in
to the pages, `/api/v1` refuses it (its secret is not an API token), and the OpenRosa
addresses accept it only for its site. Revoking the credential deactivates that user,
so the phone is cut off at its next request.

Device credentials do not expire: a phone in a registration tent must not stop on day
91 of a crisis. They are revoked when a phone is lost, or replaced.
"""

from __future__ import annotations

import base64
import json
import secrets
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from haven.accounts.models import DeviceCredential, User
from haven.accounts.roles import Role
from haven.accounts.services.tokens import secret_digest
from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, ValidationFailed
from haven.registry.models import Site

if TYPE_CHECKING:
    from haven.accounts.access import Actor

DEVICE_SECRET_PREFIX = "hvd_"  # noqa: S105 - the public prefix of every device secret
MAX_LABEL = 100
_NAME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class IssuedDevice:
    """A new device credential and its secret, which is shown this once."""

    credential: DeviceCredential
    secret: str

    @property
    def username(self) -> str:
        return self.credential.user.get_username()


def _device_site(actor: Actor | None, slug: str) -> Site:
    site = Site.objects.filter(slug=slug).first()
    if site is None or (actor is not None and not actor.may_see_site(site.id)):
        raise NotFound(_("No such site."))
    return site


def device_create(*, actor: Actor | None, site: str, label: str) -> IssuedDevice:
    """Issue credentials for one ODK Collect device at `site`; return them with the secret."""
    if actor is not None:
        actor.require("manage_devices")
    found = _device_site(actor, site)
    label = " ".join((label or "").split())
    if not label or len(label) > MAX_LABEL:
        raise ValidationFailed.single("label", _("name the device (at most %(n)d characters), "
                                                 "e.g. “tablet 3, triage tent”") % {"n": MAX_LABEL})
    if not found.is_active:
        raise ValidationFailed.single("site", _("this site is closed; reopen it first"))
    secret = DEVICE_SECRET_PREFIX + secrets.token_urlsafe(32)
    for _attempt in range(5):  # a name clash is rare; another draw settles it
        username = f"device-{found.slug}-" + "".join(
            secrets.choice(_NAME_ALPHABET) for _ in range(5))
        try:
            with transaction.atomic():
                user = User(username=username, role=Role.DEVICE)
                user.set_unusable_password()
                user.save()
                user.sites.set([found])
                credential = DeviceCredential.objects.create(
                    user=user, site=found, label=label, digest=secret_digest(secret),
                    created_by=actor.user if actor else None, created_at=clock.now())
                audit_record(actor=actor, action=AuditAction.DEVICE_CREATE,
                             target_type="device", target_ids=[user.pk], site=found.slug,
                             channel="cli" if actor is None else "")
        except IntegrityError:
            continue
        return IssuedDevice(credential=credential, secret=secret)
    raise RuntimeError("could not draw a free device name")  # pragma: no cover


def device_revoke(*, actor: Actor | None, device: int) -> DeviceCredential:
    """Revoke a device's credentials (a lost phone): its next request is refused."""
    if actor is not None:
        actor.require("manage_devices")
    credential = (DeviceCredential.objects.select_related("user", "site")
                  .filter(pk=device).first())
    if credential is None or (actor is not None and not actor.may_see_site(credential.site_id)):
        if actor is not None:
            audit_record(actor=actor, action=AuditAction.DEVICE_REVOKE, target_type="device",
                         target_ids=[device], outcome=Outcome.DENIED)
        raise NotFound(_("No such device."))
    with transaction.atomic():
        if credential.revoked_at is None:
            credential.revoked_at = clock.now()
            credential.revoked_by = actor.user if actor else None
            credential.save(update_fields=["revoked_at", "revoked_by"])
            User.objects.filter(pk=credential.user_id).update(is_active=False)
        audit_record(actor=actor, action=AuditAction.DEVICE_REVOKE, target_type="device",
                     target_ids=[credential.user_id], site=credential.site.slug,
                     channel="cli" if actor is None else "")
    return credential


def _live(digest: str) -> DeviceCredential | None:
    return (DeviceCredential.objects.select_related("user")
            .filter(digest=digest, revoked_at__isnull=True, user__is_active=True,
                    user__role=Role.DEVICE).first())


def _used(credential: DeviceCredential) -> User:
    now = clock.now()
    if credential.last_used_at is None or (now - credential.last_used_at).total_seconds() > 60:
        DeviceCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return credential.user


def device_authenticate(secret: str) -> User | None:
    """Return the device user of a live credential with this secret, or None."""
    if not secret.startswith(DEVICE_SECRET_PREFIX) or len(secret) > 100:
        return None
    credential = _live(secret_digest(secret))
    return _used(credential) if credential is not None else None


def device_authenticate_basic(username: str, password: str) -> User | None:
    """Return the device user if `username` is a live device's and `password` its secret."""
    if not username.startswith("device-") or not password.startswith(DEVICE_SECRET_PREFIX):
        return None
    credential = _live(secret_digest(password[:100]))
    if credential is None or not constant_time_compare(credential.user.get_username(),
                                                       username):
        return None
    return _used(credential)


def collect_settings(*, server_url: str, username: str, password: str,
                     project: str) -> dict[str, Any]:
    """Return ODK Collect's settings for a device: its server, sign-in and project name.

    `form_update_mode: match_exactly` keeps the phone's forms those the server lists, and
    `autosend` sends each finished form as soon as there is any connection.
    """
    return {
        "general": {"server_url": server_url, "username": username, "password": password,
                    "form_update_mode": "match_exactly", "autosend": "wifi_and_cellular"},
        "admin": {},
        "project": {"name": project},
    }


def collect_settings_code(settings: dict[str, Any]) -> str:
    """Return the text of ODK Collect's settings QR code: base64 of zlib of the JSON."""
    raw = json.dumps(settings, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(raw)).decode("ascii")
