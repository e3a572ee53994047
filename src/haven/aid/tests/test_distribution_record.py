"""Hand-outs: from a site's delivered stock, to households or unregistered people, not twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haven.aid import selectors, services
from haven.aid.models import Distribution
from haven.audit.models import AuditEvent
from haven.core.errors import NotFound, ValidationFailed
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db


def hand_out(actor, **values):
    spec = {"site": "goris", "item": "Hygiene kit", "unit": "kits", "quantity": "1",
            "distributed_on": dt.date(2023, 10, 1)}
    spec.update(values)
    return services.distribution_record(actor=actor,
                                        distribution=services.DistributionInput(**spec))


def test_a_household_receives_from_stock_and_its_history_shows_it(kits, users, make_household):
    clerk = actor_for(users["registrar"])
    household = make_household(site="goris")
    given = hand_out(clerk, household=household.code, quantity="2", people=3)
    assert given.household_id == household.pk
    found, history = selectors.household_assistance(actor=clerk, ref=household.code)
    assert found.pk == household.pk
    assert [d.pk for d in history] == [given.pk]
    stock = selectors.site_stock(actor=clerk, site_id=given.site_id)
    assert [(s.item, s.delivered, s.distributed, s.remaining) for s in stock] == [
        ("Hygiene kit", Decimal(60), Decimal(2), Decimal(58))]
    assert AuditEvent.objects.filter(action="aid.distribution.list").count() == 1


def test_more_than_the_stock_is_refused(kits, users):
    with pytest.raises(ValidationFailed) as refused:
        hand_out(actor_for(users["registrar"]), given_name="Anahit", family_name="Vardanyan",
                 quantity="61")
    assert "only 60 kits of Hygiene kit in stock" in refused.value.errors["quantity"][0]
    assert not Distribution.objects.exists()


def test_an_item_never_delivered_to_the_site_cannot_be_handed_out(kits, users):
    with pytest.raises(ValidationFailed) as refused:
        hand_out(actor_for(users["registrar_vayk"]), site="vayk", given_name="Anahit",
                 family_name="Vardanyan")
    assert "only 0 kits" in refused.value.errors["quantity"][0]


def test_a_household_is_not_served_twice_by_mistake(kits, users, make_household):
    clerk = actor_for(users["registrar"])
    household = make_household(site="goris")
    hand_out(clerk, household=household.code)
    member_code = household.members.get().code  # any member's code finds the household
    with pytest.raises(ValidationFailed) as refused:
        hand_out(clerk, household=member_code, distributed_on=dt.date(2023, 10, 4))
    assert "2023-10-01" in refused.value.errors["repeat_reason"][0]
    again = hand_out(clerk, household=member_code, distributed_on=dt.date(2023, 10, 4),
                     repeat_reason="The first kit was lost in the move to Vayk")
    assert again.household_id == household.pk
    later = hand_out(clerk, household=household.code, distributed_on=dt.date(2023, 10, 20))
    assert later.repeat_reason == ""  # outside the seven-day window


def test_an_unregistered_person_is_served_and_recognised_in_another_script(kits, users):
    clerk = actor_for(users["registrar"])
    first = hand_out(clerk, given_name="Анаит", family_name="Варданян")
    assert first.household_id is None
    with pytest.raises(ValidationFailed) as refused:
        hand_out(clerk, given_name="Anahit", family_name="Vardanian")
    assert "repeat_reason" in refused.value.errors
    other = hand_out(clerk, given_name="Narine", family_name="Vardanyan")
    assert other.recipient_family_key == first.recipient_family_key
    figures = selectors.aid_figures(on=dt.date(2023, 10, 2), site_ids=None)
    assert (figures.distributions, figures.unregistered_served, figures.households_served,
            figures.people_served) == (2, 2, 0, 2)


def test_a_household_the_clerk_may_not_see_is_refused_like_one_that_does_not_exist(
        kits, users, make_household):
    hidden = make_household(site="vayk")
    clerk = actor_for(users["registrar"])
    answers = []
    for code in (hidden.code, "HVN-AAAA-AAAA-AAAA"):
        with pytest.raises(ValidationFailed) as refused:
            hand_out(clerk, household=code)
        answers.append(refused.value.errors)
    assert answers[0] == answers[1] == {"household": ["no household you may see has this code"]}
    with pytest.raises(NotFound):
        selectors.household_assistance(actor=clerk, ref=hidden.code)


def test_a_site_list_names_only_households_the_reader_may_see(kits, users, make_household):
    coordinator = actor_for(users["coordinator"])
    household = make_household(site="vayk", members=[member(given_name="Lusine")])
    hand_out(coordinator, household=household.code)
    listed = selectors.distribution_list(actor=actor_for(users["registrar"]),
                                         site_id=kits.deliveries.get().site_id)
    assert listed[0].household is None  # a Goris clerk does not learn the Vayk code
    seen = selectors.distribution_list(actor=coordinator, site_id=listed[0].site_id)
    assert seen[0].household.code == household.code


def test_names_and_a_code_together_are_refused(kits, users, make_household):
    household = make_household(site="goris")
    with pytest.raises(ValidationFailed) as refused:
        hand_out(actor_for(users["registrar"]), household=household.code, given_name="Anahit",
                 family_name="Vardanyan")
    assert "household" in refused.value.errors
