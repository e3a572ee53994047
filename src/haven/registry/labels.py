"""Names people read instead of codes: roles, provinces, sites, audit actions, vocabulary.

One place turns a stored code (`registrar`, `goris`, `Syunik`, `person_merge`) into what
the reader's language calls it; templates reach it through `{% load labels %}`
(registry/templatetags/labels.py), Python through these functions. An unknown code is
shown as it is, never hidden.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from haven.accounts.roles import Role
from haven.audit.models import AuditAction
from haven.registry import vocabulary
from haven.registry.provinces import ARMENIA, province_iso_code

_LANGUAGE_INDEX = {"en": 0, "hy": 1, "ru": 2}
VOCABULARIES = {
    "sex": vocabulary.Sex, "relationship": vocabulary.Relationship,
    "document_type": vocabulary.DocumentType, "vulnerability": vocabulary.Vulnerability,
    "status": vocabulary.PersonStatus, "channel": vocabulary.Channel,
    "site_kind": vocabulary.SiteKind, "precision": vocabulary.BirthDatePrecision,
}


def role_label(code: str) -> str:
    """Return a role's name in the reader's language (`registrar` → Registrar / Регистратор)."""
    return str(Role(code).label) if code in Role.values else code


# Channels an actor works through that are not a registration channel.
_ACTOR_CHANNELS = {"cli": _("Command line"), "device": _("ODK device")}


def channel_label(code: str) -> str:
    """Return the channel an action came through (web → Web form, cli → Command line)."""
    extra = _ACTOR_CHANNELS.get(code)
    return str(extra) if extra is not None else vocabulary_label(code, "channel")


def audit_action_label(code: str) -> str:
    return str(AuditAction(code).label) if code in AuditAction.values else code


def province_label(name: str) -> str:
    """Return an Armenian province in the reader's language (Syunik → Սյունիք → Сюник)."""
    code = province_iso_code(name or "")
    if not code:
        return name
    language = (translation.get_language() or "en")[:2]
    return ARMENIA[code][_LANGUAGE_INDEX.get(language, 0)]


def site_names() -> dict[str, str]:
    """Return every site's name in the reader's language, by slug (one query)."""
    from haven.registry.models import Site  # noqa: PLC0415 - models after app loading

    return {site.slug: site.name for site in Site.objects.all()}


def site_label(slug: str, names: dict[str, str] | None = None) -> str:
    """Return a site's name in the reader's language from its slug (the slug if unknown).

    Pass `names` (`site_names()`) when labelling many rows: one query instead of one each.
    """
    if not slug:
        return slug
    found = (names if names is not None else site_names()).get(slug)
    return found or slug


def vocabulary_label(value: str, kind: str) -> str:
    choices = VOCABULARIES.get(kind)
    if choices is None or value not in choices.values:
        return value
    return str(choices(value).label)


# The names of a record's fields in its history ("site: — → goris" reads "Site: — → Goris").
FIELDS = {
    "site": _("Site"), "given_name": _("Given name"), "family_name": _("Family name"),
    "patronymic": _("Patronymic"), "sex": _("Sex"), "birth_date": _("Birth date"),
    "status": _("Status"), "phone": _("Phone"), "place_of_origin": _("Settlement of origin"),
    "document_type": _("Document type"), "document_number": _("Document number"),
    "relationship": _("Relationship"), "vulnerabilities": _("Vulnerabilities"),
    "estimated_age": _("Estimated age"), "notes": _("Notes"), "household": _("Household"),
}
_VALUE_KINDS = {"sex": "sex", "status": "status", "relationship": "relationship",
                "document_type": "document_type", "channel": "channel"}


def field_label(name: str) -> str:
    found = FIELDS.get(name)
    return str(found) if found is not None else name.replace("_", " ")


def field_value(value: object, name: str, names: dict[str, str] | None = None) -> str:
    """Return a history value as the reader's language names it (a site's name, a sex...)."""
    if value is None or value == "":
        return ""
    if name == "site":
        return site_label(str(value), names)
    if name == "vulnerabilities" and isinstance(value, list):
        return ", ".join(vocabulary_label(str(v), "vulnerability") for v in value)
    if name in _VALUE_KINDS:
        return vocabulary_label(str(value), _VALUE_KINDS[name])
    return str(value)
