"""The registration and arrival pages: what a clerk types, what they see back."""

import pytest

from haven.registry.models import Arrival, Household
from haven.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def row(n: int, **values: str) -> dict[str, str]:
    return {f"members-{n}-{k}": v for k, v in values.items()}


HEAD = {"given_name": "Անահիտ", "family_name": "Վարդանյան", "sex": "female",
        "birth_date": "1948", "relationship": "head"}


def test_a_row_added_and_left_blank_is_not_a_member(users, sites):
    response = signed_in(users["registrar"]).post("/households/new/", {
        "site": "goris", **row(0, **HEAD),
        **row(3, relationship="child", sex="", document_type="none"),
    })
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.members.count() == 1


def test_errors_are_shown_at_the_row_the_clerk_sees(users, sites):
    """Rows keep their page numbers after one is removed: row 5's error is shown at row 5."""
    response = signed_in(users["registrar"]).post("/households/new/", {
        "site": "goris", **row(0, **HEAD),
        **row(5, given_name="Анаит", family_name="Варданян", sex="female",
              birth_date="2023-02-31", relationship="child"),
    })
    assert response.status_code == 422
    page = response.content.decode()
    assert 'name="members-5-birth_date" value="2023-02-31"' in page
    assert "is not a date in the calendar" in page
    assert Household.objects.count() == 0


def test_the_acting_site_is_remembered_for_the_next_registration(users, sites):
    coordinator = signed_in(users["coordinator"])
    coordinator.post("/households/new/", {"site": "vayk", **row(0, **HEAD)})
    page = coordinator.get("/households/new/").content.decode()
    assert '<option value="vayk" selected>' in page


def test_an_arrival_is_recorded_by_the_code_on_the_paper(users, sites, make_household):
    household = make_household(site="kornidzor")
    person = household.members.get()
    response = signed_in(users["registrar"]).post("/arrivals/new/", {
        "site": "goris", "person": person.code.lower().replace("-", " ")})
    assert response.status_code == 302
    assert Arrival.objects.filter(person=person, site__slug="goris").exists()


def test_a_mistyped_code_is_refused_at_the_field(users, sites, make_household):
    person = make_household(site="kornidzor").members.get()
    typo = person.code[:-1] + ("0" if person.code[-1] != "0" else "1")
    response = signed_in(users["registrar"]).post("/arrivals/new/", {"site": "goris",
                                                                 "person": typo})
    assert response.status_code == 422
    assert "no person has this id or code" in response.content.decode()
    assert not Arrival.objects.filter(site__slug="goris").exists()
