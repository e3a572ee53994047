"""A notification: one user told one thing, until they acknowledge it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    # What happened, for programs ("tracing.match", "notifications.escalation"...).
    kind = models.CharField(max_length=40)
    # The message as an English msgid with its parameters: shown in the reader's language
    # (translated when shown), and never a name or other personal detail, since a
    # deployment's email or SMS backend sends it out of Haven (codes only).
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict)
    link = models.CharField(max_length=200, blank=True)  # a page path inside Haven
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", db_index=False)
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Set once when the coordinators were told nobody acknowledged it in time.
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The notification this one escalates, if it is an escalation.
    escalates = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="escalations")
    delivered_at = models.DateTimeField(null=True, blank=True)  # by the deployment's backend

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "acknowledged_at"]),
            # The escalation sweep: unacknowledged and not yet escalated, oldest first.
            models.Index(fields=["created_at"], name="notifications_open",
                         condition=models.Q(acknowledged_at__isnull=True,
                                            escalated_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"

    @property
    def text(self) -> str:
        """Return the message in the active language."""
        from django.utils.translation import gettext  # noqa: PLC0415

        try:
            return gettext(self.message) % self.params if self.params else gettext(self.message)
        except (KeyError, TypeError, ValueError):
            return self.message
