"""From pledge to commitment to payment, never back, revalued at each step's rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haven.aid import services
from haven.core.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


def test_a_pledge_moves_to_commitment_then_paid(contribute, coordinator):
    pledge = contribute(date=dt.date(2023, 9, 20))
    assert pledge.value_usd == Decimal("5400000.00")  # the rate of 1 Sep
    committed = services.contribution_advance(actor=coordinator, contribution=pledge.pk,
                                              status="commitment", date=dt.date(2023, 9, 28))
    assert committed.status == "commitment"
    assert committed.value_usd == Decimal("5250000.00")  # revalued at the rate of 27 Sep
    paid = services.contribution_advance(actor=coordinator, contribution=str(pledge.pk),
                                         status="paid", date=dt.date(2023, 10, 5))
    assert (paid.pledged_on, paid.committed_on, paid.paid_on) == (
        dt.date(2023, 9, 20), dt.date(2023, 9, 28), dt.date(2023, 10, 5))
    assert [c.action for c in paid.changes.all()] == ["created", "status", "status"]


def test_a_contribution_never_moves_back(contribute, coordinator):
    paid = contribute(status="paid")
    for status in ("pledge", "commitment", "paid"):
        with pytest.raises(ValidationFailed) as refused:
            services.contribution_advance(actor=coordinator, contribution=paid.pk,
                                          status=status, date=dt.date(2023, 10, 9))
        assert "status" in refused.value.errors


def test_a_step_dated_before_the_previous_one_is_refused(contribute, coordinator):
    pledge = contribute(date=dt.date(2023, 9, 27))
    with pytest.raises(ValidationFailed) as refused:
        services.contribution_advance(actor=coordinator, contribution=pledge.pk,
                                      status="commitment", date=dt.date(2023, 9, 26))
    assert "date" in refused.value.errors


def test_a_pledge_may_be_paid_directly(contribute, coordinator):
    pledge = contribute()
    paid = services.contribution_advance(actor=coordinator, contribution=pledge.pk,
                                         status="paid", date=dt.date(2023, 10, 1))
    assert paid.committed_on == paid.paid_on == dt.date(2023, 10, 1)


def test_an_unknown_contribution_is_not_found(coordinator, donors):
    for ref in ("not-a-uuid", "01a242c8-86fa-73f1-9943-d894f223597d"):
        with pytest.raises(NotFound):
            services.contribution_advance(actor=coordinator, contribution=ref,
                                          status="paid", date=dt.date(2023, 10, 1))
