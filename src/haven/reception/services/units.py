"""Add and change shelter units: rooms, halls and tents, with their beds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import Conflict, NotFound, ValidationFailed
from haven.core.names import NameProblem
from haven.core.names.cleaning import clean_text
from haven.reception.common import shelter_site
from haven.reception.models import ShelterUnit
from haven.reception.models.shelters import UNIT_NAME_LENGTH
from haven.reception.selectors.occupancy import units_occupancy
from haven.registry.selectors import site_by_slug
from haven.registry.services import problem_text

if TYPE_CHECKING:
    from haven.accounts.access import Actor

MAX_BEDS = 10_000  # one unit; a stadium is several


@dataclass
class UnitInput:
    name: str
    beds: int
    accessible_beds: int = 0
    is_active: bool = True


def _clean(unit: UnitInput) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    try:
        values["name"] = clean_text(unit.name or "", required=True, max_length=UNIT_NAME_LENGTH)
    except NameProblem as problem:
        errors["name"] = [problem_text(problem)]
    if not isinstance(unit.beds, int) or not 1 <= unit.beds <= MAX_BEDS:
        errors["beds"] = [_("must be a whole number from 1 to %(n)d") % {"n": MAX_BEDS}]
    if not isinstance(unit.accessible_beds, int) or unit.accessible_beds < 0:
        errors["accessible_beds"] = [_("must be a whole number, 0 or more")]
    elif "beds" not in errors and unit.accessible_beds > unit.beds:
        errors["accessible_beds"] = [_("cannot be more than the beds")]
    if errors:
        raise ValidationFailed(errors)
    values.update(beds=unit.beds, accessible_beds=unit.accessible_beds,
                  is_active=bool(unit.is_active))
    return values


def unit_create(*, actor: Actor, site: str, unit: UnitInput) -> ShelterUnit:
    """Add a room, hall or tent with its beds to a shelter site the actor acts for."""
    actor.require("manage_shelters")
    site_obj = shelter_site(actor, site)
    values = _clean(unit)
    try:
        with transaction.atomic():
            created = ShelterUnit.objects.create(site=site_obj, created_at=clock.now(),
                                                 created_by=actor.user, **values)
            audit_record(actor=actor, action=AuditAction.UNIT_CREATE, target_type="unit",
                         target_ids=[created.id], site=site_obj.slug)
    except IntegrityError:
        raise ValidationFailed.single("name", _("this site already has a unit of this name")) \
            from None
    return created


def unit_update(*, actor: Actor, site: str, unit: int, changes: Mapping[str, Any]) -> ShelterUnit:
    """Change a unit's name, beds or whether it is open (`changes`: any of UnitInput's fields).

    Beds cannot drop below the people holding them (Conflict): check people out or
    transfer them first. A unit is closed, never deleted: its stays keep their history.
    """
    actor.require("manage_shelters")
    site_obj = site_by_slug(site)
    if site_obj is None or not actor.may_act_for_site(site_obj.id):
        raise NotFound(_("No such unit."))  # a unit at another site is as if it did not exist
    unknown = sorted(set(changes) - set(UnitInput.__dataclass_fields__))
    if unknown:
        raise ValidationFailed({name: [_("is not a known field")] for name in unknown})
    try:
        with transaction.atomic():
            found = ShelterUnit.objects.select_for_update().filter(site=site_obj, id=unit).first()
            if found is None:
                raise NotFound(_("No such unit."))
            values = _clean(UnitInput(**{
                "name": found.name, "beds": found.beds,
                "accessible_beds": found.accessible_beds, "is_active": found.is_active,
                **changes}))
            room = units_occupancy([found])[0]
            if values["beds"] < room.taken or (not values["is_active"] and room.taken):
                raise Conflict(_("%(taken)d people hold beds in %(unit)s: check them out or "
                                 "transfer them first.") % {"taken": room.taken,
                                                             "unit": found.name},
                               reason="beds_taken", details={"taken": room.taken})
            if values["accessible_beds"] < room.accessible_taken:
                raise Conflict(_("%(taken)d people who need a bed a wheelchair reaches are in "
                                 "%(unit)s.") % {"taken": room.accessible_taken,
                                                 "unit": found.name},
                               reason="beds_taken", details={"taken": room.accessible_taken})
            for key, value in values.items():
                setattr(found, key, value)
            found.save(update_fields=list(values))
            audit_record(actor=actor, action=AuditAction.UNIT_UPDATE, target_type="unit",
                         target_ids=[found.id], site=site_obj.slug)
    except IntegrityError:
        raise ValidationFailed.single("name", _("this site already has a unit of this name")) \
            from None
    return found
