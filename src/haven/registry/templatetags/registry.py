"""Show coded values (sex, relationship, vulnerability…) in the reader's language."""

from __future__ import annotations

from django import template

from haven.registry import vocabulary

register = template.Library()

_VOCABULARIES = {
    "sex": vocabulary.Sex, "relationship": vocabulary.Relationship,
    "document_type": vocabulary.DocumentType, "vulnerability": vocabulary.Vulnerability,
    "status": vocabulary.PersonStatus, "channel": vocabulary.Channel,
    "site_kind": vocabulary.SiteKind, "precision": vocabulary.BirthDatePrecision,
}


@register.filter
def label(value: str, kind: str) -> str:
    """Return the translated label of a coded value, or the value itself if unknown."""
    choices = _VOCABULARIES.get(kind)
    if choices is None or value not in choices.values:
        return value
    return str(choices(value).label)
