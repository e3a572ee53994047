"""What a role may see of a protection record: one function per record, for API and pages.

Free-text medical and protection details are left out entirely (not blanked) for roles
without `medical_fields`. A person appears only as an outline, and only while the actor
may see it; otherwise `person` is None and nothing names them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from haven.protection.selectors import CasualtyView, ReferralView, is_check_overdue
from haven.registry.selectors import PersonOutline, person_outlines

if TYPE_CHECKING:
    from haven.accounts.access import Actor
    from haven.protection.models import LeftBehind

REFERRAL_MEDICAL = ("reason", "notes", "exception_reason", "status_reason")
CASUALTY_MEDICAL = ("injuries",)
LEFT_BEHIND_MEDICAL = ("vulnerabilities", "needs")
CHECK_MEDICAL = ("condition", "notes")


def outline_record(outline: PersonOutline | None) -> dict[str, Any] | None:
    if outline is None:
        return None
    return {"id": str(outline.id), "code": outline.code, "given_name": outline.given_name,
            "family_name": outline.family_name, "sex": outline.sex,
            "birth_date": outline.birth_date, "full_record": outline.full_record}


def _user(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def referral_record(view: ReferralView, *, actor: Actor,
                    with_history: bool = False) -> dict[str, Any]:
    r = view.referral
    record: dict[str, Any] = {
        "id": str(r.id), "person": outline_record(view.person), "service": r.service,
        "urgency": r.urgency, "status": r.status, "consent": r.consent,
        "life_saving_exception": r.life_saving_exception, "from_site": r.from_site.slug,
        "to_site": r.to_site.slug, "follow_up_on": r.follow_up_on, "overdue": view.overdue,
        "officer": _user(r.officer), "created_at": r.created_at,
        "answered_at": r.answered_at, "updated_at": r.updated_at,
    }
    medical = actor.policy.medical_fields
    if medical:
        record.update({name: getattr(r, name) for name in REFERRAL_MEDICAL})
    if with_history:
        record["updates"] = [
            {"at": u.at, "by": _user(u.by), "action": u.action, "follow_up_on": u.follow_up_on,
             **({"note": u.note} if medical else {})}
            for u in r.updates.select_related("by")]
    return record


def casualty_record(view: CasualtyView, *, actor: Actor) -> dict[str, Any]:
    c = view.casualty
    record: dict[str, Any] = {
        "id": str(c.id), "incident": str(c.incident_id), "incident_name": c.incident.name,
        "kind": c.kind, "site": c.site.slug, "occurred_on": c.occurred_on,
        "identified": c.person_id is not None, "identified_at": c.identified_at,
        "person": outline_record(view.person), "sex": c.sex,
        "approximate_age": c.approximate_age, "clothing": c.clothing,
        "belongings": c.belongings, "found_at": c.found_at, "marks": c.marks,
        "created_at": c.created_at,
    }
    if actor.policy.medical_fields:
        record["injuries"] = c.injuries
    return record


def left_behind_record(entry: LeftBehind, *, actor: Actor, today: dt.date,
                       with_checks: bool = False) -> dict[str, Any]:
    medical = actor.policy.medical_fields
    relative_ids = [r.person_id for r in entry.relatives.all()]
    outlines = person_outlines(actor=actor, person_ids=[*relative_ids,
                                                        *([entry.person_id]
                                                          if entry.person_id else [])])
    record: dict[str, Any] = {
        "id": str(entry.id), "site": entry.site.slug, "given_name": entry.given_name,
        "family_name": entry.family_name, "patronymic": entry.patronymic, "sex": entry.sex,
        "birth_year": entry.birth_year, "location": entry.location,
        "reported_by": entry.reported_by, "reported_on": entry.reported_on,
        "last_contact_on": entry.last_contact_on, "check_every_days": entry.check_every_days,
        "next_check_on": entry.next_check_on, "overdue": is_check_overdue(entry, today),
        "status": entry.status,
        "transferred_to": entry.transferred_to.slug if entry.transferred_to else None,
        "transferred_at": entry.transferred_at,
        "person": outline_record(outlines.get(entry.person_id)) if entry.person_id else None,
        # Relatives at sites the actor may not see are counted, never named.
        "relatives": [outline_record(outlines[i]) for i in relative_ids if i in outlines],
        "relatives_elsewhere": sum(1 for i in relative_ids if i not in outlines),
    }
    if medical:
        record["vulnerabilities"] = list(entry.vulnerabilities)
        record["needs"] = entry.needs
    if with_checks:
        record["checks"] = [
            {"checked_on": c.checked_on, "visited_by": c.visited_by, "needs_met": c.needs_met,
             "recorded_by": _user(c.recorded_by), "recorded_at": c.recorded_at,
             **({"condition": c.condition, "notes": c.notes} if medical else {})}
            for c in getattr(entry, "welfare_checks", entry.checks.all())]
    return record
