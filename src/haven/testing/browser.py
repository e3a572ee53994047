"""What the Playwright tests share: logging in through the page, as a person would."""

from __future__ import annotations

import re
from base64 import b32decode

from django_otp.oath import totp
from playwright.sync_api import Locator, Page, expect

from haven.testing.factories import PASSWORD


def _totp_now(secret: str) -> str:
    """Return the code an authenticator app would show for the key on the enrolment page."""
    key = b32decode("".join(secret.split()))
    return f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"


def recovery_code_for(username: str) -> str:
    """Give the user a fresh recovery code, as if read from their sheet (each works once)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken  # noqa: PLC0415

    from haven.accounts.models import User  # noqa: PLC0415

    user = User.objects.get(username=username)
    device = StaticDevice.objects.filter(user=user).first() or StaticDevice.objects.create(
        user=user, name="recovery", confirmed=True)
    token = StaticToken.random_token()
    StaticToken.objects.create(device=device, token=token)
    return token


def log_in(page: Page, base: str, username: str) -> None:
    """Log in with the password, then give the second factor where the user owes one.

    A user who must enrol scans nothing: the test reads the key shown under the QR code
    and computes the app's code; one already enrolled enters a recovery code.
    """
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    if "/account/two-factor/verify/" in page.url:
        page.fill("input[name=token]", recovery_code_for(username))
        page.click(".otp button[type=submit]")
    elif re.search(r"/account/two-factor/(\?|$)", page.url):
        secret = page.locator("[data-otp-secret]").inner_text()
        page.fill("input[name=token]", _totp_now(secret))
        page.click(".otp button[type=submit]")
        page.click("a.continue")  # past the recovery codes
    expect(page.locator(".who")).to_contain_text(username)


def menu_open(page: Page, label: str) -> None:
    """Follow the top bar's link `label`, opening "More" first when it is listed there."""
    link = page.locator(f"nav >> text={label}").first
    if not link.is_visible():
        page.click("nav details.more summary")
    link.click()


def loaded_image_width(image: Locator) -> int:
    """Return the natural width of `image` once it has loaded and decoded.

    Reading `complete` straight after the page renders races the image's own request
    (and a lazy image below the fold is never requested at all); `decode()` waits for
    the load and rejects when the image is broken, so a broken image fails the test.
    """
    image.scroll_into_view_if_needed()
    # `evaluate` has no timeout of its own: give up after 20 s rather than hang the suite.
    return int(image.evaluate("""async i => {
        const late = new Promise((_, no) => setTimeout(() => no(new Error("not loaded")), 20000));
        await Promise.race([i.decode(), late]);
        return i.naturalWidth;
    }"""))
