"""In Chromium: the EU's pledge, its commitment and a delivery to Goris, then the report."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from haven.core import clock
from haven.testing.browser import log_in, menu_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_the_eu_pledge_commit_it_deliver_it_and_see_the_report(
        page: Page, live_server, users, make_household):
    with clock.frozen_at(dt.datetime(2023, 9, 28, 9, 0, tzinfo=dt.UTC)):
        make_household(site="goris")  # someone has arrived, so the report has a body
    base = live_server.url

    log_in(page, base, "admin")
    page.goto(f"{base}/aid/rates/")
    page.fill("input[name=currency]", "EUR")
    page.fill("input[name=date]", "2023-09-27")
    page.fill("input[name=usd_per_unit]", "1.0502")
    page.click("button:has-text('Save the rate')")
    expect(page.locator("table")).to_contain_text("EUR")
    page.click("button:has-text('Log out')")

    log_in(page, base, "coordinator")
    menu_open(page, "Aid")
    expect(page.locator(".empty").first).to_contain_text("No contributions recorded yet")
    page.click("text=Add a donor")
    page.fill("input[name=name]", "European Union")
    page.select_option("select[name=kind]", "multilateral")
    page.click("button:has-text('Save')")
    page.select_option("select[name=donor]", "European Union")
    page.select_option("select[name=kind]", "cash")
    page.select_option("select[name=status]", "pledge")
    page.fill("input[name=date]", "2023-09-27")
    page.fill("input[name=amount]", "5000000")
    page.fill("input[name=currency]", "EUR")
    page.select_option("select[name=sector]", "multi_sector")
    page.click("button:has-text('Save')")
    expect(page.locator("dl.facts")).to_contain_text("$5,251,000")

    page.select_option("select[name=status]", "commitment")
    page.fill("form:has(input[value=status]) input[name=date]", "2023-09-29")
    page.click("button:has-text('Save the status')")
    expect(page.locator("dl.facts")).to_contain_text("Commitment")
    page.select_option("select[name=site]", "goris")
    page.fill("input[name=quantity]", "1000000")
    page.fill("input[name=received_on]", "2023-10-01")
    page.click("button:has-text('Save the delivery')")
    expect(page.locator("table").first).to_contain_text("1,000,000")
    expect(page.locator("dl.facts")).to_contain_text("4,000,000")

    page.goto(f"{base}/reports/?date=2023-10-01")
    aid = page.locator("table.sitrep-aid")
    expect(aid).to_contain_text("5,251,000")
    expect(aid).to_contain_text("1,050,200")
