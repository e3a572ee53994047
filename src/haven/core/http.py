"""Helpers for the JSON API's edge that every router shares."""

from __future__ import annotations

from django.http import HttpRequest
from pydantic import BaseModel

from haven.core.errors import ValidationFailed


def reject_unknown_params(request: HttpRequest, schema: type[BaseModel]) -> None:
    """Refuse query parameters the endpoint does not know (a typo would silently widen a list)."""
    unknown = sorted(set(request.GET) - set(schema.model_fields))
    if unknown:
        raise ValidationFailed({name: ["is not a known parameter"] for name in unknown})
