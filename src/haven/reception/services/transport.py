"""Vehicles, runs and manifests; a run's arrival records its passengers' arrivals at once.

    run_arrive    every passenger not marked absent arrives at the destination site, in
                  one transaction with the run's own state: all of it or none of it; a
                  passenger who did not arrive is flagged for tracing to follow up
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import Conflict, NotFound, ValidationFailed
from haven.core.names import NameProblem
from haven.core.names.cleaning import clean_text
from haven.reception.common import acting_site, all_members, living, presented, runs_visible
from haven.reception.models import Passenger, Run, Vehicle
from haven.reception.models.transport import NAME_LENGTH
from haven.reception.scanning import read_code
from haven.reception.vocabulary import PassengerStatus, RunStatus, VehicleKind
from haven.registry.models import Site
from haven.registry.selectors import site_by_slug
from haven.registry.services import arrivals_record, problem_text
from haven.registry.vocabulary import SiteKind

if TYPE_CHECKING:
    from haven.accounts.access import Actor

MAX_CAPACITY = 500


def plate_text(plate: str) -> str:
    """Return a plate as stored: upper case, letters and digits only (35 LL 123 -> 35LL123)."""
    return "".join(ch for ch in (plate or "").upper() if ch.isalnum())


def vehicle_create(*, actor: Actor, kind: str, plate: str, capacity: int,
                   operator: str = "") -> Vehicle:
    """Add a bus, ambulance, private car or truck that runs carry people in."""
    actor.require("run_transport")
    errors: dict[str, list[str]] = {}
    if kind not in VehicleKind.values:
        errors["kind"] = [_("must be one of: %(choices)s")
                          % {"choices": ", ".join(VehicleKind.values)}]
    stored_plate = plate_text(plate)
    if not 2 <= len(stored_plate) <= 20:
        errors["plate"] = [_("use 2-20 letters and digits")]
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("must be a whole number from 1 to %(n)d") % {"n": MAX_CAPACITY}]
    try:
        operator = clean_text(operator or "", required=False, max_length=120)
    except NameProblem as problem:
        errors["operator"] = [problem_text(problem)]
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            vehicle = Vehicle.objects.create(kind=kind, plate=stored_plate, capacity=capacity,
                                             operator=operator, created_at=clock.now(),
                                             created_by=actor.user)
            audit_record(actor=actor, action=AuditAction.VEHICLE_CREATE, target_type="vehicle",
                         target_ids=[vehicle.id])
    except IntegrityError:
        raise ValidationFailed.single("plate", _("a vehicle with this plate exists")) from None
    return vehicle


@dataclass
class RunInput:
    vehicle: str  # its plate
    destination: str  # a site's short name
    origin_site: str = ""
    origin_place: str = ""  # where there is no site: Stepanakert
    hospital: str = ""  # ambulances: the patients' destination hospital (a hospital site)
    planned_departure: dt.datetime | None = None
    planned_arrival: dt.datetime | None = None
    reference: str = ""


def _site_or_none(slug: str, field: str, errors: dict[str, list[str]]) -> Site | None:
    if not slug:
        return None
    site = site_by_slug(slug)
    if site is None or not site.is_active:
        errors[field] = [_("unknown site %(site)r") % {"site": slug[:40]}]
    return site


def run_create(*, actor: Actor, run: RunInput) -> Run:
    """Plan a run of a vehicle to a site the actor acts for (or from one)."""
    actor.require("run_transport")
    errors: dict[str, list[str]] = {}
    vehicle = Vehicle.objects.filter(plate=plate_text(run.vehicle)).first()
    if vehicle is None:
        errors["vehicle"] = [_("no vehicle has this plate")]
    destination = _site_or_none(run.destination, "destination", errors)
    if destination is None and "destination" not in errors:
        errors["destination"] = [_("is required")]
    origin = _site_or_none(run.origin_site, "origin_site", errors)
    hospital = _site_or_none(run.hospital, "hospital", errors)
    if hospital is not None and hospital.kind != SiteKind.HOSPITAL:
        errors["hospital"] = [_("is not a hospital")]
    if vehicle is not None and vehicle.kind == VehicleKind.AMBULANCE:
        if hospital is None and "hospital" not in errors:
            errors["hospital"] = [_("an ambulance run needs the destination hospital")]
    elif hospital is not None:
        errors["hospital"] = [_("only ambulance runs carry a destination hospital")]
    if not (destination is not None and actor.may_act_for_site(destination.id)) and \
            not (origin is not None and actor.may_act_for_site(origin.id)):
        errors.setdefault("destination", []).append(
            _("plan runs to or from a site you act for"))
    try:
        place = clean_text(run.origin_place or "", required=origin is None, max_length=NAME_LENGTH)
    except NameProblem as problem:
        errors["origin_place"] = [problem_text(problem)]
    reference = " ".join((run.reference or "").split())[:60]
    if run.planned_departure and run.planned_arrival and \
            run.planned_arrival < run.planned_departure:
        errors["planned_arrival"] = [_("is before the departure")]
    if errors:
        raise ValidationFailed(errors)
    assert vehicle is not None  # noqa: S101 - errors were raised otherwise
    assert destination is not None  # noqa: S101
    try:
        with transaction.atomic():
            created = Run.objects.create(
                reference=reference, vehicle=vehicle, origin_site=origin, origin_place=place,
                destination=destination, hospital=hospital,
                planned_departure=run.planned_departure, planned_arrival=run.planned_arrival,
                created_at=clock.now(), created_by=actor.user)
            audit_record(actor=actor, action=AuditAction.RUN_CREATE, target_type="run",
                         target_ids=[created.id], site=destination.slug)
    except IntegrityError:
        raise ValidationFailed.single("reference", _("another run has this reference")) \
            from None
    return created


def _run_for_update(actor: Actor, run: str) -> Run:
    actor.require("run_transport")
    try:
        found = Run.objects.select_for_update(of=("self",)).select_related(
            "vehicle", "destination").filter(runs_visible(actor), id=run).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise NotFound(_("No such run."))
    return found


def _still_open(run: Run) -> None:
    if run.status == RunStatus.ARRIVED:
        raise Conflict(_("This run has already arrived."), reason="run_arrived")
    if run.status == RunStatus.CANCELLED:
        raise Conflict(_("This run was cancelled."), reason="run_cancelled")


def _name(raw: str, field: str, errors: dict[str, list[str]]) -> str:
    try:
        return clean_text(raw or "", required=True, max_length=NAME_LENGTH)
    except NameProblem as problem:
        errors[field] = [problem_text(problem)]
        return ""


def passengers_add(*, actor: Actor, run: str, codes: Sequence[str] = (),
                   names: Sequence[tuple[str, str]] = ()) -> list[Passenger]:
    """Add passengers to a run's manifest: by the code on their card, or by name.

    A household's code adds every living member, a member's code that member; a person
    already on the manifest is not added twice. Names (given, family) are for people to
    register on arrival. Refuse more passengers than the vehicle's seats (Conflict).
    """
    errors: dict[str, list[str]] = {}
    persons = []
    for index, text in enumerate(codes):
        try:
            household, person = presented(text, field=f"codes[{index}]")
        except ValidationFailed as problem:
            errors.update(problem.errors)
            continue
        persons.extend(living([person] if person is not None else all_members(household)))
    named = [(_name(given, f"names[{i}].given_name", errors),
              _name(family, f"names[{i}].family_name", errors))
             for i, (given, family) in enumerate(names)]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        found = _run_for_update(actor, run)
        _still_open(found)
        on_board = set(found.passengers.exclude(person=None).values_list("person_id", flat=True))
        fresh = list({p.id: p for p in persons if p.id not in on_board}.values())
        count = found.passengers.count()
        if count + len(fresh) + len(named) > found.vehicle.capacity:
            raise Conflict(_("%(plate)s seats %(seats)d; the manifest would hold %(n)d.")
                           % {"plate": found.vehicle.plate, "seats": found.vehicle.capacity,
                              "n": count + len(fresh) + len(named)},
                           reason="no_seats", details={"seats": found.vehicle.capacity,
                                                       "manifest": count})
        start = (found.passengers.aggregate(n=Max("position"))["n"] or 0) + 1
        added = Passenger.objects.bulk_create(
            [Passenger(run=found, person=p, position=start + i) for i, p in enumerate(fresh)]
            + [Passenger(run=found, given_name=g, family_name=f, position=start + len(fresh) + i)
               for i, (g, f) in enumerate(named)])
        if added:
            audit_record(actor=actor, action=AuditAction.RUN_UPDATE, target_type="person",
                         target_ids=[p.id for p in fresh], site=found.destination.slug)
    return added


def passenger_remove(*, actor: Actor, run: str, position: int) -> None:
    """Take a passenger off a run that has not arrived."""
    with transaction.atomic():
        found = _run_for_update(actor, run)
        _still_open(found)
        passenger = found.passengers.filter(position=position).first()
        if passenger is None:
            raise ValidationFailed.single("position", _("no passenger has this number"))
        passenger.delete()
        audit_record(actor=actor, action=AuditAction.RUN_UPDATE, target_type="person",
                     target_ids=[passenger.person_id] if passenger.person_id else [],
                     site=found.destination.slug)


def run_depart(*, actor: Actor, run: str, at: dt.datetime | None = None) -> Run:
    """Record that a planned run left."""
    with transaction.atomic():
        found = _run_for_update(actor, run)
        _still_open(found)
        if found.status == RunStatus.DEPARTED:
            raise Conflict(_("This run has already left."), reason="run_departed")
        found.status = RunStatus.DEPARTED
        found.departed_at = at or clock.now()
        found.save(update_fields=["status", "departed_at"])
        audit_record(actor=actor, action=AuditAction.RUN_UPDATE, target_type="run",
                     target_ids=[found.id], site=found.destination.slug)
    return found


def run_cancel(*, actor: Actor, run: str) -> Run:
    """Cancel a run that has not arrived; its manifest is kept."""
    with transaction.atomic():
        found = _run_for_update(actor, run)
        _still_open(found)
        found.status = RunStatus.CANCELLED
        found.save(update_fields=["status"])
        audit_record(actor=actor, action=AuditAction.RUN_UPDATE, target_type="run",
                     target_ids=[found.id], site=found.destination.slug)
    return found


@dataclass(frozen=True)
class RunArrival:
    run: Run
    arrived: list[Passenger]
    to_register: list[Passenger]  # arrived by name: register them, then link the code
    no_shows: list[Passenger]  # flagged for tracing


def _absent(passengers: list[Passenger], absent: Sequence[str]) -> set[int]:
    """Return the ids of the passengers marked absent: by card code or manifest number."""
    by_code = {p.person.code: p for p in passengers if p.person is not None}
    by_position = {str(p.position): p for p in passengers}
    chosen: set[int] = set()
    errors: dict[str, list[str]] = {}
    for index, text in enumerate(absent):
        typed = read_code(text)
        passenger = by_code.get(typed.code or "") or by_position.get((text or "").strip())
        if passenger is None:
            errors[f"absent[{index}]"] = [_("is not a passenger of this run (a code or a "
                                            "manifest number)")]
        else:
            chosen.add(passenger.id)
    if errors:
        raise ValidationFailed(errors)
    return chosen


def run_arrive(*, actor: Actor, run: str, absent: Sequence[str] = (),
               at: dt.datetime | None = None) -> RunArrival:
    """Record a run's arrival: its passengers arrive at the destination, all or nothing.

    `absent` lists passengers (codes or manifest numbers) who did not arrive: they are
    flagged for tracing to follow up. Everyone else on the manifest arrives at the run's
    destination at `at` (now if not given); passengers on the manifest by name only are
    marked arrived, to be registered. Only staff of the destination site may record it.
    """
    now = clock.now()
    moment = at or now
    with transaction.atomic():
        found = _run_for_update(actor, run)
        _still_open(found)
        destination = acting_site(actor, found.destination.slug, field="destination")
        passengers = list(found.passengers.select_related("person"))
        missing = _absent(passengers, absent)
        registered = [p for p in passengers if p.id not in missing and p.person is not None]
        rows = arrivals_record(actor=actor, arrivals=[(p.person.id, destination.slug, moment)
                                                      for p in registered if p.person]) \
            if registered else []
        for passenger, arrival in zip(registered, rows, strict=True):
            passenger.status = PassengerStatus.ARRIVED
            passenger.arrival = arrival
        by_name = [p for p in passengers if p.id not in missing and p.person is None]
        for passenger in by_name:
            passenger.status = PassengerStatus.ARRIVED
        no_shows = [p for p in passengers if p.id in missing]
        for passenger in no_shows:
            passenger.status = PassengerStatus.NO_SHOW
            passenger.flagged_at = now
        Passenger.objects.bulk_update(passengers, ["status", "arrival", "flagged_at"])
        found.status = RunStatus.ARRIVED
        found.arrived_at = moment
        found.departed_at = found.departed_at or found.planned_departure
        found.arrival_recorded_by = actor.user
        found.save(update_fields=["status", "arrived_at", "departed_at", "arrival_recorded_by"])
        audit_record(actor=actor, action=AuditAction.RUN_ARRIVE, target_type="person",
                     target_ids=[p.person_id for p in passengers if p.person_id],
                     site=destination.slug)
    return RunArrival(run=found, arrived=registered, to_register=by_name, no_shows=no_shows)


def passenger_link(*, actor: Actor, run: str, position: int, person: str) -> Passenger:
    """Say which registered person a passenger listed by name became (after registering)."""
    with transaction.atomic():
        found = _run_for_update(actor, run)
        passenger = found.passengers.filter(position=position, person=None).first()
        if passenger is None:
            raise ValidationFailed.single("position", _("no passenger listed by name has this "
                                                        "number"))
        _household, target = presented(person, field="person")
        if target is None:
            raise ValidationFailed.single("person", _("use the person's own code, not the "
                                                      "household's"))
        passenger.person = target
        try:
            passenger.save(update_fields=["person"])
        except IntegrityError:
            raise ValidationFailed.single("person", _("is already on this run")) from None
        audit_record(actor=actor, action=AuditAction.RUN_UPDATE, target_type="person",
                     target_ids=[target.id], site=found.destination.slug)
    return passenger
