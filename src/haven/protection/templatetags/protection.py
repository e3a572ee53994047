"""`{{ value|plabel:"service" }}`: a protection code in the reader's language."""

from __future__ import annotations

from django import template
from django.db.models import TextChoices

from haven.protection.vocabulary import (
    CasualtyKind,
    Condition,
    IncidentKind,
    LeftBehindStatus,
    NeedsMet,
    ReferralStatus,
    Service,
    Urgency,
)
from haven.registry.vocabulary import Sex, Vulnerability

register = template.Library()

VOCABULARIES: dict[str, type[TextChoices]] = {
    "service": Service, "urgency": Urgency, "status": ReferralStatus,
    "incident": IncidentKind, "kind": CasualtyKind, "left_behind": LeftBehindStatus,
    "condition": Condition, "needs_met": NeedsMet, "sex": Sex, "vulnerability": Vulnerability,
}


@register.filter
def plabel(value: str, vocabulary: str) -> str:
    try:
        return str(VOCABULARIES[vocabulary](value).label)
    except (KeyError, ValueError):
        return value or "—"
