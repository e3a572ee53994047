from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from haven.accounts.acting import acting_site


def acting(request: HttpRequest) -> dict[str, Any]:
    """Expose the role's policy (menus show only what it may open) and the acting site."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"policy": user.policy, "acting_site": acting_site(request)}
