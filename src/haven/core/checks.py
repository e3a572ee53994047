"""System checks for a misconfigured deployment (ids haven.E0xx)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from haven.config.environment import env_str


@register(Tags.security, deploy=True)
def check_secret_key_configured(app_configs: Any, **kwargs: Any) -> list[Error]:
    # A key generated into var/ travels with every copy of that folder (backups,
    # laptops handed over); a deployment keeps its key in its secret store instead.
    if env_str("HAVEN_SECRET_KEY"):
        return []
    return [
        Error(
            "HAVEN_SECRET_KEY is not set; the key generated under var/ is for local use.",
            hint="Set HAVEN_SECRET_KEY from your secret store (50+ random characters).",
            id="haven.E001",
        )
    ]
