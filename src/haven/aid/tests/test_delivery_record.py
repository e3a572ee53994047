"""Deliveries: received at a site against a commitment, partial, never more than committed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haven.aid import selectors, services
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def test_partial_deliveries_add_up_and_show_what_remains(kits, coordinator):
    services.delivery_record(actor=coordinator, contribution=kits.pk, site="vayk",
                             quantity="30", received_on=dt.date(2023, 10, 1))
    view = selectors.contribution_detail(actor=coordinator, ref=kits.pk)
    assert view.delivered == Decimal(90)
    assert view.remaining == Decimal(10)
    assert [d.site.slug for d in view.deliveries] == ["vayk", "goris"]
    assert [v.contribution.pk for v in selectors.contribution_list(
        actor=coordinator, undelivered=True)] == [kits.pk]


def test_more_than_remains_is_refused_with_what_remains(kits, coordinator):
    with pytest.raises(ValidationFailed) as refused:
        services.delivery_record(actor=coordinator, contribution=kits.pk, site="goris",
                                 quantity="40.5", received_on=dt.date(2023, 10, 1))
    assert refused.value.errors["quantity"] == ["only 40 remains to be delivered"]
    assert selectors.delivered_total(kits.pk) == Decimal(60)


def test_a_fully_delivered_contribution_leaves_the_undelivered_list(kits, coordinator):
    services.delivery_record(actor=coordinator, contribution=kits.pk, site="goris",
                             quantity="40", received_on=dt.date(2023, 10, 1))
    assert selectors.contribution_list(actor=coordinator, undelivered=True) == []


def test_a_mere_pledge_receives_no_delivery(contribute, coordinator):
    pledge = contribute()
    with pytest.raises(ValidationFailed) as refused:
        services.delivery_record(actor=coordinator, contribution=pledge.pk, site="goris",
                                 quantity="1000", received_on=dt.date(2023, 10, 1))
    assert "contribution" in refused.value.errors


def test_an_earmarked_contribution_is_delivered_to_its_site_only(contribute, coordinator):
    earmarked = contribute(status="commitment", site="vayk")
    with pytest.raises(ValidationFailed) as refused:
        services.delivery_record(actor=coordinator, contribution=earmarked.pk, site="goris",
                                 quantity="1000", received_on=dt.date(2023, 10, 1))
    assert "site" in refused.value.errors


def test_a_clerk_records_deliveries_at_their_own_site_only(kits, users):
    goris_clerk = actor_for(users["registrar"])
    services.delivery_record(actor=goris_clerk, contribution=kits.pk, site="goris",
                             quantity="1", received_on=dt.date(2023, 10, 1))
    with pytest.raises(ValidationFailed) as refused:
        services.delivery_record(actor=goris_clerk, contribution=kits.pk, site="vayk",
                                 quantity="1", received_on=dt.date(2023, 10, 1))
    assert refused.value.errors["site"] == ["unknown site 'vayk'"]
    with pytest.raises(PermissionDenied):
        services.delivery_record(actor=actor_for(users["viewer"]), contribution=kits.pk,
                                 site="goris", quantity="1", received_on=dt.date(2023, 10, 1))
