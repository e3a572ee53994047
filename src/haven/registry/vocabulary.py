"""The registry's coded values: one vocabulary for API, forms, imports and exports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteKind(models.TextChoices):
    BORDER_CROSSING = "border_crossing", _("Border crossing")
    RECEPTION_HUB = "reception_hub", _("Reception hub")
    SHELTER = "shelter", _("Shelter")
    HOSPITAL = "hospital", _("Hospital")
    TRANSIT_POINT = "transit_point", _("Transit point")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Son or daughter")
    PARENT = "parent", _("Mother or father")
    SIBLING = "sibling", _("Brother or sister")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NOT_RELATED = "not_related", _("Not related")


class DocumentType(models.TextChoices):
    NONE = "none", _("No document")
    PASSPORT = "passport", _("Passport")
    INTERNAL_PASSPORT = "internal_passport", _("Internal or Soviet passport")
    NATIONAL_ID = "national_id", _("National ID card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    MILITARY_ID = "military_id", _("Military ID")
    REFUGEE_CERTIFICATE = "refugee_certificate", _("Refugee certificate")
    OTHER = "other", _("Other document")


class Vulnerability(models.TextChoices):
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied child")
    SEPARATED_CHILD = "separated_child", _("Separated child")
    INJURED = "injured", _("Injured")
    BURNS = "burns", _("Burns")
    MALNOURISHED = "malnourished", _("Malnourished")
    CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness")
    PREGNANT = "pregnant", _("Pregnant")
    # The six Washington Group short-set domains.
    DISABILITY_SEEING = "disability_seeing", _("Disability: seeing")
    DISABILITY_HEARING = "disability_hearing", _("Disability: hearing")
    DISABILITY_MOBILITY = "disability_mobility", _("Disability: walking or climbing steps")
    DISABILITY_COGNITION = "disability_cognition", _("Disability: remembering or concentrating")
    DISABILITY_SELFCARE = "disability_selfcare", _("Disability: self-care")
    DISABILITY_COMMUNICATION = "disability_communication", _("Disability: communicating")
    ELDERLY_ALONE = "elderly_alone", _("Elderly person alone")


class PersonStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    DEPARTED = "departed", _("Departed")
    DECEASED = "deceased", _("Deceased")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    ODK = "odk", _("ODK Collect")
    IMPORT = "import", _("File import")
    SCENARIO = "scenario", _("Scenario replay")


class BirthDatePrecision(models.TextChoices):
    DAY = "day", _("Full date")
    MONTH = "month", _("Year and month")
    YEAR = "year", _("Year only")
    ESTIMATED = "estimated", _("Estimated from age")
