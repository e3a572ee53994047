"""Read a user's own notifications: the list, and the count the menu shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from haven.notifications.models import Notification

if TYPE_CHECKING:
    from haven.accounts.models import User

LIST_LIMIT = 200


def notification_list(*, user: User, open_only: bool = False) -> QuerySet[Notification]:
    """Return the user's notifications, newest first (only unacknowledged with open_only)."""
    found = Notification.objects.filter(user=user)
    if open_only:
        found = found.filter(acknowledged_at__isnull=True)
    return found.order_by("-created_at", "-id")


def unacknowledged_count(*, user: User) -> int:
    """Return how many of the user's notifications wait for acknowledgement."""
    return Notification.objects.filter(user=user, acknowledged_at__isnull=True).count()
