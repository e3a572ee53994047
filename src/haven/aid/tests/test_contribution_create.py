"""Contributions: cash valued in US dollars from the rate table, in kind by item and unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haven.aid import services
from haven.aid.models import Contribution
from haven.audit.models import AuditEvent
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def test_a_cash_pledge_is_valued_at_the_rate_in_force_on_its_date(contribute):
    pledge = contribute(date=dt.date(2023, 9, 26))  # before the rate of the 27th
    assert pledge.usd_per_unit == Decimal("1.08")
    assert pledge.rate_date == dt.date(2023, 9, 1)
    assert pledge.value_usd == Decimal("5400000.00")
    assert pledge.pledged_on == dt.date(2023, 9, 26)
    assert pledge.committed_on is None


def test_us_dollars_need_no_rate(contribute, coordinator):
    services.donor_create(actor=coordinator, name="USAID", kind="government", country="US")
    pledge = contribute(donor="USAID", amount="11500000", currency="USD")
    assert pledge.value_usd == Decimal("11500000.00")


def test_a_currency_without_a_rate_is_refused_naming_the_currency(contribute):
    with pytest.raises(ValidationFailed) as refused:
        contribute(currency="CHF", amount="100")
    assert "CHF" in refused.value.errors["currency"][0]
    assert not Contribution.objects.filter(currency="CHF").exists()


def test_a_contribution_recorded_as_paid_was_pledged_and_committed_by_then(contribute):
    paid = contribute(status="paid", date=dt.date(2023, 10, 2))
    assert paid.pledged_on == paid.committed_on == paid.paid_on == dt.date(2023, 10, 2)


def test_every_wrong_field_is_named_at_once(contribute):
    with pytest.raises(ValidationFailed) as refused:
        contribute(donor="Nobody", amount="-5", currency="euro", item="tents", sector="x",
                   date=dt.date(2999, 1, 1))
    assert set(refused.value.errors) >= {"donor", "amount", "currency", "item", "sector",
                                         "date"}


def test_in_kind_needs_an_item_a_quantity_and_a_unit(contribute):
    with pytest.raises(ValidationFailed) as refused:
        contribute(kind="in_kind", amount=None, currency="", quantity="50", unit="barrels")
    assert set(refused.value.errors) == {"item", "unit"}


def test_amounts_keep_their_cents_and_refuse_fractions_of_them(contribute):
    with pytest.raises(ValidationFailed) as refused:
        contribute(amount="10.005")
    assert "amount" in refused.value.errors
    assert contribute(amount="1,000,000.50").amount == Decimal("1000000.50")


def test_only_roles_that_manage_aid_record_contributions(users, donors, rates):
    for role in ("registrar", "viewer", "administrator", "auditor"):
        with pytest.raises(PermissionDenied):
            services.contribution_create(
                actor=actor_for(users[role]),
                contribution=services.ContributionInput(donor="European Union", kind="cash",
                                                        date=dt.date(2023, 9, 27),
                                                        amount="1", currency="EUR"))


def test_the_record_and_its_audit_event_are_written_together(contribute):
    pledge = contribute()
    event = AuditEvent.objects.get(action="aid.contribution.create")
    assert [t.target_id for t in event.targets.all()] == [str(pledge.pk)]
    assert pledge.changes.get().action == "created"


def test_a_donor_is_not_added_twice_in_another_case(coordinator, donors):
    with pytest.raises(ValidationFailed) as refused:
        services.donor_create(actor=coordinator, name="european union", kind="multilateral")
    assert "name" in refused.value.errors


def test_exchange_rates_are_kept_by_administrators_only(users):
    with pytest.raises(PermissionDenied):
        services.exchange_rate_set(actor=actor_for(users["coordinator"]), currency="EUR",
                                   date=dt.date(2023, 9, 1), usd_per_unit="1.1")
    with pytest.raises(ValidationFailed) as refused:
        services.exchange_rate_set(actor=actor_for(users["administrator"]), currency="USD",
                                   date=dt.date(2023, 9, 1), usd_per_unit="0")
    assert set(refused.value.errors) == {"currency", "usd_per_unit"}
