"""Sites, households, persons and their arrivals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from haven.core.ids import new_code, uuid7
from haven.registry.birth_dates import birth_date_text
from haven.registry.vocabulary import (
    BirthDatePrecision,
    Channel,
    DocumentType,
    PersonStatus,
    Relationship,
    Sex,
    SiteKind,
    Vulnerability,
)

NAME_LENGTH = 100


class Site(models.Model):
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    name_en = models.CharField(_("name in English"), max_length=120)
    name_hy = models.CharField(_("name in Armenian"), max_length=120, blank=True)
    name_ru = models.CharField(_("name in Russian"), max_length=120, blank=True)
    settlement = models.CharField(_("settlement"), max_length=120)
    province = models.CharField(_("province"), max_length=120)
    # Codes that join published tables to boundary data (haven.registry.provinces): the
    # province's ISO 3166-2 code, and OCHA COD p-codes where the deployment has them.
    province_code = models.CharField(_("province code (ISO 3166-2)"), max_length=10,
                                     blank=True)
    province_pcode = models.CharField(_("province p-code (OCHA COD)"), max_length=20,
                                      blank=True)
    pcode = models.CharField(_("site p-code (OCHA COD)"), max_length=20, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """Return the name in the active language, falling back to English."""
        language = translation.get_language() or "en"
        localized = getattr(self, f"name_{language[:2]}", "")
        return str(localized or self.name_en)


class Household(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.CharField(max_length=20, unique=True, default=new_code, editable=False)
    registered_at = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+",
                                      db_index=False)
    place_of_origin = models.CharField(max_length=NAME_LENGTH, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    phone_e164 = models.CharField(max_length=20, blank=True, db_index=True)
    size = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    updated_at = models.DateTimeField()
    # Where and when the record's arrivals began and ended, kept by the registry's
    # services whenever an arrival is recorded, from the record's own arrivals: the
    # situation report counts a million persons by scanning these columns instead of
    # grouping two million arrivals by person. `second_site` is the site first reached
    # after `first_site` (the first arrival anywhere else), so for nearly everyone
    # (border, then hub) each site's first arrival is on the row; `site_count` says
    # whether it is all of them. Ties at the same moment go to the lowest site id.
    first_arrived_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False, db_index=False)
    second_arrived_at = models.DateTimeField(null=True, blank=True, editable=False)
    second_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False, db_index=False)
    last_arrived_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", editable=False, db_index=False)
    site_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # No index on the summary's sites: nothing looks records up by them, and every index
    # is paid for on each of a million inserts (haven.intake's bulk import).

    class Meta:
        indexes = [
            models.Index(fields=["created_at"]),
            # The few households whose members reached three sites or more: the report
            # reads their arrivals instead of the summary.
            models.Index(fields=["site_count"], name="registry_household_roaming",
                         condition=models.Q(site_count__gt=2)),
        ]

    def __str__(self) -> str:
        return self.code


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.CharField(max_length=20, unique=True, default=new_code, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    given_name = models.CharField(max_length=NAME_LENGTH)
    family_name = models.CharField(max_length=NAME_LENGTH)
    patronymic = models.CharField(max_length=NAME_LENGTH, blank=True)
    given_name_script = models.CharField(max_length=10)
    family_name_script = models.CharField(max_length=10)
    patronymic_script = models.CharField(max_length=10)
    # Matching keys (haven.core.names) that unite a name's spellings in every script: the
    # registration-time hint and the linkage engine look people up by these.
    given_name_key = models.CharField(max_length=NAME_LENGTH, blank=True, default="")
    family_name_key = models.CharField(max_length=NAME_LENGTH, blank=True, default="")
    sex = models.CharField(max_length=10, choices=Sex.choices)
    # A partial date as people know it: year only, year and month, or the full date.
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_date_precision = models.CharField(
        max_length=10, choices=BirthDatePrecision.choices, blank=True
    )
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    document_type = models.CharField(
        max_length=20, choices=DocumentType.choices, default=DocumentType.NONE
    )
    document_number = models.CharField(max_length=50, blank=True)
    status = models.CharField(
        max_length=10, choices=PersonStatus.choices, default=PersonStatus.PRESENT
    )
    position = models.PositiveSmallIntegerField(default=0)
    # Set when the linkage engine or a reviewer found this record to be the same person as
    # another: counts and reports use the person it was merged into; the record itself,
    # its arrivals and its history stay as they were, so an unmerge restores them exactly.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # The household's registration site, copied: reports count registrations per site
    # without joining a million persons to their households (a household never moves).
    registered_at = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", editable=False, db_index=False)
    # The same summary as the household's (see there), of this record's own arrivals.
    first_arrived_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False, db_index=False)
    second_arrived_at = models.DateTimeField(null=True, blank=True, editable=False)
    second_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", editable=False, db_index=False)
    last_arrived_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", editable=False, db_index=False)
    site_count = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["household_id", "position"]
        indexes = [
            models.Index(fields=["family_name_key", "given_name_key", "birth_year"]),
            # Search by name (haven.registry.name_search): a given name's key with the
            # birth year, when the family name is misspelt beyond one edit or changed.
            models.Index(fields=["given_name_key", "birth_year"], name="registry_person_given"),
            # ... and a family name's key with the birth year, when the given name is
            # slipped at its first letter (Zanna for Zhanna): name_lookup's tier 2.
            models.Index(fields=["family_name_key", "birth_year"],
                         name="registry_person_family_year"),
            models.Index(fields=["created_at"]),
            # Records with arrivals after a report's date, and those that reached three
            # sites or more, are counted from their arrivals (haven.reports.queries).
            models.Index(fields=["last_arrived_at"]),
            models.Index(fields=["site_count"], name="registry_person_roaming",
                         condition=models.Q(site_count__gt=2)),
            # The situation report's scan has its own index on SQLite, on expressions
            # Django cannot declare for both databases (registry migration 0004).
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.patronymic, self.family_name) if p)

    @property
    def birth_date(self) -> str:
        """Return the birth date at the precision it was given: 1948, 1948-03, 1948-03-15."""
        return birth_date_text(self.birth_year, self.birth_month, self.birth_day)


class PersonVulnerability(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vulnerabilities")
    code = models.CharField(max_length=30, choices=Vulnerability.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "code"], name="one_vulnerability_per_code")
        ]
        indexes = [models.Index(fields=["code", "person"])]

    def __str__(self) -> str:
        return self.code


class Arrival(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="arrivals")
    # Looked up by site through the (site, person) and (site, arrived_at) indexes below.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="arrivals",
                             db_index=False)
    arrived_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        ordering = ["arrived_at"]
        indexes = [
            models.Index(fields=["site", "person"]),
            models.Index(fields=["site", "arrived_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.site_id}"


class RecordChange(models.Model):
    """One change to a household or a person: the record's own history of edits.

    Unlike the audit log this holds the values (it is part of the record, protected
    like it); the audit log holds only who touched which record.
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="changes")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20)  # "created", "updated", "arrived"
    changes = models.JSONField(default=dict)  # {field: [old, new]}

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.household_id}"
