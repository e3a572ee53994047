"""The protection app's coded values, kept in clear: reports count them (docs/security.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital care")
    BURNS_UNIT = "burns_unit", _("Burns unit")
    NUTRITION = "nutrition", _("Nutrition")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    DISABILITY = "disability", _("Disability services")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    LEGAL_AID = "legal_aid", _("Legal aid")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency (life-saving)")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")


# A referral still under way: it grants the receiving site the person's outline.
OPEN_REFERRAL = (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED)


class IncidentKind(models.TextChoices):
    EXPLOSION = "explosion", _("Explosion")
    ATTACK = "attack", _("Attack or shelling")
    JOURNEY = "journey", _("Deaths and injuries on the road")
    ACCIDENT = "accident", _("Accident")
    OTHER = "other", _("Other")


class CasualtyKind(models.TextChoices):
    DEAD = "dead", _("Dead")
    INJURED = "injured", _("Injured")
    MISSING = "missing", _("Missing")


class LeftBehindStatus(models.TextChoices):
    REMAINING = "remaining", _("Still in the area")
    TRANSFERRED = "transferred", _("Transferred")
    DECEASED = "deceased", _("Deceased")


class Condition(models.TextChoices):
    STABLE = "stable", _("Stable")
    NEEDS_HELP = "needs_help", _("Needs help")
    CRITICAL = "critical", _("Critical")
    NOT_FOUND = "not_found", _("Not found")
    DECEASED = "deceased", _("Deceased")


class NeedsMet(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
