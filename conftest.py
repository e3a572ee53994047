"""Fixtures shared by every test: sites, a user per role, API clients, Chromium settings."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop

pytest_plugins = ["haven.testing.factories"]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


# A shared CI machine can be slow to render: wait up to 15 s for what a test expects on a
# page (Playwright's default is 5 s), rather than fail on load instead of on behaviour.
BROWSER_EXPECT_SECONDS = 15


@pytest.fixture(scope="session", autouse=True)
def _patient_expectations():
    try:
        from playwright.sync_api import expect  # noqa: PLC0415 - only where browsers run
    except ImportError:  # pragma: no cover - the test extras install Playwright
        return
    expect.set_options(timeout=BROWSER_EXPECT_SECONDS * 1000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that do not test hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Leave English active after each test: a request in Russian activates it for the thread."""
    yield
    from django.utils import translation  # noqa: PLC0415 - after Django is set up

    translation.activate("en")
