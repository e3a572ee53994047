"""Vehicles, runs with their manifests, and the passengers who did not arrive.

A run is a record of its origin and destination sites. Its manifest names its
passengers, as the card codes that put them on it did (see `selectors.presented`): the
staff expecting a bus must know whom to expect. Nothing else about them is shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction, Outcome
from haven.audit.services import audit_record
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.reception.common import runs_visible
from haven.reception.models import Passenger, Run, Vehicle
from haven.reception.selectors.people import Name, name_of
from haven.reception.vocabulary import PassengerStatus, RunStatus
from haven.registry.selectors import Page

if TYPE_CHECKING:
    from haven.accounts.access import Actor


def _require(actor: Actor, action: AuditAction) -> None:
    if not (actor.policy.read_records or actor.policy.run_transport):
        with transaction.atomic():
            audit_record(actor=actor, action=action, target_type="run", outcome=Outcome.DENIED)
        raise PermissionDenied(_("Your role does not allow reading transport runs."))


def vehicle_list(*, actor: Actor) -> QuerySet[Vehicle]:
    """Return the vehicles (no personal data): for roles that plan or read runs."""
    if not (actor.policy.read_records or actor.policy.run_transport):
        raise PermissionDenied(_("Your role does not allow reading transport runs."))
    return Vehicle.objects.order_by("kind", "plate")


@dataclass(frozen=True)
class PassengerView:
    passenger: Passenger
    name: Name | None  # a registered person; None for a name to be registered

    @property
    def display_name(self) -> str:
        if self.name is not None:
            return self.name.name
        return f"{self.passenger.given_name} {self.passenger.family_name}".strip()


@dataclass(frozen=True)
class RunView:
    run: Run
    passengers: list[PassengerView]

    @property
    def to_link(self) -> bool:
        """Whether a passenger listed by name arrived and awaits their registration's code."""
        return any(p.name is None and p.passenger.status == PassengerStatus.ARRIVED
                   for p in self.passengers)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(PassengerStatus.values, 0)
        for p in self.passengers:
            counts[p.passenger.status] += 1
        return counts


def _runs(actor: Actor) -> QuerySet[Run]:
    return Run.objects.select_related("vehicle", "origin_site", "destination", "hospital",
                                      "created_by").filter(runs_visible(actor))


def run_get(*, actor: Actor, ref: str) -> RunView:
    """Return a run from or to a site the actor may see, with its manifest; audit the read."""
    _require(actor, AuditAction.RUN_VIEW)
    try:
        found = _runs(actor).filter(id=uuid.UUID(str(ref))).first()
    except (ValueError, ValidationError):
        found = None
    with transaction.atomic():
        if found is None:
            audit_record(actor=actor, action=AuditAction.RUN_VIEW, target_type="run",
                         target_ids=[ref[:64]], outcome=Outcome.DENIED)
        else:
            passengers = [PassengerView(p, name_of(p.person) if p.person else None)
                          for p in found.passengers.select_related("person").order_by("position")]
            audit_record(actor=actor, action=AuditAction.RUN_VIEW, target_type="run",
                         target_ids=[found.id, *(p.passenger.person_id for p in passengers
                                                 if p.passenger.person_id)],
                         site=found.destination.slug)
    if found is None:
        raise NotFound(_("No such run."))
    return RunView(run=found, passengers=passengers)


@dataclass(frozen=True)
class RunSummary:
    run: Run
    passengers: int
    arrived: int
    no_shows: int


def run_list(*, actor: Actor, status: str = "", page: int = 1,
             per_page: int = 50) -> Page[RunSummary]:
    """Return a page of runs from or to the actor's sites, latest first, with their counts."""
    _require(actor, AuditAction.RUN_LIST)
    runs = _runs(actor)
    if status:
        if status not in RunStatus.values:
            raise ValidationFailed.single("status", _("must be one of: %(choices)s")
                                          % {"choices": ", ".join(RunStatus.values)})
        runs = runs.filter(status=status)
    runs = runs.annotate(
        n=Count("passengers"),
        n_arrived=Count("passengers", filter=Q(passengers__status=PassengerStatus.ARRIVED)),
        n_missing=Count("passengers", filter=Q(passengers__status=PassengerStatus.NO_SHOW)),
    ).order_by("-planned_departure", "-created_at", "-id")
    per_page = max(1, min(per_page, 200))
    total = runs.count()
    number = max(1, min(page, max(1, -(-total // per_page))))
    chosen = list(runs[(number - 1) * per_page : number * per_page])
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.RUN_LIST, target_type="run",
                     target_ids=[r.id for r in chosen])
    return Page(items=[RunSummary(run=r, passengers=r.n, arrived=r.n_arrived,
                                  no_shows=r.n_missing) for r in chosen],
                number=number, per_page=per_page, total=total)


@dataclass(frozen=True)
class NoShow:
    passenger: Passenger
    name: str  # as on the manifest
    code: str | None  # the person's code, if they were registered
    person_id: uuid.UUID | None


def no_shows(*, actor: Actor) -> list[NoShow]:
    """Return passengers who did not arrive with their run, flagged for tracing; audit the read.

    For the tracing app to follow up: the run (its vehicle, origin, destination and
    arrival) says where the person was last expected.
    """
    _require(actor, AuditAction.NO_SHOW_LIST)
    if not actor.policy.read_records:
        raise PermissionDenied(_("Your role does not allow reading personal records."))
    flagged = list(Passenger.objects.select_related(
        "person", "run__vehicle", "run__destination", "run__origin_site").filter(
        flagged_at__isnull=False, run__in=Run.objects.filter(runs_visible(actor)),
    ).order_by("-flagged_at", "id"))
    found = [NoShow(passenger=p, code=p.person.code if p.person else None,
                    person_id=p.person_id,
                    name=name_of(p.person).name if p.person else
                    f"{p.given_name} {p.family_name}".strip()) for p in flagged]
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.NO_SHOW_LIST, target_type="person",
                     target_ids=[p.person_id or f"passenger:{p.passenger.id}" for p in found])
    return found
