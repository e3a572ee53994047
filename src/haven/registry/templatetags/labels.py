"""`{% load labels %}`: codes shown by their names in the reader's language (registry.labels).

Site names are read once per template render (`render_context`), not once per row.
"""

from __future__ import annotations

from typing import Any

from django import template

from haven.registry import labels

register = template.Library()
register.filter("role_label", labels.role_label)
register.filter("audit_action_label", labels.audit_action_label)
register.filter("province_label", labels.province_label)
register.filter("field_label", labels.field_label)
register.filter("channel_label", labels.channel_label)


def _names(context: Any) -> dict[str, str]:
    names = context.render_context.get("haven_site_names")
    if names is None:
        names = context.render_context["haven_site_names"] = labels.site_names()
    return names


@register.simple_tag(takes_context=True)
def site_name(context: Any, slug: str) -> str:
    """`{% site_name e.site %}`: a site's name from its slug."""
    return labels.site_label(slug, _names(context))


@register.simple_tag(takes_context=True)
def change_value(context: Any, value: object, field: str) -> str:
    """`{% change_value change.0 field %}`: a history value by its name ('—' when empty)."""
    return labels.field_value(value, field, _names(context)) or "—"
