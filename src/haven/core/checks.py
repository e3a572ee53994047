"""System checks for a misconfigured deployment (ids haven.E0xx)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
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


@register()
def check_link_thresholds(app_configs: Any, **kwargs: Any) -> list[Error]:
    upper, lower = settings.LINK_AUTO_THRESHOLD, settings.LINK_REVIEW_THRESHOLD
    problems = [
        Error(f"{name} must be a number from 0 to 1 (got {value}).",
              hint="Set it to a probability such as 0.95.", id="haven.E011")
        for name, value in (("HAVEN_LINK_AUTO_THRESHOLD", upper),
                            ("HAVEN_LINK_REVIEW_THRESHOLD", lower))
        if not 0.0 <= value <= 1.0  # NaN fails too
    ]
    if not problems and lower > upper:
        problems.append(Error(
            f"HAVEN_LINK_REVIEW_THRESHOLD ({lower}) is above HAVEN_LINK_AUTO_THRESHOLD "
            f"({upper}): no pair could go to review.",
            hint="The review threshold is the lower band edge; keep it at or below the "
                 "auto threshold.", id="haven.E010"))
    return problems



@register()
def check_token_days(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.TOKEN_DAYS:
        return []
    return [Error(f"HAVEN_TOKEN_DAYS must be a whole number of days from 1 to 3650 "
                  f"(got {env_str('HAVEN_TOKEN_DAYS')!r}).",
                  hint="Leave it unset for 90 days.", id="haven.E030")]


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs: Any, **kwargs: Any) -> list[Error]:
    # "*" answers any Host header: password-reset links, absolute URLs and the ODK form
    # list's download URLs could then point wherever an attacker's request said.
    if "*" not in settings.ALLOWED_HOSTS:
        return []
    return [Error("HAVEN_ALLOWED_HOSTS contains '*': Haven would answer to any host name.",
                  hint="List the deployment's host names, e.g. haven.example.org.",
                  id="haven.E040")]


@register()
def check_address_failure_limit(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.ADDRESS_FAILURE_LIMIT:
        return []
    return [Error(f"HAVEN_ADDRESS_FAILURE_LIMIT must be a whole number from 1 "
                  f"(got {env_str('HAVEN_ADDRESS_FAILURE_LIMIT')!r}).",
                  hint="Leave it unset for 20 failed logins per address in 15 minutes.",
                  id="haven.E031")]
