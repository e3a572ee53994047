"""In Chromium: a person left behind is moved out, and her grandson's tracing desk is told.

What failed in January 2026: the families of the last residents moved out were not told
where their people had been taken.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from haven.protection.services import LeftBehindInput, left_behind_register
from haven.testing.browser import log_in
from haven.testing.factories import actor_for, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tracing_officer_is_told_when_a_person_left_behind_is_transferred(
        page: Page, live_server, users, make_user, make_household):
    base = live_server.url
    make_user("tracing-goris", "tracing_officer", ("goris",))
    family = make_household(site="goris", members=[member(
        given_name="Davit", family_name="Avetisyan", sex="male")])
    entry = left_behind_register(actor=actor_for(users["coordinator"]), entry=LeftBehindInput(
        site="goris", given_name="Սիրանուշ", family_name="Ավետիսյան", sex="female",
        birth_year=1939, reported_on=dt.date(2025, 12, 1),
        relatives=[family.members.get().code]))

    log_in(page, base, "coordinator")
    page.goto(f"{base}/left-behind/{entry.id}/")
    page.select_option("select[name=to_site]", "goris")
    page.click("form:has(input[value=transfer]) button[type=submit]")
    expect(page.locator("dl")).to_contain_text("Transferred")
    page.click("button:has-text('Log out')")

    log_in(page, base, "tracing-goris")
    expect(page.locator("a.notifications .count")).to_have_text("1")
    page.click("a.notifications")
    news = page.locator("tr.open")
    expect(news).to_have_count(1)
    expect(news).to_contain_text(family.code)  # the household whose family is to be told
    expect(news).to_contain_text("stayed behind")
    expect(news).not_to_contain_text("Սիրանուշ")  # codes travel, names do not
    news.locator("button:has-text('Acknowledge')").click()
    expect(page.locator("tr.done")).to_have_count(1)
    expect(page.locator("a.notifications .count")).to_have_count(0)
