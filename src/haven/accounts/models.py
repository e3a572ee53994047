"""Users, the sites they act for, API tokens, and ODK device credentials."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from haven.accounts.roles import Policy, Role, policy_for


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    sites = models.ManyToManyField("registry.Site", blank=True, related_name="users")
    # Set when an administrator resets the password: the next page is the change form.
    must_change_password = models.BooleanField(default=False)
    # Raised to end every session of the user at once (it is part of the session hash).
    session_version = models.PositiveIntegerField(default=0)

    @property
    def policy(self) -> Policy:
        return policy_for(self.role)

    @property
    def is_device(self) -> bool:
        """Return whether this is the identity of an ODK device, not of a person."""
        return self.role == Role.DEVICE

    def _session_value(self) -> str:
        # Version 0 hashes as Django does, so sessions opened before this field survive.
        if not self.session_version:
            return self.password
        return f"{self.password}\0{self.session_version}"

    def get_session_auth_hash(self) -> str:
        """Return an HMAC of the password and the session version; either change ends sessions."""
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Any:
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    def _session_hash(self, secret: str | bytes | None = None) -> str:
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(key_salt, self._session_value(), secret=secret,
                           algorithm="sha256").hexdigest()


class ApiToken(models.Model):
    """A bearer token for a script or an integration. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    label = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)  # shown in lists to tell tokens apart
    created_at = models.DateTimeField()
    # Fixed when the token is issued (HAVEN_TOKEN_DAYS then), so a later change of the
    # setting neither revives nor cuts off tokens already handed out.
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


class DeviceCredential(models.Model):
    """What one ODK Collect device signs in with: it fetches forms and submits for one site.

    The device acts as a user of its own (role `device`, the site as its only site, no
    password), so every registration and audit row names the phone it came from. Only
    the secret's SHA-256 digest is stored; the secret is shown once, in the QR code.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="device")
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.user_id})"
