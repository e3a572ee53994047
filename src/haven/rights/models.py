"""What remains of an erasure: that it happened, why, and a tally without anyone in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Erasure(models.Model):
    """One erasure: who, when, why, and how many rows of each kind went. Never whom.

    `reason` is the legal or mission ground ("data subject's request under art. 17",
    "court order 12/2026"); the forms ask for no names in it.
    """

    at = models.DateTimeField()
    # None: the retention schedule (haven.rights.retention), not a person, erased it.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+")
    reason = models.TextField()
    persons = models.PositiveIntegerField()
    households = models.PositiveIntegerField()
    rows = models.JSONField(default=dict)  # {"registry.arrival": 3, ...}

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"erasure {self.pk} at {self.at:%Y-%m-%d}"


class TallyKind(models.TextChoices):
    PERSON = "person"  # day of first arrival anywhere, sex, age band, status
    SITE_PERSON = "site_person"  # per site: day of first arrival there, sex, band, status
    REGISTRATION = "registration"  # per registration site and day: one per record
    HOUSEHOLD = "household"  # per site and day the household first reached it
    HOUSEHOLD_TOTAL = "household_total"
    VULNERABILITY = "vulnerability"  # per code (disability_* as "disability")
    PRESENT = "present"  # per site of the latest arrival, when present


class ErasedTally(models.Model):
    """What erased persons still count for in the situation report, summed with no key.

    Rows are added up by (kind, site, day, sex, band, status, code): once two people
    share a cell, nothing tells their contributions apart. The age band is the one on
    the day of the erasure (the report computes the others' on its own date).
    """

    kind = models.CharField(max_length=20, choices=TallyKind.choices)
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    day = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    band = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, blank=True)
    code = models.CharField(max_length=30, blank=True)
    n = models.PositiveIntegerField(default=0)

    # One row per cell, kept by haven.rights.tally under the erasure's write lock (no
    # unique constraint: SQLite cannot declare one that treats the empty site as equal).

    def __str__(self) -> str:
        return f"{self.kind} {self.n}"
