"""Where notifications go besides the in-app list: a deployment plugs email or SMS in here.

`HAVEN_NOTIFICATION_BACKEND` names a class with a `deliver(notification)` method (the
in-app list needs none: it is the default, `InAppOnly`). A backend sends the message
text (codes, never names) and the link; it runs after the commit, and a failure is
logged and leaves the notification in the in-app list, undelivered.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from haven.notifications.models import Notification


class DeliveryBackend(Protocol):
    # False for a backend that sends nothing: notify() then skips the delivery step (a
    # read of the notification after commit), which every alert of a busy hub paid.
    sends: bool

    def deliver(self, notification: Notification) -> bool:
        """Send the notification out of Haven; return whether it was sent."""
        ...


class InAppOnly:
    """The default: the in-app list and the count in the menu are the delivery."""

    sends = False

    def deliver(self, notification: Notification) -> bool:
        return False


class Outbox:
    """A test double: keeps what it was asked to send, in `Outbox.sent` (class-wide)."""

    sent: list[tuple[str, str, str]] = []  # (username, message text, link)
    sends = True

    def deliver(self, notification: Notification) -> bool:
        Outbox.sent.append((notification.user.get_username(), notification.text,
                            notification.link))
        return True


@functools.cache
def _backend(path: str) -> DeliveryBackend:
    backend: DeliveryBackend = import_string(path)()
    return backend


def delivery_backend() -> DeliveryBackend:
    """Return the configured backend (read at call time, so tests may override it)."""
    return _backend(getattr(settings, "NOTIFICATION_BACKEND",
                            "haven.notifications.backends.InAppOnly"))
