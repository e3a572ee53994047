"""Protection's records, bodies and resets for tests/test_roles_matrix.py (kept here, so the
matrix test grows by a few lines per app)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from haven.accounts.models import User
from haven.protection.models import Casualty, LeftBehind, Referral
from haven.protection.services import (
    CasualtyInput,
    IncidentInput,
    LeftBehindInput,
    ReferralInput,
    casualty_record,
    incident_create,
    left_behind_register,
    referral_create,
)
from haven.testing.factories import actor_for

# A write naming a record of the other site in its body is refused at that field (422).
REFUSED_FIELD = {"POST /api/v1/referrals": "person"}


def protection_records(coordinator: User, site: str, person: str) -> dict[str, str]:
    """A referral within `site`, a casualty and a person left behind kept there."""
    actor = actor_for(coordinator)
    incident = incident_create(actor=actor, incident=IncidentInput(
        kind="explosion", name=f"Explosion near {site}", occurred_on=dt.date(2023, 9, 25),
        place="Berkadzor"))
    referral = referral_create(actor=actor, referral=ReferralInput(
        person=person, service="psychosocial", to_site=site, from_site=site,
        urgency="routine", consent=True))
    casualty = casualty_record(actor=actor, casualty=CasualtyInput(
        incident=str(incident.id), kind="injured", site=site))
    entry = left_behind_register(actor=actor, entry=LeftBehindInput(
        site=site, given_name="Siranush", family_name="Avetisyan",
        reported_on=dt.date(2025, 12, 1)))
    return {"referral": str(referral.id), "incident": str(incident.id),
            "casualty": str(casualty.id), "entry": str(entry.id)}


def protection_bodies(target: dict[str, str]) -> dict[str, Any]:
    return {
        "POST /api/v1/referrals": {"person": target["person"], "service": "nutrition",
                                   "to_site": "goris", "urgency": "routine", "consent": True},
        "POST /api/v1/referrals/{referral}/status": {"status": "accepted"},
        "POST /api/v1/referrals/{referral}/follow-ups": {"note": "Called",
                                                         "next_follow_up_on": None},
        "POST /api/v1/incidents": {"kind": "journey", "name": "Deaths on the road",
                                   "occurred_on": "2023-09-28", "place": "Lachin corridor"},
        "POST /api/v1/casualties": {"incident": target["incident"], "kind": "dead",
                                    "site": target["site"]},
        "PATCH /api/v1/casualties/{casualty}": {"kind": "dead"},
        "POST /api/v1/casualties/{casualty}/identify": {"person": target["person"]},
        "POST /api/v1/left-behind": {"site": target["site"], "given_name": "Hasmik",
                                     "family_name": "Babayan", "reported_on": "2025-12-01"},
        "POST /api/v1/left-behind/{entry}/checks": {"checked_on": "2025-12-10",
                                                    "condition": "stable", "needs_met": "yes"},
        "POST /api/v1/left-behind/{entry}/transfer": {"to_site": target["site"]},
    }


def _reopen_referral(target: dict[str, str]) -> None:
    Referral.objects.filter(id=target["referral"]).update(status="requested")


def _unidentify(target: dict[str, str]) -> None:
    Casualty.objects.filter(id=target["casualty"]).update(person=None)


def _bring_back(target: dict[str, str]) -> None:
    LeftBehind.objects.filter(id=target["entry"]).update(status="remaining")


PROTECTION_RESETS: dict[str, Callable[[dict[str, str]], None]] = {
    "POST /api/v1/referrals/{referral}/status": _reopen_referral,
    "POST /api/v1/casualties/{casualty}/identify": _unidentify,
    "POST /api/v1/left-behind/{entry}/transfer": _bring_back,
}
