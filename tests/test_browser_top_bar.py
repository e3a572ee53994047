"""Issue 17 item 6 in Chromium: the top bar is one line at 1366 px for every role, in English,
Armenian and Russian; at 390 px it wraps whole items and nothing runs off the screen.
Screenshots go to var/test/screenshots/top-bar-<role>-<language>-<width>.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from haven.registry.models import Site
from haven.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("en", "hy", "ru")
SHOTS = Path(os.environ.get("HAVEN_VAR_DIR", "var/test")) / "screenshots"
ROLES = ("administrator", "coordinator", "registrar", "tracing_officer", "protection_officer",
         "auditor", "viewer")
# Every item of the bar: the name, the menu's links and "More", the language, the user.
ITEMS = ".top > .brand, .top nav > a, .top nav > details > summary, .top .tools > *"


def _boxes(page: Page) -> list[dict[str, float]]:
    """Return the bounding box of every visible item of the top bar."""
    boxes: list[dict[str, float]] = page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
            .map(item => item.getBoundingClientRect())
            .filter(box => box.width > 0 && box.height > 0)
            .map(box => ({x: box.x, y: box.y, width: box.width, height: box.height}))""",
        ITEMS)
    return boxes


def _overflow(page: Page) -> int:
    """Return how many pixels of the top bar run past its right edge (0: none)."""
    return int(page.evaluate("bar => bar.scrollWidth - bar.clientWidth",
                             page.locator(".top").element_handle()))


def _shot(page: Page, role: str, language: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"top-bar-{role}-{language}-{width}.png"))


def _more_menu_fits(page: Page, width: int) -> None:
    """Open "More": its links show, inside the window, and Escape closes it."""
    page.click(".top details.more summary")
    links = page.locator(".top details.more .menu a")
    expect(links.first).to_be_visible()
    for link in links.all():
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width + 1
    page.keyboard.press("Escape")
    expect(links.first).to_be_hidden()


@pytest.fixture
def long_site_name(users) -> None:
    """Goris as the demo names it: the registrar's acting site is the bar's longest item."""
    Site.objects.filter(slug="goris").update(
        name_en="Goris theatre reception hub", name_hy="Գորիսի թատրոնի ընդունման կենտրոն",
        name_ru="Приёмный пункт в театре Гориса")


@pytest.mark.parametrize("role", ROLES)
def test_the_top_bar_is_one_line_at_1366_and_wraps_whole_items_at_390(
        browser: Browser, live_server, users, long_site_name, role):
    username = users[role].username
    for language in LANGUAGES:
        context = browser.new_context(locale=language,
                                      extra_http_headers={"Accept-Language": language},
                                      viewport={"width": 1366, "height": 800})
        page = context.new_page()
        try:
            log_in(page, live_server.url, username)
            page.goto(f"{live_server.url}/")
            expect(page.locator("html")).to_have_attribute("lang", language)
            boxes = _boxes(page)
            assert len(boxes) >= 5  # the name, two links or more, the language, the user
            centres = [b["y"] + b["height"] / 2 for b in boxes]
            row = max(b["height"] for b in boxes)
            _shot(page, role, language, 1366)
            assert max(centres) - min(centres) < row / 2, (role, language, "wraps")
            assert page.locator(".top").bounding_box()["height"] < 2 * row + 16
            assert _overflow(page) == 0
            _more_menu_fits(page, 1366)

            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(f"{live_server.url}/")
            _shot(page, role, language, 390)
            assert _overflow(page) == 0, (role, language)
            for box in _boxes(page):
                assert box["x"] >= 0, (role, language, box)
                assert box["x"] + box["width"] <= 391, (role, language, box)
            _more_menu_fits(page, 390)
        finally:
            context.close()
