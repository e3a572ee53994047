"""EncryptedTextField: free text stored encrypted, read back in clear by the model."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Field, Lookup
from django.db.models.lookups import IsNull

from haven.core.encryption.cipher import decrypt, encrypt


class EncryptedTextField(models.TextField):
    """A TextField whose values are stored encrypted with the field key in force.

    An empty text is stored empty (it says only "nothing was written"). The value is bound
    to its table and column: renaming either needs the values re-encrypted under the new
    name. The database cannot compare encrypted values, so the only lookup is `isnull`;
    filter on coded fields kept in clear instead.
    """

    description = "Text encrypted at rest (AES-256-GCM)"

    def encryption_context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value, context=self.encryption_context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value, context=self.encryption_context())

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        # "exact" and "contains" would compare ciphertexts, which never match: refuse them
        # loudly (FieldError) rather than answer "none".
        return IsNull if lookup_name == "isnull" else None


def encrypted_fields() -> list[tuple[type[models.Model], Field[Any, Any]]]:
    """Return every (model, field) stored encrypted, across all installed apps."""
    return [(model, field) for model in apps.get_models()
            for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
