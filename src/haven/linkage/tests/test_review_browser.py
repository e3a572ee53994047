"""In Chromium: the hint appears while a clerk types; a reviewer confirms a pair."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from haven.linkage.tests.review_fixtures import person_at, queue_pairs, scored
from haven.registry.models import Person
from haven.testing.browser import log_in, menu_open
from haven.testing.factories import actor_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_name_in_another_script_shows_who_is_registered(page: Page, live_server,
                                                                   users, make_household):
    at_goris = person_at(make_household, "goris", given_name="Անահիտ", family_name="Վարդանյան",
                         birth_date="1948-03-15")
    at_vayk = person_at(make_household, "vayk", given_name="Anahit", family_name="Vardanian",
                        birth_date="1948")
    log_in(page, live_server.url, "registrar-goris")
    page.goto(f"{live_server.url}/households/new/")
    page.locator("input[name=members-0-given_name]").press_sequentially("Анаит")
    page.locator("input[name=members-0-family_name]").press_sequentially("Варданян")
    hint = page.locator("#hint-0")
    expect(hint).to_contain_text(at_goris.code)
    expect(hint).to_contain_text("1948-03-15")
    expect(hint).not_to_contain_text(at_vayk.code)


def test_a_reviewer_confirms_a_pair_side_by_side(page: Page, live_server, users,
                                                 make_household):
    first = person_at(make_household, "goris", given_name="Անահիտ", family_name="Վարդանյան")
    second = person_at(make_household, "goris", given_name="Анаит", family_name="Варданян")
    queue_pairs(actor_for(users["coordinator"]), [scored(first, second, 0.87)])
    log_in(page, live_server.url, "registrar-goris")
    menu_open(page, "Possible duplicates")
    page.click("text=Compare")
    expect(page.locator("table.pair")).to_contain_text("Варданян")
    expect(page.locator("table.pair svg rect").first).to_be_visible()
    page.click("button[value=confirm]")
    expect(page.locator(".notice")).to_contain_text("one person")
    expect(page.locator(".empty")).to_contain_text("No pair is waiting for review")
    assert Person.objects.get(pk=second.pk).merged_into_id == first.id
