"""Who is sending: a device user, by HTTP Basic or by a token in the server address.

ODK Collect asks for a username and password when a server answers 401 with
`WWW-Authenticate: Basic`, and sends them with each request after; it sends Basic only
over HTTPS. Where there is no HTTPS (a laptop on a closed network at a border post), the
device's server address carries a secret instead, as ODK Central's app users do:
`https://haven.example/openrosa/key/hvd_…/goris`. That secret is a device credential
(the devices page, `haven.accounts.services.devices`), good for the OpenRosa addresses
of its one site only, never an API token; revoking it cuts the device off. It travels
in every URL the device asks for, so Haven's log filter masks it (`core.redaction`).
A device's own user name and secret also work as Basic credentials.

Passwords are checked through Django's `authenticate()`, so django-axes locks out
guessing as it does on the login page. A correct password is then remembered for a few
minutes, in this process only, as an HMAC of the user, their stored hash and the
password: Argon2 costs tens of milliseconds by design, and a device sends its password
with every submission. Changing the password or deactivating the user ends it at once.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from haven.accounts.access import Actor, client_address
from haven.accounts.lockout import address_locked
from haven.accounts.models import User
from haven.accounts.services import device_authenticate, device_authenticate_basic
from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.registry.models import Site
from haven.registry.selectors import site_by_slug

CHANNEL = "odk"
REMEMBER_SECONDS = 300.0
REMEMBER_MAX = 2048

_remembered: dict[str, float] = {}  # HMAC -> monotonic time it expires
_remembered_lock = threading.Lock()


@dataclass(frozen=True)
class Refusal:
    """Why a device's request is refused, in words Collect shows to the clerk."""

    status: int
    message: str
    challenge: bool = False  # ask for a username and password (401)


def _remember_key(user: User, password: str) -> str:
    value = f"{user.pk}\0{user.password}\0{password}"
    return salted_hmac("haven.openrosa.basic", value, algorithm="sha256").hexdigest()


def _remembered_now(user: User, password: str) -> bool:
    key = _remember_key(user, password)
    with _remembered_lock:
        expires = _remembered.get(key)
        if expires is not None and expires < time.monotonic():
            del _remembered[key]
            return False
        return expires is not None


def _remember(user: User, password: str) -> None:
    now = time.monotonic()
    with _remembered_lock:
        if len(_remembered) >= REMEMBER_MAX:
            for key in [k for k, expires in _remembered.items() if expires < now] \
                    or list(_remembered)[:REMEMBER_MAX // 2]:
                del _remembered[key]
        _remembered[_remember_key(user, password)] = now + REMEMBER_SECONDS


def _credentials(request: HttpRequest) -> tuple[str, str] | None:
    scheme, _space, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon and username else None


def _basic(request: HttpRequest) -> Actor | Refusal:
    credentials = _credentials(request)
    if credentials is None:
        return Refusal(401, _("Sign in with your Haven username and password."), challenge=True)
    username, password = credentials
    device = device_authenticate_basic(username, password)
    if device is not None:
        return Actor(user=device, channel=CHANNEL, client_address=client_address(request))
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not _remembered_now(user, password):
        authenticated = authenticate(request, username=username, password=password)
        if not isinstance(authenticated, User):
            return _failed(request, username)
        user = authenticated
        _remember(user, password)
    if user.must_change_password:
        return Refusal(403, _("Your password is a temporary one: log in to Haven's web pages "
                              "and change it first."))
    return Actor(user=user, channel=CHANNEL, client_address=client_address(request))


def _failed(request: HttpRequest, username: str) -> Refusal:
    locked = bool(getattr(request, "axes_locked_out", False))
    # Answered here in OpenRosa's words, not with the web login page axes would render.
    setattr(request, "axes_locked_out", False)  # noqa: B010 - set by axes, not declared
    by_address = locked and address_locked(request)  # spraying over many user names
    audit_record(actor=None, outcome=Outcome.DENIED,
                 action=AuditAction.LOGIN_ADDRESS_LOCKED if by_address
                 else AuditAction.LOGIN_FAILED,
                 username=username[:150], client_address=client_address(request),
                 channel=CHANNEL)
    if locked:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return Refusal(429, _("Too many failed sign-ins: try again in %(minutes)d minutes.")
                       % {"minutes": minutes})
    return Refusal(401, _("Wrong username or password."), challenge=True)


def device_actor(request: HttpRequest, token: str | None) -> Actor | Refusal:
    """Return who sends the request: the device of the key in the address, else Basic's."""
    if token is None:
        return _basic(request)
    user = device_authenticate(token)
    if user is None:
        audit_record(actor=None, action=AuditAction.LOGIN_FAILED, outcome=Outcome.DENIED,
                     client_address=client_address(request), channel=CHANNEL)
        return Refusal(403, _("The key in this server address is not valid or was revoked; "
                              "ask for a new address."))
    return Actor(user=user, channel=CHANNEL, client_address=client_address(request))


def device_site(actor: Actor, slug: str) -> Site | Refusal:
    """Return the site in the address if the actor registers for it."""
    site = site_by_slug(slug)
    if site is None or not site.is_active:
        return Refusal(404, _("Haven has no site %(site)r; check the server address.")
                       % {"site": slug[:40]})
    if not actor.policy.register:
        return Refusal(403, _("Your role does not allow registering households."))
    if not actor.may_act_for_site(site.id):
        return Refusal(403, _("You do not register for this site; use your own site's "
                              "server address."))
    return site
