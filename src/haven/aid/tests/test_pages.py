"""The aid pages: forms that name errors at their fields, empty states, three languages."""

from __future__ import annotations

import pytest
from django.test import Client

from haven.testing.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "title", "empty"), [
    ("en", "Aid", "No contributions recorded yet"),
    ("hy", "Օգնություն", "Դեռ ներդրումներ գրանցված չեն"),
    ("ru", "Помощь", "Взносы ещё не записаны"),
])
def test_the_overview_speaks_the_language_and_says_what_to_do_first(users, language, title,
                                                                    empty):
    client = Client(headers={"Accept-Language": language})
    client.force_login(users["coordinator"])
    page = client.get("/aid/").content.decode()
    assert f"<h1>{title}</h1>" in page
    assert empty in page


def test_a_contribution_form_error_is_shown_at_its_field(users, donors, rates):
    client = signed_in(users["coordinator"])
    response = client.post("/aid/contributions/new/", {
        "donor": "European Union", "kind": "cash", "status": "pledge", "date": "2023-09-27",
        "amount": "5000000", "currency": "CHF"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "no exchange rate for CHF" in page


def test_the_whole_flow_through_the_pages(users, contribute, make_household):
    pledge = contribute()
    coordinator = signed_in(users["coordinator"])
    moved = coordinator.post(f"/aid/contributions/{pledge.pk}/",
                             {"action": "status", "status": "commitment", "date": "2023-09-29"})
    assert moved.status_code == 302
    delivered = coordinator.post(f"/aid/contributions/{pledge.pk}/", {
        "action": "delivery", "site": "goris", "quantity": "6000000",
        "received_on": "2023-10-01"})
    assert delivered.status_code == 422
    assert "only 5000000 remains to be delivered" in delivered.content.decode()
    page = coordinator.get("/aid/").content.decode()
    assert "$5,250,000" in page
    clerk = signed_in(users["registrar"])
    no_site = clerk.get("/aid/distributions/").content.decode()  # one site: chosen for them
    assert "Record a hand-out" in no_site


def test_a_household_page_of_another_site_is_not_found(users, make_household):
    household = make_household(site="vayk")
    assert signed_in(users["registrar"]).get(f"/aid/households/{household.code}/"
                                             ).status_code == 404
    assert signed_in(users["registrar_vayk"]).get(f"/aid/households/{household.code}/"
                                                  ).status_code == 200
