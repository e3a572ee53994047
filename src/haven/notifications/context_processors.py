"""The count of unacknowledged notifications beside the menu, on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from haven.notifications.selectors import unacknowledged_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_count": unacknowledged_count(user=user)}
