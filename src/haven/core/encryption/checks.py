"""System checks of the field key (ids haven.E002-E005).

`haven check --deploy` (production) refuses the key file under var/ (it sits beside the
database and travels with every copy of that folder) and a weak key; every check refuses
a key that cannot be read, because nothing encrypted could then be written or read.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from haven.config.environment import env_str
from haven.core.encryption.keys import (
    FieldKeyError,
    _key_texts,
    key_file_path,
    key_parse,
    key_weakness,
)


@register(Tags.security)
def check_field_key_readable(app_configs: Any, **kwargs: Any) -> list[Error]:
    configured = env_str("HAVEN_FIELD_KEY")
    problems: list[Error] = []
    if configured:
        for number, text in enumerate(_key_texts(configured), start=1):
            try:
                key_parse(text)
            except FieldKeyError as exc:
                problems.append(Error(
                    f"HAVEN_FIELD_KEY's key {number} cannot be used: {exc}.",
                    hint="Generate a key with `haven keys generate`.", id="haven.E004"))
        return problems
    path = key_file_path()
    if path.exists() and path.stat().st_mode & 0o077:
        problems.append(Error(
            f"The field key file {path} can be read by other users of this machine.",
            hint=f"chmod 600 {path}", id="haven.E005"))
    return problems


@register(Tags.security, deploy=True)
def check_field_key_for_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    configured = env_str("HAVEN_FIELD_KEY")
    if not configured:
        return [Error(
            "HAVEN_FIELD_KEY is not set; the key file under var/ is for a laptop.",
            hint="Generate a key with `haven keys generate` and set HAVEN_FIELD_KEY from "
                 "your secret store (docs/security.md).", id="haven.E002")]
    problems: list[Error] = []
    for number, text in enumerate(_key_texts(configured), start=1):
        try:
            weakness = key_weakness(text)
        except FieldKeyError:
            continue  # haven.E004 reports it
        if weakness:
            problems.append(Error(
                f"HAVEN_FIELD_KEY's key {number} is weak: {weakness}.",
                hint="Generate a key with `haven keys generate`.", id="haven.E003"))
    return problems


def field_key_problems(*, production: bool) -> list[Error]:
    """Return the field-key errors `haven serve` refuses to start with (production: HTTPS on)."""
    problems = check_field_key_readable(None)
    if production:
        problems += check_field_key_for_production(None)
    return problems
