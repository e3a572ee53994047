"""Tracing requests, the people they seek, alerts, reunifications, children, safe and well."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from haven.tracing.vocabulary import (
    AlertState,
    ChildReason,
    ChildStatus,
    Priority,
    RequestStatus,
    ShareScope,
)

TEXT = 200


class TracingRequest(models.Model):
    """A family's request to find someone, held by the tracing desk of one site."""

    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    status = models.CharField(max_length=20, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.OTHER)
    searcher_name = models.CharField(max_length=TEXT)
    searcher_relationship = models.CharField(max_length=60, blank=True)
    searcher_contact = models.CharField(max_length=TEXT, blank=True)
    searcher_staying_at = models.CharField(max_length=TEXT, blank=True)
    consent_share = models.BooleanField(default=False)
    share_scope = models.CharField(max_length=20, choices=ShareScope.choices,
                                   default=ShareScope.NONE)
    details = models.TextField(blank=True)
    close_reason = models.CharField(max_length=TEXT, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    matched_at = models.DateTimeField(null=True, blank=True)  # first confirmed
    reunified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "site"]),
                   models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"TR-{self.pk}"


class SoughtPerson(models.Model):
    request = models.ForeignKey(TracingRequest, on_delete=models.CASCADE, related_name="sought")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    patronymic = models.CharField(max_length=100, blank=True)
    other_names = models.CharField(max_length=TEXT, blank=True)  # other spellings, any script
    sex = models.CharField(max_length=10, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)  # as the searcher said
    origin = models.CharField(max_length=100, blank=True)
    last_seen_place = models.CharField(max_length=TEXT, blank=True)
    last_seen_on = models.DateField(null=True, blank=True)
    details = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.pk}"

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.given_name, self.patronymic, self.family_name) if p)


class SoughtKey(models.Model):
    """A name key of a sought person, and the keys one letter shorter: what a new
    registration's keys are looked up in (a deletion neighbourhood, so a typo on either
    side still meets)."""

    sought = models.ForeignKey(SoughtPerson, on_delete=models.CASCADE, related_name="keys")
    field = models.CharField(max_length=1)  # "f" family, "g" given
    key = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["field", "key"])]

    def __str__(self) -> str:
        return f"{self.field}:{self.key}"


class RequestEvent(models.Model):
    """The request's history: each status change, with its reason."""

    request = models.ForeignKey(TracingRequest, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.CharField(max_length=TEXT, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"


class Alert(models.Model):
    """A registered person who may be the one a request seeks: one per (request, person)."""

    request = models.ForeignKey(TracingRequest, on_delete=models.CASCADE, related_name="alerts")
    sought = models.ForeignKey(SoughtPerson, on_delete=models.CASCADE, related_name="alerts")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list)  # untranslated phrases (name_search)
    state = models.CharField(max_length=10, choices=AlertState.choices, default=AlertState.NEW)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "person"],
                                               name="tracing_one_alert_per_request_person")]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.person_id}"


class Reunification(models.Model):
    request = models.OneToOneField(TracingRequest, on_delete=models.PROTECT,
                                   related_name="reunification")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    relationship = models.CharField(max_length=60, blank=True)  # the family link
    searcher_consent = models.BooleanField()
    found_consent = models.BooleanField()  # the person found, or their guardian
    place = models.CharField(max_length=TEXT)
    reunited_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.request_id}"


class ChildCase(models.Model):
    """A child registered without an adult of the household, followed until safe."""

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=ChildReason.choices)
    status = models.CharField(max_length=10, choices=ChildStatus.choices,
                              default=ChildStatus.OPEN)
    flagged_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=TEXT, blank=True)

    class Meta:
        ordering = ["flagged_at", "id"]
        indexes = [models.Index(fields=["status", "site"])]

    def __str__(self) -> str:
        return f"{self.person_id}"


class SafeAndWell(models.Model):
    """A person's consent to "tell my family I am safe"; withdrawn consent is kept, dated."""

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="+")
    consented_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person_id}"


class SafeAndWellLookup(models.Model):
    """One safe-and-well question asked: what the rate limit counts (no names kept)."""

    client_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["client_address", "at"])]

    def __str__(self) -> str:
        return f"{self.client_address}@{self.at}"


class OpenRequestsVersion(models.Model):
    """One row: a token the database's triggers renew whenever the open requests' sought
    persons change (haven.tracing.open_requests keeps them in memory and compares it)."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    token = models.CharField(max_length=40)

    def __str__(self) -> str:
        return self.token
