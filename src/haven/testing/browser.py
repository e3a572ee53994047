"""What the Playwright tests share: logging in through the page, as a person would."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from haven.testing.factories import PASSWORD


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login button[type=submit]")
    expect(page.locator(".who")).to_contain_text(username)
