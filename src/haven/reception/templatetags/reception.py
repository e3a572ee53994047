"""Show reception's coded values (destinations, run states…) in the reader's language."""

from __future__ import annotations

from django import template

from haven.reception import vocabulary

register = template.Library()

_VOCABULARIES = {
    "destination": vocabulary.Destination, "action": vocabulary.PlacementAction,
    "stay_end": vocabulary.StayEnd, "vehicle": vocabulary.VehicleKind,
    "run": vocabulary.RunStatus, "passenger": vocabulary.PassengerStatus,
}


@register.filter
def reception_label(value: str, kind: str) -> str:
    """Return the translated label of a coded value, or the value itself if unknown."""
    choices = _VOCABULARIES.get(kind)
    if choices is None or value not in choices.values:
        return value
    return str(choices(value).label)
