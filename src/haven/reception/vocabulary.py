"""Reception's coded values: one vocabulary for API, pages, CLI and the demo."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haven.registry.vocabulary import SiteKind

# Sites that may hold shelter units: a hub's theatre hall is a shelter as much as a school.
SHELTER_KINDS = frozenset({SiteKind.SHELTER, SiteKind.RECEPTION_HUB, SiteKind.TRANSIT_POINT})


class StayEnd(models.TextChoices):
    CHECKED_OUT = "checked_out", _("Checked out")
    TRANSFERRED = "transferred", _("Transferred")


class Destination(models.TextChoices):
    """Where a person went on leaving a shelter."""

    OTHER_SHELTER = "other_shelter", _("Other shelter")
    PRIVATE_ACCOMMODATION = "private_accommodation", _("Private accommodation")
    HOSPITAL = "hospital", _("Hospital")
    ONWARD_TRAVEL = "onward_travel", _("Onward travel")
    UNKNOWN = "unknown", _("Unknown")


class PlacementAction(models.TextChoices):
    PLACED = "placed", _("Placed")
    CHECKED_IN = "checked_in", _("Checked in")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    TRANSFERRED_IN = "transferred_in", _("Transferred in")
    CHECKED_OUT = "checked_out", _("Checked out")


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    PLACED = "placed", _("Placed")
    CANCELLED = "cancelled", _("Cancelled")


class VehicleKind(models.TextChoices):
    BUS = "bus", _("Bus")
    AMBULANCE = "ambulance", _("Ambulance")
    PRIVATE_CAR = "private_car", _("Private car")
    TRUCK = "truck", _("Truck")


class RunStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DEPARTED = "departed", pgettext_lazy("run", "Departed")
    ARRIVED = "arrived", _("Arrived")
    CANCELLED = "cancelled", _("Cancelled")


class PassengerStatus(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    ARRIVED = "arrived", _("Arrived")
    NO_SHOW = "no_show", _("Did not arrive")
