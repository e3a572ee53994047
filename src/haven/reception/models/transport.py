"""Vehicles, their runs from one place to a site, and each run's passenger manifest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from haven.core.ids import uuid7
from haven.reception.vocabulary import PassengerStatus, RunStatus, VehicleKind

NAME_LENGTH = 100


class Vehicle(models.Model):
    kind = models.CharField(max_length=20, choices=VehicleKind.choices)
    plate = models.CharField(max_length=20, unique=True)  # upper case, without spaces
    capacity = models.PositiveSmallIntegerField()  # passengers, the driver not counted
    operator = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", db_index=False)

    class Meta:
        ordering = ["kind", "plate"]

    def __str__(self) -> str:
        return self.plate


class Run(models.Model):
    """One journey of a vehicle to a site; an ambulance's carries the destination hospital.

    The origin is a site or, as often, a place Haven has no site for (Stepanakert).
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    # An operator's own number for the run (a convoy or dispatch number), unique if given.
    reference = models.CharField(max_length=60, blank=True)
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="runs")
    origin_site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", db_index=False)
    origin_place = models.CharField(max_length=NAME_LENGTH, blank=True)
    destination = models.ForeignKey("registry.Site", on_delete=models.PROTECT,
                                    related_name="+")
    hospital = models.ForeignKey("registry.Site", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", db_index=False)
    planned_departure = models.DateTimeField(null=True, blank=True)
    planned_arrival = models.DateTimeField(null=True, blank=True)
    departed_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices,
                              default=RunStatus.PLANNED)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    arrival_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                            null=True, blank=True, related_name="+",
                                            db_index=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], condition=~Q(reference=""),
                                    name="reception_run_reference"),
        ]

    def __str__(self) -> str:
        return self.reference or str(self.id)


class Passenger(models.Model):
    """One line of a run's manifest: a registered person, or a name to register on arrival."""

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="passengers")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", db_index=False)
    given_name = models.CharField(max_length=NAME_LENGTH, blank=True)
    family_name = models.CharField(max_length=NAME_LENGTH, blank=True)
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=PassengerStatus.choices,
                              default=PassengerStatus.EXPECTED)
    arrival = models.ForeignKey("registry.Arrival", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", db_index=False)
    # Did not arrive with the run: tracing follows up (haven.reception.selectors.no_shows).
    flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], condition=Q(person__isnull=False),
                                    name="reception_passenger_once_per_run"),
        ]
        indexes = [models.Index(fields=["flagged_at"], condition=Q(flagged_at__isnull=False),
                                name="reception_passenger_flagged")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.position}"
