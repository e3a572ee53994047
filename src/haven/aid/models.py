"""Aid: donors, their contributions from pledge to payment, deliveries, distributions.

Money is Decimal, never float. A contribution's value in US dollars is fixed from the
administrators' rate table on the date of its latest status (as OCHA's Financial
Tracking Service values a contribution at the rate of its commitment or payment).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.core.ids import uuid7


class DonorKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    MULTILATERAL = "multilateral", _("Multilateral organisation")
    UN_AGENCY = "un_agency", _("UN agency")
    NGO = "ngo", _("Non-governmental organisation")
    PRIVATE = "private", _("Private donor or foundation")
    OTHER = "other", _("Other")


class ContributionStatus(models.TextChoices):
    """The statuses of OCHA's Financial Tracking Service, in the order they follow."""

    PLEDGE = "pledge", _("Pledge")
    COMMITMENT = "commitment", _("Commitment")
    PAID = "paid", _("Paid")


STATUS_ORDER = (ContributionStatus.PLEDGE, ContributionStatus.COMMITMENT,
                ContributionStatus.PAID)


class ContributionKind(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class Unit(models.TextChoices):
    TONS = "tons", _("tons")
    KITS = "kits", _("kits")
    ITEMS = "items", _("items")


class Sector(models.TextChoices):
    """The humanitarian clusters a contribution may be earmarked to."""

    MULTI = "multi_sector", _("Multi-sector")
    SHELTER = "shelter", _("Shelter")
    FOOD = "food", _("Food security")
    HEALTH = "health", _("Health")
    NUTRITION = "nutrition", _("Nutrition")
    WASH = "wash", _("Water, sanitation and hygiene")
    PROTECTION = "protection", _("Protection")
    EDUCATION = "education", _("Education")
    NFI = "nfi", _("Non-food items")
    CASH = "cash", _("Multipurpose cash")
    LOGISTICS = "logistics", _("Logistics")


class Donor(models.Model):
    name = models.CharField(_("organisation"), max_length=160, unique=True)
    country = models.CharField(_("country"), max_length=2, blank=True,
                               help_text=_("ISO 3166-1 alpha-2 code, e.g. GB"))
    kind = models.CharField(_("type"), max_length=20, choices=DonorKind.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExchangeRate(models.Model):
    """US dollars for one unit of a currency from a date on, kept by administrators."""

    currency = models.CharField(max_length=3)
    date = models.DateField()
    usd_per_unit = models.DecimalField(max_digits=18, decimal_places=8)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", null=True)
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["currency", "-date"]
        constraints = [models.UniqueConstraint(fields=["currency", "date"],
                                               name="aid_one_rate_per_currency_and_day")]

    def __str__(self) -> str:
        return f"{self.currency} {self.date}: {self.usd_per_unit}"


class Contribution(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="contributions")
    kind = models.CharField(max_length=10, choices=ContributionKind.choices)
    status = models.CharField(max_length=12, choices=ContributionStatus.choices)
    # Cash: the amount in its currency. In kind: what, how much, and (if known) its value.
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    item = models.CharField(max_length=120, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, blank=True)
    usd_per_unit = models.DecimalField(max_digits=18, decimal_places=8, null=True, blank=True)
    rate_date = models.DateField(null=True, blank=True)
    value_usd = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    # Earmarking: to a site, a sector, or a need in words (any, all or none).
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    need = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    pledged_on = models.DateField(null=True, blank=True)
    committed_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.donor_id}: {self.kind} {self.status}"

    @property
    def status_date(self) -> dt.date | None:
        return {"pledge": self.pledged_on, "commitment": self.committed_on,
                "paid": self.paid_on}.get(self.status)

    @property
    def total(self) -> Decimal | None:
        """Return what deliveries are counted against: the amount (cash) or quantity."""
        return self.amount if self.kind == ContributionKind.CASH else self.quantity


class ContributionChange(models.Model):
    """One step of a contribution's history: created, a status moved, a delivery."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE,
                                     related_name="changes")
    at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    action = models.CharField(max_length=20)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.contribution_id} {self.action}"


class Delivery(models.Model):
    """Goods (or a cash tranche) received at a site against a committed contribution."""

    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT,
                                     related_name="deliveries")
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    # In the contribution's unit (in kind) or currency (cash).
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.contribution_id} -> {self.site_id}: {self.quantity}"


class Distribution(models.Model):
    """Items handed out at a site to a registered household or to an unregistered person.

    An unregistered recipient's names are kept as typed, with the script-independent name
    keys that let a second hand-out to Анаит Варданян be seen as one to Anahit Vardanyan.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=120)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    distributed_on = models.DateField()
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    recipient_given_name = models.CharField(max_length=100, blank=True)
    recipient_family_name = models.CharField(max_length=100, blank=True)
    recipient_given_key = models.CharField(max_length=100, blank=True)
    recipient_family_key = models.CharField(max_length=100, blank=True, db_index=True)
    people = models.PositiveSmallIntegerField(default=1)  # persons the hand-out serves
    repeat_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-distributed_on", "-created_at"]
        indexes = [models.Index(fields=["household", "item"]),
                   models.Index(fields=["site", "item", "unit"])]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity} {self.unit}"
