"""What protection hands to another site: the outline of a person, while it needs it.

- An open referral (requested or accepted) hands its person to the receiving site, the
  way a case moves in Primero: the receiving officer sees who is coming (code, names,
  sex, birth date) and the referral, not the person's full record. Declined or completed,
  it hands nothing.
- A casualty identified as a registered person hands that person to the site holding
  the casualty record (the hospital treating them, the site that recorded the death).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from haven.protection.models import Casualty, Referral
from haven.protection.vocabulary import OPEN_REFERRAL
from haven.registry.selectors import outline_grant_register


def referral_grant(site_ids: frozenset[int]) -> QuerySet[Any]:
    return Referral.objects.filter(to_site_id__in=site_ids,
                                   status__in=OPEN_REFERRAL).values("person_id")


def casualty_grant(site_ids: frozenset[int]) -> QuerySet[Any]:
    return Casualty.objects.filter(site_id__in=site_ids,
                                   person__isnull=False).values("person_id")


def register_grants() -> None:
    outline_grant_register("protection.referral", referral_grant)
    outline_grant_register("protection.casualty", casualty_grant)
