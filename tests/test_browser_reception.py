"""In Chromium: a family of five refused at Goris with four beds left, placed at Vayk;
a family of six recorded arriving at Vayk by scanning one member's card."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from haven.reception.models import Stay
from haven.reception.services import UnitInput, placement_create, unit_create
from haven.registry.models import Arrival
from haven.testing.browser import log_in, menu_open
from haven.testing.factories import actor_for, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAMES = ["Anahit", "Tigran", "Narine", "Armen", "Mariam", "Davit"]


def family(make_household, size: int, site: str):
    return make_household(site=site, members=[
        member(given_name=NAMES[i], relationship="head" if i == 0 else "child")
        for i in range(size)])


@pytest.fixture
def shelters(users, make_household):
    """Goris: 10 beds, 6 taken, so 4 left. Vayk: 20 free."""
    coordinator = actor_for(users["coordinator"])
    unit_create(actor=coordinator, site="goris", unit=UnitInput(name="Hall", beds=10))
    unit_create(actor=coordinator, site="vayk", unit=UnitInput(name="Gym", beds=20))
    placement_create(actor=coordinator, household=family(make_household, 6, "goris").code,
                     site="goris")


def test_a_family_of_five_refused_at_goris_is_placed_at_vayk(page: Page, live_server, users,
                                                              shelters, make_household):
    five = family(make_household, 5, "goris")
    log_in(page, live_server.url, "coordinator")
    menu_open(page, "Reception")
    page.click("main >> text=Place a household")
    page.fill("input[name=household]", five.code)
    page.press("input[name=household]", "Enter")
    expect(page.locator("#proposals")).to_contain_text("Vayk")

    page.select_option("#place select[name=site]", "goris")
    page.click("#place button:has-text('Place')")
    expect(page.locator("#refusal")).to_contain_text(
        "Goris has 4 free beds; the household needs 5.")
    assert not Stay.objects.filter(person__household=five).exists()

    page.click("#proposals button[data-site=vayk]")
    expect(page.locator(".notice")).to_contain_text("Placed 5 people of household")
    expect(page.locator("main table").first).to_contain_text("Gym")
    assert Stay.objects.filter(person__household=five, site__slug="vayk").count() == 5


def test_a_family_of_six_arrives_at_vayk_by_one_scanned_card(page: Page, live_server, users,
                                                             make_household):
    six = family(make_household, 6, "kornidzor")  # registered at the border, not Vayk's yet
    scanned = six.members.get(position=3).code
    log_in(page, live_server.url, "registrar-vayk")
    menu_open(page, "Household arrival")
    code = page.locator("input[name=code]")
    expect(code).to_be_focused()
    # A USB scanner is a keyboard: it types the QR payload quickly, then Enter.
    page.keyboard.type(scanned, delay=4)
    page.keyboard.press("Enter")
    confirm = page.locator("#confirm")
    for name in NAMES:
        expect(confirm).to_contain_text(f"{name} Vardanyan")
    expect(confirm.locator("input[name=members]:checked")).to_have_count(6)
    confirm.locator("button[type=submit]").click()
    expect(page.locator(".notice")).to_contain_text(
        f"Recorded the arrival of 6 of 6 members of household {six.code}")
    assert Arrival.objects.filter(site__slug="vayk", person__household=six).count() == 6
    expect(page.locator("input[name=code]")).to_be_focused()  # ready for the next family
