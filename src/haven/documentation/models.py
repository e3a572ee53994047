"""What a right of return needs on record: homes, land and property; cultural heritage.

Files (deeds, photographs) are `Attachment`s: stored under var/, never in the database,
with the SHA-256 taken at upload so an evidence export can prove they are unchanged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from haven.core.encryption import EncryptedTextField
from haven.core.ids import uuid7


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photograph")
    DOCUMENT = "document", _("Document")


class Attachment(models.Model):
    """A file as uploaded: its type found from its bytes, its digest, where it is stored."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    caption = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.pk} ({self.content_type})"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Tenure(models.TextChoices):
    OWNER = "owner", _("Owner")
    TENANT = "tenant", _("Tenant")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class PropertyCondition(models.TextChoices):
    INTACT = "intact", _("Intact")
    DAMAGED = "damaged", _("Damaged")
    DESTROYED = "destroyed", _("Destroyed")
    OCCUPIED = "occupied", _("Occupied by others")
    ALTERED = "altered", _("Altered")
    UNKNOWN = "unknown", _("Not known")


class SourceKind(models.TextChoices):
    TESTIMONY = "testimony", _("Testimony")
    VISIT = "visit", _("Visit")
    SATELLITE = "satellite", _("Satellite image")
    PUBLISHED = "published", _("Published report")
    PHOTOGRAPH = "photograph", _("Photograph")
    OTHER = "other", _("Other")


class HomeOfOrigin(models.Model):
    """A displaced household's home: where it is, how they held it, and papers proving it."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="+")
    settlement = models.CharField(max_length=100)
    address = models.CharField(max_length=300, blank=True)  # or a description of the place
    cadastral_number = models.CharField(max_length=60, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    tenure = models.CharField(max_length=10, choices=Tenure.choices)
    documents = models.ManyToManyField(Attachment, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.settlement} ({self.household_id})"


class PropertyReport(models.Model):
    """What someone saw of a home on a date, and how they know."""

    home = models.ForeignKey(HomeOfOrigin, on_delete=models.PROTECT, related_name="reports")
    observed_on = models.DateField()
    source = models.CharField(max_length=12, choices=SourceKind.choices)
    condition = models.CharField(max_length=10, choices=PropertyCondition.choices)
    seen = models.CharField(max_length=1000, blank=True)
    photos = models.ManyToManyField(Attachment, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["observed_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.home_id} {self.observed_on} {self.condition}"


class HeritageKind(models.TextChoices):
    CHURCH = "church", _("Church")
    MONASTERY = "monastery", _("Monastery")
    CEMETERY = "cemetery", _("Cemetery")
    KHACHKAR = "khachkar", _("Khachkar (cross-stone)")
    MONUMENT = "monument", _("Monument")
    SCHOOL = "school", _("School")
    MUSEUM = "museum", _("Museum")


class HeritageSite(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    kind = models.CharField(max_length=12, choices=HeritageKind.choices)
    name_en = models.CharField(max_length=160)
    name_hy = models.CharField(max_length=160, blank=True)
    name_ru = models.CharField(max_length=160, blank=True)
    settlement = models.CharField(max_length=100)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    description = models.CharField(max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        """Return the name in the active language, falling back to English."""
        language = (translation.get_language() or "en")[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_en)


class HeritageObservation(models.Model):
    """The condition of a heritage site on a date, from a stated source, with photographs."""

    heritage = models.ForeignKey(HeritageSite, on_delete=models.PROTECT,
                                 related_name="observations")
    observed_on = models.DateField()
    source = models.CharField(max_length=12, choices=SourceKind.choices)
    reference = models.CharField(max_length=500, blank=True)  # a citation, URL, image id
    condition = models.CharField(max_length=10, choices=PropertyCondition.choices)
    note = models.CharField(max_length=2000, blank=True)
    photos = models.ManyToManyField(Attachment, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["observed_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.heritage_id} {self.observed_on} {self.condition}"


class Testimony(models.Model):
    """A person's statement, kept encrypted, used only as far as their consent goes.

    Consent has three scopes: internal use by the agency, use in legal proceedings, and
    publication anonymised. Withdrawing it (at any time) hides the statement from everyone:
    no page, answer or export shows it again; the audit log keeps that it existed.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    # The witness: a registered person, or someone who would rather not be (described).
    witness = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    witness_description = EncryptedTextField(blank=True)
    given_on = models.DateField()
    language = models.CharField(max_length=10)
    statement = EncryptedTextField()
    consent_internal = models.BooleanField(default=False)
    consent_legal = models.BooleanField(default=False)
    consent_publication = models.BooleanField(default=False)  # anonymised
    consent_recorded_at = models.DateTimeField()
    heritage = models.ManyToManyField(HeritageSite, blank=True, related_name="+")
    homes = models.ManyToManyField(HomeOfOrigin, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-given_on", "-recorded_at"]

    def __str__(self) -> str:
        return str(self.pk)

    @property
    def scopes(self) -> list[str]:
        return [scope for scope, given in (("internal", self.consent_internal),
                                           ("legal", self.consent_legal),
                                           ("publication", self.consent_publication)) if given]
