"""Record homes of origin, what was seen of them, heritage sites and their condition.

Each service checks the role, validates every field at once, stores files through
`attachments.attachment_store`, and writes the record and its audit event together.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, ValidationFailed
from haven.core.names import NameProblem
from haven.core.names.cleaning import clean_text
from haven.documentation.attachments import attachment_store
from haven.documentation.models import (
    AttachmentKind,
    HeritageKind,
    HeritageObservation,
    HeritageSite,
    HomeOfOrigin,
    PropertyCondition,
    PropertyReport,
    SourceKind,
    Tenure,
)
from haven.registry.selectors import household_get, person_resolve
from haven.registry.services import problem_text

if TYPE_CHECKING:
    from haven.accounts.access import Actor

MAX_FILES = 12


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def _text(errors: _Errors, key: str, value: str | None, *, max_length: int,
          required: bool = False) -> str:
    try:
        return clean_text(value or "", required=required, max_length=max_length)
    except NameProblem as problem:
        errors.add(key, problem_text(problem))
        return ""


def _choice(errors: _Errors, key: str, value: str | None, choices: Any) -> str:
    value = (value or "").strip()
    if value not in choices.values:
        errors.add(key, _("must be one of: %(choices)s") % {"choices": ", ".join(choices.values)})
        return ""
    return value


def _past_date(errors: _Errors, key: str, value: dt.date | None) -> dt.date | None:
    if value is None:
        errors.add(key, _("is required"))
        return None
    if value > timezone.localdate(clock.now()):
        errors.add(key, _("is in the future"))
        return None
    if value.year < 1800:
        errors.add(key, _("is too far in the past"))
        return None
    return value


def _coordinates(errors: _Errors, latitude: object, longitude: object
                 ) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    out: list[Decimal | None] = []
    for key, value, bound in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            errors.add(key, _("must be a number of degrees, e.g. 39.81"))
            out.append(None)
            continue
        if not number.is_finite() or abs(number) > bound:
            errors.add(key, _("must be between -%(n)d and %(n)d") % {"n": bound})
            out.append(None)
            continue
        out.append(number.quantize(Decimal("0.00001")))
    return out[0], out[1]


def _files(errors: _Errors, key: str, files: Sequence[IO[bytes]]) -> None:
    if len(files) > MAX_FILES:
        errors.add(key, _("at most %(n)d files at once") % {"n": MAX_FILES})


# ----- homes of origin

@dataclass
class HomeInput:
    household: str  # the household's code, or any member's
    settlement: str
    tenure: str
    address: str = ""
    cadastral_number: str = ""
    latitude: object = None
    longitude: object = None
    documents: Sequence[IO[bytes]] = field(default_factory=list)


def _household(actor: Actor, ref: str) -> Any:
    """Return the household of a household's or member's code; NotFound if not visible."""
    member = person_resolve(ref)
    return household_get(actor=actor, ref=member.household.code if member else ref)


def home_add(*, actor: Actor, home: HomeInput) -> HomeOfOrigin:
    """Record a household's home of origin, with the papers that prove how they held it."""
    actor.require("document_return")
    errors = _Errors()
    settlement = _text(errors, "settlement", home.settlement, max_length=100, required=True)
    address = _text(errors, "address", home.address, max_length=300)
    cadastral = _text(errors, "cadastral_number", home.cadastral_number, max_length=60)
    tenure = _choice(errors, "tenure", home.tenure, Tenure)
    latitude, longitude = _coordinates(errors, home.latitude, home.longitude)
    _files(errors, "documents", home.documents)
    household = _household(actor, home.household)  # in the address: NotFound if hidden
    errors.raise_if_any()
    assert household is not None  # noqa: S101 - raise_if_any returned
    with transaction.atomic():
        stored = [attachment_store(actor=actor, upload=f, field="documents")
                  for f in home.documents]
        created = HomeOfOrigin.objects.create(
            household=household, settlement=settlement, address=address,
            cadastral_number=cadastral, latitude=latitude, longitude=longitude, tenure=tenure,
            created_by=actor.user, created_at=clock.now())
        created.documents.set(stored)
        audit_record(actor=actor, action=AuditAction.DOCUMENTATION_HOME_ADD,
                     target_type="home", target_ids=[created.pk, household.pk])
    return created


def _home(ref: str | uuid.UUID) -> HomeOfOrigin:
    try:
        pk = ref if isinstance(ref, uuid.UUID) else uuid.UUID(str(ref))
    except ValueError:
        raise NotFound(_("No such home.")) from None
    found = HomeOfOrigin.objects.select_related("household").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such home."))
    return found


def property_report_add(*, actor: Actor, home: str | uuid.UUID, observed_on: dt.date | None,
                        source: str, condition: str, seen: str = "",
                        photos: Sequence[IO[bytes]] = ()) -> PropertyReport:
    """Record what someone saw of a home on a date, and how they know it."""
    actor.require("document_return")
    found = _home(home)
    household_get(actor=actor, ref=found.household.code)  # the household's rule, audited
    errors = _Errors()
    on = _past_date(errors, "observed_on", observed_on)
    source = _choice(errors, "source", source, SourceKind)
    condition = _choice(errors, "condition", condition, PropertyCondition)
    seen = _text(errors, "seen", seen, max_length=1000)
    _files(errors, "photos", photos)
    errors.raise_if_any()
    assert on is not None  # noqa: S101 - raise_if_any returned
    with transaction.atomic():
        stored = [attachment_store(actor=actor, upload=f, field="photos",
                                   kind=AttachmentKind.PHOTO) for f in photos]
        report = PropertyReport.objects.create(home=found, observed_on=on, source=source,
                                               condition=condition, seen=seen,
                                               recorded_by=actor.user, recorded_at=clock.now())
        report.photos.set(stored)
        audit_record(actor=actor, action=AuditAction.DOCUMENTATION_HOME_REPORT,
                     target_type="home", target_ids=[found.pk])
    return report


# ----- cultural heritage

@dataclass
class HeritageInput:
    kind: str
    name_en: str
    settlement: str
    name_hy: str = ""
    name_ru: str = ""
    latitude: object = None
    longitude: object = None
    description: str = ""


def heritage_create(*, actor: Actor, heritage: HeritageInput) -> HeritageSite:
    """Add a church, monastery, cemetery, khachkar, monument, school or museum."""
    actor.require("document_return")
    h = heritage
    errors = _Errors()
    values: dict[str, Any] = {
        "kind": _choice(errors, "kind", h.kind, HeritageKind),
        "name_en": _text(errors, "name_en", h.name_en, max_length=160, required=True),
        "name_hy": _text(errors, "name_hy", h.name_hy, max_length=160),
        "name_ru": _text(errors, "name_ru", h.name_ru, max_length=160),
        "settlement": _text(errors, "settlement", h.settlement, max_length=100, required=True),
        "description": _text(errors, "description", h.description, max_length=2000),
    }
    values["latitude"], values["longitude"] = _coordinates(errors, h.latitude, h.longitude)
    if values["name_en"] and HeritageSite.objects.filter(
            name_en__iexact=values["name_en"], settlement__iexact=values["settlement"]).exists():
        errors.add("name_en", _("this heritage site is already registered"))
    errors.raise_if_any()
    with transaction.atomic():
        created = HeritageSite.objects.create(created_by=actor.user, created_at=clock.now(),
                                              **values)
        audit_record(actor=actor, action=AuditAction.DOCUMENTATION_HERITAGE_ADD,
                     target_type="heritage", target_ids=[created.pk])
    return created


def _heritage(ref: str | uuid.UUID) -> HeritageSite:
    try:
        pk = ref if isinstance(ref, uuid.UUID) else uuid.UUID(str(ref))
    except ValueError:
        raise NotFound(_("No such heritage site.")) from None
    found = HeritageSite.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such heritage site."))
    return found


def heritage_observe(*, actor: Actor, heritage: str | uuid.UUID, observed_on: dt.date | None,
                     source: str, condition: str, reference: str = "", note: str = "",
                     photos: Sequence[IO[bytes]] = ()) -> HeritageObservation:
    """Record a heritage site's condition on a date, from a stated source, with photographs."""
    actor.require("document_return")
    found = _heritage(heritage)
    errors = _Errors()
    on = _past_date(errors, "observed_on", observed_on)
    source = _choice(errors, "source", source, SourceKind)
    condition = _choice(errors, "condition", condition, PropertyCondition)
    reference = _text(errors, "reference", reference, max_length=500)
    note = _text(errors, "note", note, max_length=2000)
    _files(errors, "photos", photos)
    errors.raise_if_any()
    assert on is not None  # noqa: S101 - raise_if_any returned
    with transaction.atomic():
        stored = [attachment_store(actor=actor, upload=f, field="photos",
                                   kind=AttachmentKind.PHOTO) for f in photos]
        observation = HeritageObservation.objects.create(
            heritage=found, observed_on=on, source=source, condition=condition,
            reference=reference, note=note, recorded_by=actor.user, recorded_at=clock.now())
        observation.photos.set(stored)
        audit_record(actor=actor, action=AuditAction.DOCUMENTATION_HERITAGE_OBSERVE,
                     target_type="heritage", target_ids=[found.pk, *(a.pk for a in stored)])
    return observation
