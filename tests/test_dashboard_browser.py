"""In Chromium: a coordinator opens the situation report, sees the charts, filters, prints.

A viewer, who receives the published tables only, sees those instead."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from haven.registry.models import Person
from haven.testing.browser import loaded_image_width, log_in
from haven.testing.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEREVAN = dt.timezone(dt.timedelta(hours=4))


@pytest.fixture
def arrivals(make_household):
    """Eleven people over three days at Kornidzor and Goris; one registered twice, merged."""
    plan = [("kornidzor", 24, [("Anahit", "1948"), ("Tigran", "1975"), ("Nare", "2010"),
                               ("Aram", "2019")]),
            ("kornidzor", 25, [("Gayane", "1950"), ("Hovhannes", "1982"), ("Lilit", "2005")]),
            ("goris", 26, [("Mariam", "1940"), ("Davit", "1990"), ("Ani", "2015"),
                           ("Narek", "2022")])]
    for site, day, people in plan:
        make_household(site=site, arrived_at=dt.datetime(2023, 9, day, 14, tzinfo=YEREVAN),
                       members=[member(given_name=name, birth_date=born,
                                       sex="female" if i % 2 else "male",
                                       relationship="head" if i == 0 else "child")
                                for i, (name, born) in enumerate(people)])
    again = make_household(site="goris", arrived_at=dt.datetime(2023, 9, 26, 15,
                                                                tzinfo=YEREVAN),
                           members=[member(given_name="Анаит", birth_date="1948")])
    first = Person.objects.get(given_name="Anahit")
    Person.objects.filter(household=again).update(merged_into=first)


def test_the_dashboard_draws_its_charts(page: Page, live_server, users, arrivals, tmp_path):
    base = live_server.url
    log_in(page, base, "coordinator")
    page.click("nav >> text=Reports")
    page.fill("input[name=to]", "2023-09-26")
    page.click(".report-filters button[type=submit]")
    # The period opens on the first day with arrivals (issue 17), up to the chosen day.
    expect(page.locator("h1")).to_contain_text("Situation report, 24 Sep 2023 – 26 Sep 2023")
    expect(page.locator('[data-figure="arrivals"]')).to_have_text("11")
    expect(page.locator('[data-figure="registrations"]')).to_have_text("12")
    charts = page.locator("figure.chart img")
    expect(charts).to_have_count(4)
    for index in range(4):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        # The SVG decoded and laid out: a real image, not a broken icon.
        assert loaded_image_width(chart) > 100
        assert chart.bounding_box()["width"] > 200
    page.locator("#chart-cumulative summary").click()
    expect(page.locator("#chart-cumulative table")).to_contain_text("26 Sep 2023")

    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    with Image.open(shot) as image:
        assert image.width >= 800
        assert image.height >= 800
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None
    assert len(colours) > 50  # charts, text and tables, not a blank page

    page.check("input[name=site][value=goris]")
    page.click(".report-filters button[type=submit]")
    # Goris' family of four, and Anahit, whose second registration was there.
    expect(page.locator('[data-figure="arrivals"]')).to_have_text("5")

    page.emulate_media(media="print")
    expect(page.locator(".report-filters")).to_be_hidden()
    expect(charts.first).to_be_visible()


def test_a_viewer_sees_the_published_table(page: Page, live_server, users, arrivals):
    base = live_server.url
    log_in(page, base, "viewer")
    page.click("nav >> text=Reports")
    page.fill("input[name=date]", "2023-09-26")
    page.click(".report-filters button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Published figures, 26 September 2023")
    expect(page.locator("figure.chart img")).to_have_count(0)
    all_sites = page.locator("table.published tr.level-all")
    expect(all_sites.locator("td").first).to_have_text("11")
    expect(page.locator("td.withheld").first).to_be_visible()
