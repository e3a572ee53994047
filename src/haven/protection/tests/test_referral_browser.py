"""In Chromium: Goris' protection officer refers a burns patient to the burns centre, whose
officer sees who is coming (not the record) and accepts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from haven.protection.tests.conftest import patient_code
from haven.testing.browser import log_in, menu_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refer_a_burns_patient_from_goris_to_a_hospital_which_accepts(
        page: Page, live_server, users, patient, hospital_officer):
    base = live_server.url
    code = patient_code(patient)
    log_in(page, base, "protection-goris")
    menu_open(page, "Referrals")
    page.click("text=Refer a person")
    page.fill("input[name=person]", code)
    page.select_option("select[name=service]", "burns_unit")
    page.select_option("select[name=to_site]", "yerevan-burns")
    page.select_option("select[name=urgency]", "emergency")
    page.fill("textarea[name=notes]", "Second-degree burns to both arms; dressings every day")
    page.click("#referral button[type=submit]")
    # Without consent the page refuses, at the consent field.
    expect(page.locator("fieldset.field-error")).to_contain_text("consent is required")
    page.check("input[name=consent][value=yes]")
    page.click("#referral button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("Referral sent")
    expect(page.locator("[data-status]")).to_have_text("Requested")
    referral_url = page.url

    page.click("button:has-text('Log out')")
    log_in(page, base, "protection-burns")
    menu_open(page, "Referrals")
    row = page.locator("table tbody tr").first
    expect(row).to_contain_text(code)
    expect(row).to_contain_text("Tigran Harutyunyan")
    row.locator("text=Open").click()
    assert page.url == referral_url
    expect(page.locator("dl.facts")).to_contain_text("Second-degree burns to both arms")
    # The outline only: no link to the person's record, which stays closed to the hospital.
    expect(page.locator(f"a:has-text('{code}')")).to_have_count(0)
    page.fill("textarea[name=note]", "Bed 12, burns ward")
    page.click("button[value=accept]")
    expect(page.locator(".notice")).to_contain_text("Referral accepted")
    expect(page.locator("[data-status]")).to_have_text("Accepted")
    response = page.goto(f"{base}/persons/{code}/")
    assert response is not None
    assert response.status == 404
