"""Write aid records: donors, exchange rates, contributions, deliveries, distributions.

Every function checks the actor's role, validates every field at once (ValidationFailed
names each), writes the record, its history and the audit event in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.aid.models import (
    STATUS_ORDER,
    Contribution,
    ContributionChange,
    ContributionKind,
    ContributionStatus,
    Delivery,
    Distribution,
    Donor,
    DonorKind,
    ExchangeRate,
    Sector,
    Unit,
)
from haven.aid.records import plain
from haven.aid.selectors import contribution_get, delivered_total, rate_on, stock_of
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.core import clock
from haven.core.errors import NotFound, ValidationFailed
from haven.core.locks import serialized
from haven.core.names import NameProblem, clean_name, given_name_key, surname_key
from haven.core.names.cleaning import clean_text
from haven.registry.selectors import household_get, person_resolve, site_by_slug
from haven.registry.services import problem_text

if TYPE_CHECKING:
    from haven.accounts.access import Actor
    from haven.registry.models import Household, Site

_CURRENCY = re.compile(r"[A-Z]{3}")
_COUNTRY = re.compile(r"[A-Z]{2}")
MAX_AMOUNT = Decimal("1000000000000")  # a trillion: past any crisis appeal


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def _text(errors: _Errors, key: str, value: str | None, *, max_length: int,
          required: bool = False) -> str:
    try:
        return clean_text(value or "", required=required, max_length=max_length)
    except NameProblem as problem:
        errors.add(key, problem_text(problem))
        return ""


def _decimal(errors: _Errors, key: str, value: object, *, required: bool,
             places: int = 3) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(key, _("is required"))
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("\u00a0", ""))
    except InvalidOperation:
        errors.add(key, _("must be a number"))
        return None
    if not number.is_finite() or number <= 0:
        errors.add(key, _("must be a number above zero"))
        return None
    if number >= MAX_AMOUNT:
        errors.add(key, _("is too large"))
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        errors.add(key, _("has more than %(n)d decimal places") % {"n": places})
        return None
    return number


def _choice(errors: _Errors, key: str, value: str | None, choices: Any, *,
            required: bool) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            errors.add(key, _("is required"))
        return ""
    if value not in choices.values:
        errors.add(key, _("must be one of: %(choices)s") % {"choices": ", ".join(choices.values)})
        return ""
    return value


def _date(errors: _Errors, key: str, value: dt.date | None, *, required: bool) -> dt.date | None:
    if value is None:
        if required:
            errors.add(key, _("is required"))
        return None
    if value > timezone.localdate(clock.now()):
        errors.add(key, _("is in the future"))
        return None
    if value.year < 1990:
        errors.add(key, _("is too far in the past"))
        return None
    return value


def _site(errors: _Errors, key: str, slug: str | None, actor: Actor, *,
          required: bool, own: bool) -> Site | None:
    slug = (slug or "").strip().lower()
    if not slug:
        if required:
            errors.add(key, _("is required"))
        return None
    site = site_by_slug(slug)
    if site is None or (own and not actor.may_act_for_site(site.id)):
        errors.add(key, _("unknown site %(site)r") % {"site": slug[:40]})
        return None
    return site


# ----- donors and rates

def donor_create(*, actor: Actor, name: str, kind: str, country: str = "") -> Donor:
    """Add a donor: an organisation, its country (ISO 3166-1 alpha-2) and type."""
    actor.require("manage_aid")
    errors = _Errors()
    clean = _text(errors, "name", name, max_length=160, required=True)
    kind = _choice(errors, "kind", kind, DonorKind, required=True)
    country = (country or "").strip().upper()
    if country and not _COUNTRY.fullmatch(country):
        errors.add("country", _("use the two-letter ISO code, e.g. GB"))
    if clean and Donor.objects.filter(name__iexact=clean).exists():
        errors.add("name", _("a donor with this name exists"))
    errors.raise_if_any()
    with transaction.atomic():
        donor = Donor.objects.create(name=clean, kind=kind, country=country,
                                     created_at=clock.now())
        audit_record(actor=actor, action=AuditAction.AID_DONOR_CREATE, target_type="donor",
                     target_ids=[donor.pk])
    return donor


def exchange_rate_set(*, actor: Actor, currency: str, date: dt.date,
                      usd_per_unit: object) -> ExchangeRate:
    """Set how many US dollars one unit of `currency` was worth from `date` on."""
    actor.require("manage_rates")
    errors = _Errors()
    currency = (currency or "").strip().upper()
    if not _CURRENCY.fullmatch(currency):
        errors.add("currency", _("use the three-letter ISO 4217 code, e.g. EUR"))
    elif currency == "USD":
        errors.add("currency", _("US dollars need no rate"))
    on = _date(errors, "date", date, required=True)
    rate = _decimal(errors, "usd_per_unit", usd_per_unit, required=True, places=8)
    errors.raise_if_any()
    assert on is not None  # noqa: S101 - raise_if_any returned
    assert rate is not None  # noqa: S101
    with transaction.atomic():
        found, _created = ExchangeRate.objects.update_or_create(
            currency=currency, date=on,
            defaults={"usd_per_unit": rate, "set_by": actor.user, "set_at": clock.now()})
        audit_record(actor=actor, action=AuditAction.AID_RATE_SET, target_type="rate",
                     target_ids=[f"{currency}:{on.isoformat()}"])
    return found


# ----- contributions

_DATE_FIELD = {ContributionStatus.PLEDGE: "pledged_on",
               ContributionStatus.COMMITMENT: "committed_on",
               ContributionStatus.PAID: "paid_on"}


@dataclass
class ContributionInput:
    donor: str  # the donor's name
    kind: str
    status: str = ContributionStatus.PLEDGE
    date: dt.date | None = None  # of the status given
    amount: object = None
    currency: str = ""
    item: str = ""
    quantity: object = None
    unit: str = ""
    value_usd: object = None  # in kind: an estimated value, when the donor gives one
    site: str = ""
    sector: str = ""
    need: str = ""
    description: str = ""


def _value_usd(errors: _Errors, *, currency: str, amount: Decimal | None,
               on: dt.date | None) -> tuple[Decimal | None, dt.date | None, Decimal | None]:
    """Return (USD per unit, rate date, value in USD) of a cash amount on a date."""
    if amount is None or on is None or not currency:
        return None, None, None
    if currency == "USD":
        return Decimal(1), on, amount
    found = rate_on(currency, on)
    if found is None:
        errors.add("currency", _("no exchange rate for %(currency)s on or before %(date)s; "
                                 "an administrator adds it under Aid, Exchange rates")
                   % {"currency": currency, "date": on.isoformat()})
        return None, None, None
    rate, rate_date = found
    return rate, rate_date, (amount * rate).quantize(Decimal("0.01"))


def contribution_create(*, actor: Actor, contribution: ContributionInput) -> Contribution:
    """Record a donor's contribution in cash or in kind, at its current status and date."""
    actor.require("manage_aid")
    c = contribution
    errors = _Errors()
    donor = Donor.objects.filter(name__iexact=(c.donor or "").strip()).first()
    if donor is None:
        errors.add("donor", _("unknown donor; add the donor first"))
    kind = _choice(errors, "kind", c.kind, ContributionKind, required=True)
    status = _choice(errors, "status", c.status or ContributionStatus.PLEDGE,
                     ContributionStatus, required=True)
    on = _date(errors, "date", c.date, required=True)
    values: dict[str, Any] = {}
    if kind == ContributionKind.CASH:
        amount = _decimal(errors, "amount", c.amount, required=True, places=2)
        currency = (c.currency or "").strip().upper()
        if not _CURRENCY.fullmatch(currency):
            errors.add("currency", _("use the three-letter ISO 4217 code, e.g. EUR"))
            currency = ""
        for key in ("item", "quantity", "unit"):
            if getattr(c, key) not in (None, ""):
                errors.add(key, _("is for contributions in kind"))
        rate, rate_date, value = _value_usd(errors, currency=currency, amount=amount, on=on)
        values.update(amount=amount, currency=currency, usd_per_unit=rate, rate_date=rate_date,
                      value_usd=value)
    elif kind == ContributionKind.IN_KIND:
        values.update(
            item=_text(errors, "item", c.item, max_length=120, required=True),
            quantity=_decimal(errors, "quantity", c.quantity, required=True),
            unit=_choice(errors, "unit", c.unit, Unit, required=True),
            value_usd=_decimal(errors, "value_usd", c.value_usd, required=False, places=2),
        )
        for key in ("amount", "currency"):
            if getattr(c, key) not in (None, ""):
                errors.add(key, _("is for contributions in cash"))
    site = _site(errors, "site", c.site, actor, required=False, own=False)
    values.update(
        site=site, sector=_choice(errors, "sector", c.sector, Sector, required=False),
        need=_text(errors, "need", c.need, max_length=200),
        description=_text(errors, "description", c.description, max_length=500),
    )
    errors.raise_if_any()
    assert donor is not None  # noqa: S101 - raise_if_any returned
    # A contribution recorded as paid was pledged and committed no later than it was paid.
    reached = STATUS_ORDER[: STATUS_ORDER.index(ContributionStatus(status)) + 1]
    dates = {_DATE_FIELD[step]: on for step in reached}
    now = clock.now()
    with transaction.atomic():
        created = Contribution.objects.create(
            donor=donor, kind=kind, status=status, created_by=actor.user, created_at=now,
            updated_at=now, **dates, **values)
        ContributionChange.objects.create(
            contribution=created, at=now, changed_by=actor.user, action="created",
            changes={"status": [None, status], "date": on.isoformat() if on else None})
        audit_record(actor=actor, action=AuditAction.AID_CONTRIBUTION_CREATE,
                     target_type="contribution", target_ids=[created.pk],
                     site=site.slug if site else "")
    return created


def contribution_advance(*, actor: Actor, contribution: str | uuid.UUID, status: str,
                         date: dt.date | None) -> Contribution:
    """Move a contribution on: pledge -> commitment -> paid, never back.

    A cash contribution is valued again at the rate of the new status's date.
    """
    actor.require("manage_aid")
    errors = _Errors()
    status = _choice(errors, "status", status, ContributionStatus, required=True)
    on = _date(errors, "date", date, required=True)
    errors.raise_if_any()
    assert on is not None  # noqa: S101 - raise_if_any returned
    with transaction.atomic():
        found = contribution_get(contribution, for_update=True)
        if found is None:
            raise NotFound(_("No such contribution."))
        before = STATUS_ORDER.index(ContributionStatus(found.status))
        after = STATUS_ORDER.index(ContributionStatus(status))
        if after <= before:
            raise ValidationFailed.single("status", _("a contribution moves from pledge to "
                                                      "commitment to paid, never back"))
        previous = found.status_date
        if previous is not None and on < previous:
            raise ValidationFailed.single("date", _("is before the contribution's %(status)s "
                                                    "date (%(date)s)")
                                          % {"status": found.get_status_display().lower(),
                                             "date": previous.isoformat()})
        changes: dict[str, Any] = {"status": [found.status, status]}
        for step in STATUS_ORDER[before + 1: after + 1]:
            setattr(found, _DATE_FIELD[step], on)
        found.status = status
        if found.kind == ContributionKind.CASH:
            errors = _Errors()
            rate, rate_date, value = _value_usd(errors, currency=found.currency,
                                                amount=found.amount, on=on)
            errors.raise_if_any()
            changes["value_usd"] = [str(found.value_usd), str(value)]
            found.usd_per_unit, found.rate_date, found.value_usd = rate, rate_date, value
        found.updated_at = clock.now()
        found.save()
        ContributionChange.objects.create(contribution=found, at=found.updated_at,
                                          changed_by=actor.user, action="status",
                                          changes={**changes, "date": on.isoformat()})
        audit_record(actor=actor, action=AuditAction.AID_CONTRIBUTION_STATUS,
                     target_type="contribution", target_ids=[found.pk])
    return found


# ----- deliveries

def delivery_record(*, actor: Actor, contribution: str | uuid.UUID, site: str,
                    quantity: object, received_on: dt.date | None, note: str = "") -> Delivery:
    """Record goods (or a cash tranche) received at a site against a commitment.

    A delivery may be partial; together they never exceed what was committed.
    """
    actor.require("register")
    errors = _Errors()
    to_site = _site(errors, "site", site, actor, required=True, own=True)
    amount = _decimal(errors, "quantity", quantity, required=True)
    on = _date(errors, "received_on", received_on, required=True)
    note = _text(errors, "note", note, max_length=300)
    errors.raise_if_any()
    assert to_site is not None  # noqa: S101 - raise_if_any returned
    assert amount is not None  # noqa: S101
    assert on is not None  # noqa: S101
    with transaction.atomic():
        found = contribution_get(contribution, for_update=True)
        if found is None:
            raise NotFound(_("No such contribution."))
        if found.status == ContributionStatus.PLEDGE:
            raise ValidationFailed.single("contribution", _("is only pledged; deliveries are "
                                                            "received against a commitment"))
        if found.site_id is not None and found.site_id != to_site.id:
            raise ValidationFailed.single("site", _("the contribution is earmarked to "
                                                    "another site"))
        remaining = (found.total or Decimal(0)) - delivered_total(found.pk)
        if amount > remaining:
            raise ValidationFailed.single("quantity", _("only %(remaining)s remains to be "
                                                        "delivered")
                                          % {"remaining": plain(remaining)})
        now = clock.now()
        delivery = Delivery.objects.create(contribution=found, site=to_site, received_on=on,
                                           quantity=amount, note=note, recorded_by=actor.user,
                                           created_at=now)
        ContributionChange.objects.create(contribution=found, at=now, changed_by=actor.user,
                                          action="delivery",
                                          changes={"site": to_site.slug,
                                                   "quantity": plain(amount),
                                                   "received_on": on.isoformat()})
        audit_record(actor=actor, action=AuditAction.AID_DELIVERY_CREATE,
                     target_type="contribution", target_ids=[found.pk], site=to_site.slug)
    return delivery


# ----- distributions

@dataclass
class DistributionInput:
    site: str
    item: str
    unit: str
    quantity: object
    distributed_on: dt.date | None = None
    household: str = ""  # a household's or a member's code, for registered people
    given_name: str = ""  # or the names of someone not (yet) registered, in any script
    family_name: str = ""
    people: int = 1
    repeat_reason: str = ""


def _recipient(errors: _Errors, actor: Actor, d: DistributionInput
               ) -> tuple[Household | None, dict[str, tuple[str, str]]]:
    """Return the household given by code, or the unregistered person's cleaned names."""
    names = {"given": ("", ""), "family": ("", "")}
    if (d.household or "").strip():
        if (d.given_name or "").strip() or (d.family_name or "").strip():
            errors.add("household", _("give a household code or a recipient's names, not both"))
            return None, names
        # A member's code (on their own card) stands for their household.
        member = person_resolve(d.household)
        ref = member.household.code if member is not None else d.household
        try:
            return household_get(actor=actor, ref=ref), names
        except NotFound:
            errors.add("household", _("no household you may see has this code"))
            return None, names
    for key, field in (("given", "given_name"), ("family", "family_name")):
        try:
            names[key] = clean_name(getattr(d, field) or "", required=True)
        except NameProblem as problem:
            errors.add(field, problem_text(problem))
    return None, names


def _earlier_handout(*, site: Site, item: str, on: dt.date, household: Household | None,
                     given_key: str, family_key: str) -> Distribution | None:
    """Return a hand-out of the same item to the same recipient within the repeat window."""
    window = dt.timedelta(days=settings.AID_REPEAT_DAYS)
    earlier = Distribution.objects.filter(item__iexact=item, distributed_on__gte=on - window,
                                          distributed_on__lte=on + window)
    if household is not None:
        earlier = earlier.filter(household=household)
    else:
        earlier = earlier.filter(site=site, household__isnull=True,
                                 recipient_family_key=family_key, recipient_given_key=given_key)
    return earlier.order_by("-distributed_on").first()


def distribution_record(*, actor: Actor, distribution: DistributionInput) -> Distribution:
    """Record a hand-out from a site's delivered stock to a household or an unregistered person.

    Refuse more than the stock holds, and a second hand-out of the same item to the same
    household (or to a person of the same names in any script) within the repeat window
    unless `repeat_reason` says why.
    """
    actor.require("register")
    d = distribution
    errors = _Errors()
    site = _site(errors, "site", d.site, actor, required=True, own=True)
    item = _text(errors, "item", d.item, max_length=120, required=True)
    unit = _choice(errors, "unit", d.unit, Unit, required=True)
    quantity = _decimal(errors, "quantity", d.quantity, required=True)
    on = _date(errors, "distributed_on", d.distributed_on or timezone.localdate(clock.now()),
               required=True)
    reason = _text(errors, "repeat_reason", d.repeat_reason, max_length=300)
    if not 1 <= (d.people or 0) <= 99:
        errors.add("people", _("must be between 1 and 99"))
    household, names = _recipient(errors, actor, d)
    errors.raise_if_any()
    assert site is not None  # noqa: S101 - raise_if_any returned
    assert quantity is not None  # noqa: S101
    assert on is not None  # noqa: S101
    given_key = given_name_key(names["given"][0]) if household is None else ""
    family_key = surname_key(names["family"][0]) if household is None else ""
    with transaction.atomic(), serialized(f"aid-stock-{site.pk}"):
        in_stock = stock_of(site_id=site.pk, item=item, unit=unit)
        if quantity > in_stock:
            raise ValidationFailed.single(
                "quantity", _("only %(n)s %(unit)s of %(item)s in stock at %(site)s")
                % {"n": plain(in_stock), "unit": Unit(unit).label, "item": item,
                   "site": site.name})
        previous = _earlier_handout(site=site, item=item, on=on, household=household,
                                    given_key=given_key, family_key=family_key)
        if previous is not None and not reason:
            raise ValidationFailed.single(
                "repeat_reason",
                _("%(item)s was already given on %(date)s; say why it is given again")
                % {"item": item, "date": previous.distributed_on.isoformat()})
        created = Distribution.objects.create(
            site=site, item=item, unit=unit, quantity=quantity, distributed_on=on,
            household=household, recipient_given_name=names["given"][0],
            recipient_family_name=names["family"][0], recipient_given_key=given_key,
            recipient_family_key=family_key, people=d.people, repeat_reason=reason,
            recorded_by=actor.user, created_at=clock.now())
        targets: list[object] = [created.pk]
        if household is not None:
            targets.append(household.pk)
        audit_record(actor=actor, action=AuditAction.AID_DISTRIBUTION_CREATE,
                     target_type="distribution", target_ids=targets, site=site.slug)
    return created
