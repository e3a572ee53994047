from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def acting(request: HttpRequest) -> dict[str, Any]:
    """Expose the user's policy to templates so menus show only what the role may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"policy": user.policy}
