"""In Chromium: a tracing officer at Goris opens a request for a child written in Latin
script; the child is registered in Armenian script at the Vayk hub; the officer sees the
alert, confirms it, and the situation report counts one matched case."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from haven.testing.browser import log_in
from haven.tracing.models import Alert, TracingRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_child_sought_in_latin_is_found_registered_in_armenian(page: Page, live_server,
                                                                  users):
    base = live_server.url
    log_in(page, base, "tracing")
    page.click("nav >> text=Tracing")
    page.click("text=Open a tracing request")
    page.select_option("select[name=site]", "goris")
    page.select_option("select[name=priority]", "child")
    page.fill("input[name=given_name]", "Ani")
    page.fill("input[name=family_name]", "Vardanyan")
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=birth_year]", "2016")
    page.fill("input[name=origin]", "Stepanakert")
    page.fill("input[name=searcher_name]", "Anahit Vardanyan")
    page.fill("input[name=searcher_relationship]", "mother")
    page.click("button:has-text('Open the request')")
    expect(page.locator(".notice")).to_contain_text("opened")
    request = TracingRequest.objects.get()
    expect(page.locator("#alerts")).to_contain_text("No possible match yet")
    page.click("button:has-text('Log out')")

    # At Vayk, a registrar registers the child (alone) in Armenian script.
    log_in(page, base, "registrar-vayk")
    page.click("nav >> text=Register household")
    page.fill("input[name=place_of_origin]", "Ստեփանակերտ")
    page.fill("input[name=members-0-given_name]", "Անի")
    page.fill("input[name=members-0-family_name]", "Վարդանյան")
    page.select_option("select[name=members-0-sex]", "female")
    page.fill("input[name=members-0-birth_date]", "2016")
    page.select_option("select[name=members-0-relationship]", "head")
    page.click("#register button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("with 1 member")
    page.click("button:has-text('Log out')")

    # The officer sees the alert: a count in the menu, the notification, the request.
    log_in(page, base, "tracing")
    expect(page.locator("nav .notifications .count")).to_be_visible()
    page.click("nav >> text=Notifications")
    page.click(f"text=Possible match for tracing request {request.code}")
    alerts = page.locator("#alerts")
    expect(alerts).to_contain_text("Անի Վարդանյան")
    expect(alerts).to_contain_text("Vayk")
    expect(alerts).to_contain_text("family name: the same name, in any script")
    alerts.locator("button:has-text('Confirm')").click()
    expect(page.locator("h1 + p")).to_contain_text("Confirmed")
    assert Alert.objects.get().state == "confirmed"

    # The child, registered alone, was on the priority list at once.
    page.click("nav >> text=Tracing")
    page.click("text=Unaccompanied and separated children")
    expect(page.locator("table")).to_contain_text("Անի Վարդանյան")

    page.click("nav >> text=Reports")
    tracing = page.locator(".sitrep-tracing")
    expect(tracing.locator("[data-figure=cases_opened]")).to_have_text("1")
    expect(tracing.locator("[data-figure=cases_matched]")).to_have_text("1")
    expect(tracing.locator("[data-figure=cases_reunified]")).to_have_text("0")
