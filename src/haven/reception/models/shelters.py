"""Shelter units with beds, the households placed in them, and who waits for a bed.

Occupancy is never stored: a bed is taken by a `Stay` that has not ended, so the figures
are counted from the people themselves and cannot drift from them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from haven.core.ids import uuid7
from haven.reception.vocabulary import Destination, PlacementAction, StayEnd, WaitingStatus

UNIT_NAME_LENGTH = 80
REASON_LENGTH = 300


class ShelterUnit(models.Model):
    """A room, hall or tent at a site, with its beds and those a wheelchair user can reach.

    A site's shelter capacity is the sum of its active units' beds.
    """

    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+",
                             db_index=False)  # the (site, name) constraint indexes it
    name = models.CharField(max_length=UNIT_NAME_LENGTH)
    beds = models.PositiveIntegerField()
    accessible_beds = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", db_index=False)

    class Meta:
        ordering = ["site_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="reception_unit_name_per_site"),
            models.CheckConstraint(condition=Q(accessible_beds__lte=F("beds")),
                                   name="reception_unit_accessible_within_beds"),
        ]

    def __str__(self) -> str:
        return self.name


class Placement(models.Model):
    """One household placed at one shelter site: its members' stays and its history."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="+")
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", db_index=False)
    # Why an officer placed only some of the household's members here (empty: all of them).
    split_reason = models.CharField(max_length=REASON_LENGTH, blank=True)
    transferred_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+", db_index=False)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["site", "placed_at"])]

    def __str__(self) -> str:
        return f"{self.household_id}@{self.site_id}"


class Stay(models.Model):
    """One person's bed: from placement (expected) through check-in to check-out or transfer.

    A stay that has not ended holds a bed in its unit; a checked-in one is a person present.
    A person has at most one stay that has not ended (a constraint, on both databases).
    """

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="stays")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                               db_index=False)  # the constraint below indexes open stays
    unit = models.ForeignKey(ShelterUnit, on_delete=models.PROTECT, related_name="stays",
                             db_index=False)
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+",
                             db_index=False)  # the unit's site, counted without a join
    needs_accessible = models.BooleanField(default=False)
    placed_at = models.DateTimeField()
    checked_in_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end = models.CharField(max_length=20, choices=StayEnd.choices, blank=True)
    destination = models.CharField(max_length=30, choices=Destination.choices, blank=True)
    destination_site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+", db_index=False)

    class Meta:
        ordering = ["placement_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_at__isnull=True),
                                    name="reception_one_open_stay_per_person"),
        ]
        indexes = [
            # Beds taken now, per unit: every placement counts them under the unit's lock.
            models.Index(fields=["unit"], condition=Q(ended_at__isnull=True),
                         name="reception_stay_open_unit"),
            # Who was present at a site at a moment (the situation report).
            models.Index(fields=["site", "checked_in_at"], name="reception_stay_site_in"),
            models.Index(fields=["person", "placed_at"], name="reception_stay_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.unit_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class PlacementEvent(models.Model):
    """One step in a placement's history: placed, checked in, transferred, checked out."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                           related_name="+", db_index=False)
    action = models.CharField(max_length=20, choices=PlacementAction.choices)
    persons = models.JSONField(default=list)  # the person ids the step concerned
    details = models.JSONField(default=dict)  # unit names, destination, reason

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.placement_id}"


class WaitingEntry(models.Model):
    """A household waiting for a bed at a site: served by priority, then in order of request."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="+", db_index=False)
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    size = models.PositiveSmallIntegerField()
    accessible_beds = models.PositiveSmallIntegerField(default=0)
    # A member is vulnerable (any recorded vulnerability, a small child, an elderly person):
    # the list serves these first. Which member and why is not stored here.
    priority = models.BooleanField(default=False)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", db_index=False)
    status = models.CharField(max_length=10, choices=WaitingStatus.choices,
                              default=WaitingStatus.WAITING)
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", db_index=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household"],
                                    condition=Q(status=WaitingStatus.WAITING),
                                    name="reception_one_wait_per_household"),
        ]
        indexes = [models.Index(fields=["site", "status", "priority", "requested_at"],
                                name="reception_waiting_order")]

    def __str__(self) -> str:
        return f"{self.household_id} waits at {self.site_id}"
