"""Registering a household: all members in one transaction, or nothing."""

import pytest

from haven.core.errors import ValidationFailed
from haven.registry.models import Arrival, Household, Person
from haven.registry.services import HouseholdInput, household_register
from haven.testing.factories import actor_for, member

pytestmark = pytest.mark.django_db


def test_names_are_stored_as_typed_in_nfc_with_their_script(users, sites):
    decomposed = "Anahi\u0301t"  # i + combining acute: NFC composes it to í
    household = household_register(
        actor=actor_for(users["registrar"]),
        household=HouseholdInput(site="goris", members=[
            member(given_name="Անահիտ", family_name="Վարդանյան"),
            member(given_name="Анаит", family_name="Варданян", relationship="spouse",
                   sex="male", birth_date="1950-03-15"),
            member(given_name=decomposed, family_name="Vardanian", relationship="child",
                   birth_date="2010-04"),
        ]),
    )
    head, russian, latin = household.members.order_by("position")
    assert (head.given_name, head.given_name_script) == ("Անահիտ", "armenian")
    assert (russian.family_name, russian.family_name_script) == ("Варданян", "cyrillic")
    assert latin.given_name == "Anah\u00edt"
    assert (latin.given_name_script, latin.family_name_script) == ("latin", "latin")
    assert Arrival.objects.filter(person__household=household, site=sites["goris"]).count() == 3


def test_an_invalid_member_saves_nothing_of_the_household(users, sites):
    with pytest.raises(ValidationFailed) as problem:
        household_register(
            actor=actor_for(users["registrar"]),
            household=HouseholdInput(site="goris", members=[
                member(), member(relationship="child", birth_date="2023-02-31"),
            ]),
        )
    assert "members[1].birth_date" in problem.value.errors
    assert Household.objects.count() == 0
    assert Person.objects.count() == 0
