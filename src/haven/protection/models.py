"""Referrals, incidents and their casualties, and the people left behind.

Free-text details are EncryptedTextField (encrypted at rest with the field key, see
haven.core.encryption and docs/security.md); coded values that reports count stay clear.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from haven.core.encryption import EncryptedTextField
from haven.core.ids import uuid7
from haven.protection.vocabulary import (
    CasualtyKind,
    Condition,
    IncidentKind,
    LeftBehindStatus,
    NeedsMet,
    ReferralStatus,
    Service,
    Urgency,
)
from haven.registry.models import NAME_LENGTH, Person, Site
from haven.registry.vocabulary import Sex

USER = settings.AUTH_USER_MODEL


class Referral(models.Model):
    """A person referred from one site to a service, at that site or another."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    from_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    to_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=20, choices=Service.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    consent = models.BooleanField()
    # Referred without consent to save a life (the person unconscious, a child alone):
    # allowed only for emergencies, with the reason recorded.
    life_saving_exception = models.BooleanField(default=False)
    exception_reason = EncryptedTextField(blank=True)
    reason = EncryptedTextField(blank=True)
    notes = EncryptedTextField(blank=True)
    status = models.CharField(max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.REQUESTED)
    status_reason = EncryptedTextField(blank=True)  # why it was declined, or how it ended
    follow_up_on = models.DateField(null=True, blank=True)
    # The officer who follows the referral up: its author, until someone takes it over.
    officer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    answered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["from_site", "status"]),
            models.Index(fields=["to_site", "status"]),
            models.Index(fields=["officer", "follow_up_on"]),
            models.Index(fields=["person"]),
        ]

    def __str__(self) -> str:
        return str(self.id)


class ReferralUpdate(models.Model):
    """One step in a referral's history: requested, accepted, a follow-up, declined..."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="updates")
    at = models.DateTimeField()
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=12)  # a ReferralStatus value, or "follow_up"
    note = EncryptedTextField(blank=True)
    follow_up_on = models.DateField(null=True, blank=True)  # the next one set at this step

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.referral_id}"


class Incident(models.Model):
    """An event that killed, injured or separated people: public facts, kept in clear."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    kind = models.CharField(max_length=12, choices=IncidentKind.choices)
    name = models.CharField(max_length=200)
    occurred_on = models.DateField()
    place = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_on", "name"]

    def __str__(self) -> str:
        return self.name


class Casualty(models.Model):
    """One person dead, injured or missing in an incident: identified, or described."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="casualties")
    kind = models.CharField(max_length=10, choices=CasualtyKind.choices)
    # The site that holds the record: where the person was brought or reported.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField()  # died, injured or last seen: the report counts by it
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    # An unidentified person's description: sex and approximate age coded, the rest
    # encrypted (what they wore and carried, where they were found, marks).
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    approximate_age = models.PositiveSmallIntegerField(null=True, blank=True)
    clothing = EncryptedTextField(blank=True)
    belongings = EncryptedTextField(blank=True)
    found_at = EncryptedTextField(blank=True)
    marks = EncryptedTextField(blank=True)  # distinguishing features
    injuries = EncryptedTextField(blank=True)  # medical: injuries, or the cause of death
    identified_at = models.DateTimeField(null=True, blank=True)
    identified_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        indexes = [models.Index(fields=["kind", "occurred_on", "site"]),
                   models.Index(fields=["person"])]
        verbose_name_plural = "casualties"

    def __str__(self) -> str:
        return str(self.id)


class LeftBehind(models.Model):
    """A person known or reported to remain in the area of origin."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")  # keeps it
    given_name = models.CharField(max_length=NAME_LENGTH)
    family_name = models.CharField(max_length=NAME_LENGTH)
    patronymic = models.CharField(max_length=NAME_LENGTH, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    vulnerabilities = models.JSONField(default=list)  # haven.registry Vulnerability codes
    location = EncryptedTextField(blank=True)  # where they are: a life could depend on it
    needs = EncryptedTextField(blank=True)
    reported_by = EncryptedTextField(blank=True)  # who reported them, and how to reach them
    reported_on = models.DateField()
    last_contact_on = models.DateField(null=True, blank=True)
    check_every_days = models.PositiveSmallIntegerField(default=14)
    # The last contact (or the report) plus the interval; kept by the services, so that
    # overdue checks are one indexed comparison.
    next_check_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=LeftBehindStatus.choices,
                              default=LeftBehindStatus.REMAINING)
    # Once transferred: the registered person they became, and where they arrived.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    transferred_to = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    transferred_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["site", "status"]),
                   models.Index(fields=["status", "next_check_on"])]

    def __str__(self) -> str:
        return str(self.id)


class LeftBehindRelative(models.Model):
    """A registered relative of a person left behind: whom their news must reach."""

    left_behind = models.ForeignKey(LeftBehind, on_delete=models.CASCADE,
                                    related_name="relatives")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["left_behind", "person"],
                                               name="one_link_per_relative")]

    def __str__(self) -> str:
        return f"{self.left_behind_id}~{self.person_id}"


class WelfareCheck(models.Model):
    left_behind = models.ForeignKey(LeftBehind, on_delete=models.PROTECT, related_name="checks")
    checked_on = models.DateField()
    visited_by = EncryptedTextField(blank=True)  # the team or organisation that checked
    condition = models.CharField(max_length=12, choices=Condition.choices)
    needs_met = models.CharField(max_length=8, choices=NeedsMet.choices)
    notes = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-checked_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.left_behind_id} {self.checked_on}"
