"""In Chromium: two dated observations of a church, with photographs, make its timeline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from haven.documentation.tests.conftest import image_bytes
from haven.testing.browser import loaded_image_width, log_in, menu_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_dated_observations_of_a_church_side_by_side(page: Page, live_server, users,
                                                         tmp_path):
    before, after = tmp_path / "2019.png", tmp_path / "2021.jpg"
    before.write_bytes(image_bytes("PNG", "#dddddd", (320, 240)))
    after.write_bytes(image_bytes("JPEG", "#555555", (320, 240)))
    base = live_server.url
    log_in(page, base, "registrar-goris")
    menu_open(page, "Return")
    page.click("text=Add a heritage site")
    page.select_option("select[name=kind]", "church")
    page.fill("input[name=name_en]", "Holy Saviour Ghazanchetsots Cathedral")
    page.fill("input[name=name_hy]", "Ղազանչեցոց")
    page.fill("input[name=settlement]", "Shushi")
    page.fill("input[name=latitude]", "39.7588")
    page.fill("input[name=longitude]", "46.7496")
    page.click("button:has-text('Save')")
    expect(page.locator("h1")).to_contain_text("Ghazanchetsots")
    expect(page.locator(".empty")).to_contain_text("No observation recorded yet")

    for on, condition, photo in (("2021-05-04", "altered", after),
                                 ("2019-09-01", "intact", before)):
        page.fill("input[name=observed_on]", on)
        page.select_option("select[name=source]", "visit")
        page.select_option("select[name=condition]", condition)
        page.set_input_files("input[name=photos]", str(photo))
        page.click("button:has-text('Save the observation')")
        expect(page.locator(".notice")).to_contain_text("Recorded the observation")

    items = page.locator("ol.timeline > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Intact")  # oldest first, whatever the entry order
    expect(items.nth(1)).to_contain_text("Altered")
    pair = page.locator(".side-by-side figure")
    expect(pair).to_have_count(2)
    expect(pair.nth(0)).to_contain_text("Intact")
    expect(pair.nth(1)).to_contain_text("Altered")
    for img in pair.locator("img").all():  # the photographs load (served, audited)
        assert loaded_image_width(img) == 320
    page.click("text=Map")
    expect(page.locator("figure.map svg")).to_contain_text("Ghazanchetsots")
