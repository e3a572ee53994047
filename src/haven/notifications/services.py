"""Notify users, acknowledge, and escalate what nobody acknowledged in time.

    notify(user=..., kind=..., message=..., params=..., link=..., site=...)
    notify_all([Notice(user=..., kind=..., ...), ...])  several in one insert
    notify_site_role(site_id=..., role=..., ...)   every active user of a role there
    notification_acknowledge(actor=..., notification=...)
    notifications_escalate(now=None)               the sweep (`haven notifications escalate`)

Messages are msgids marked with gettext_noop and shown translated; they carry codes,
never names (a deployment's backend sends them by email or SMS).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.core import clock
from haven.core.errors import NotFound
from haven.notifications.backends import delivery_backend
from haven.notifications.models import Notification

if TYPE_CHECKING:
    from haven.accounts.access import Actor

logger = logging.getLogger(__name__)
DEFAULT_ESCALATE_AFTER_MINUTES = 120


def escalate_after() -> dt.timedelta:
    """Return how long a notification may wait unacknowledged before a coordinator is told."""
    minutes = getattr(settings, "NOTIFICATION_ESCALATE_MINUTES",
                      DEFAULT_ESCALATE_AFTER_MINUTES)
    return dt.timedelta(minutes=float(minutes))


def notify(*, user: User, kind: str, message: str, params: dict[str, Any] | None = None,
           link: str = "", site_id: int | None = None,
           escalates: Notification | None = None) -> Notification:
    """Tell one user something: the in-app list now, the deployment's backend after commit."""
    notification = _unsaved(Notice(user_id=user.pk, kind=kind, message=message,
                                   params=params or {}, link=link, site_id=site_id),
                            clock.now(), escalates=escalates)
    notification.save()
    _deliver_after_commit([notification])
    return notification


@dataclass(frozen=True)
class Notice:
    """One notification to send with notify_all: notify()'s arguments (the user by id)."""

    user_id: int
    kind: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    site_id: int | None = None


def notify_all(notices: list[Notice]) -> list[Notification]:
    """Tell several users at once: one insert for all (a hub's burst of tracing alerts)."""
    now = clock.now()
    created = Notification.objects.bulk_create([_unsaved(n, now) for n in notices])
    _deliver_after_commit(created)
    return created


def _unsaved(notice: Notice, now: dt.datetime, *,
             escalates: Notification | None = None) -> Notification:
    """Build the notification, its texts cut to their columns."""
    return Notification(user_id=notice.user_id, kind=notice.kind[:40],
                        message=notice.message[:300], params=notice.params,
                        link=notice.link[:200], site_id=notice.site_id, created_at=now,
                        escalates=escalates)


def _deliver_after_commit(notifications: list[Notification]) -> None:
    """Hand each to the deployment's backend once the transaction commits; nothing to do
    for a backend that sends nothing (the in-app default)."""
    if not getattr(delivery_backend(), "sends", True):  # a deployment's backend may predate it
        return
    for pk in [n.pk for n in notifications]:
        transaction.on_commit(lambda pk=pk: _deliver(pk))  # type: ignore[misc]


def _deliver(pk: int) -> None:
    notification = Notification.objects.select_related("user").get(pk=pk)
    try:
        sent = delivery_backend().deliver(notification)
    except Exception:  # a mail server down must not lose the in-app notification
        logger.exception("notification %s was not delivered", pk)
        return
    if sent:
        Notification.objects.filter(pk=pk).update(delivered_at=clock.now())


def users_for_site(*, site_id: int | None, role: str) -> list[User]:
    """Return the active users of `role` who act for the site (or for every site)."""
    users = (User.objects.filter(role=role, is_active=True).prefetch_related("sites")
             .order_by("username"))
    return [u for u in users if site_id is None or u.policy.all_sites
            or any(s.pk == site_id for s in u.sites.all())]


def notify_site_role(*, site_id: int | None, role: str, kind: str, message: str,
                     params: dict[str, Any] | None = None, link: str = "") -> list[Notification]:
    """Tell every active user of `role` at the site (the site's tracing officers, say)."""
    return [notify(user=user, kind=kind, message=message, params=params, link=link,
                   site_id=site_id) for user in users_for_site(site_id=site_id, role=role)]


def notification_acknowledge(*, actor: Actor, notification: int) -> Notification:
    """Mark one of the actor's own notifications as read and dealt with."""
    found = Notification.objects.filter(pk=notification, user=actor.user).first()
    if found is None:
        raise NotFound(_("No such notification."))
    if found.acknowledged_at is None:
        found.acknowledged_at = clock.now()
        found.save(update_fields=["acknowledged_at"])
    return found


def notifications_acknowledge(*, actor: Actor, notifications: list[int]) -> list[Notification]:
    """Acknowledge those of the ids that are the actor's own; return them."""
    mine = list(Notification.objects.filter(pk__in=notifications, user=actor.user))
    now = clock.now()
    for found in mine:
        if found.acknowledged_at is None:
            found.acknowledged_at = now
            found.save(update_fields=["acknowledged_at"])
    return mine


ESCALATION = gettext_noop("Not acknowledged in time: %(message)s (for %(user)s)")


def notifications_escalate(*, now: dt.datetime | None = None) -> int:
    """Tell the coordinators of every notification unacknowledged for too long; return how many.

    Each is escalated once (`escalated_at`); escalations themselves do not escalate.
    Run by `haven notifications escalate` (a timer every few minutes).
    """
    now = now or clock.now()
    due = Notification.objects.select_related("user").filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True, escalates__isnull=True,
        created_at__lte=now - escalate_after()).order_by("created_at")
    count = 0
    with transaction.atomic():
        for waiting in due:
            coordinators = [u for u in users_for_site(site_id=waiting.site_id,
                                                      role=Role.COORDINATOR)
                            if u.pk != waiting.user_id]
            for coordinator in coordinators:
                notify(user=coordinator, kind="notifications.escalation", message=ESCALATION,
                       params={"message": waiting.text, "user": waiting.user.get_username()},
                       link=waiting.link, site_id=waiting.site_id, escalates=waiting)
            waiting.escalated_at = now
            waiting.save(update_fields=["escalated_at"])
            count += 1
    return count
