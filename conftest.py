"""Fixtures shared by every test: sites, a user per role, API clients, Chromium settings."""

from __future__ import annotations

import os
import threading

import pytest
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop

pytest_plugins = ["haven.testing.factories"]

# Hypothesis' per-example deadline (200 ms) measures the neighbours on a shared CI machine,
# not Haven: properties are checked without it (time bounds live in bench/).
hypothesis_settings.register_profile("haven", deadline=None)
hypothesis_settings.load_profile("haven")

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


@pytest.fixture(scope="session", autouse=True)
def _live_server_serves_one_request_at_a_time():
    """Serialise the live server's requests: on SQLite its threads share one connection.

    The test database on SQLite is in memory, so Django hands the test's own connection to
    every thread of the live server. A page that loads two photographs at once then ran two
    views on one connection at the same moment; their ``atomic`` blocks interleaved ("pop
    from empty list") and left the connection broken for every test after it (the CI run of
    2026-12-06: 4 failed, 158 errors). A request runs its view, and reads its whole answer
    (a streamed CSV reads the database as it goes), under one lock; PostgreSQL, where each
    thread has its own connection, is served the same way so both runs behave alike.
    """
    from django.core.servers.basehttp import ThreadedWSGIServer  # noqa: PLC0415
    from django.test.testcases import LiveServerThread  # noqa: PLC0415

    gate = LiveServerGate()

    class OneRequestAtATime(ThreadedWSGIServer):
        def set_app(self, application):
            def serialised(environ, start_response):
                with gate.lock:
                    if not gate.open:  # the test has ended: its database is being emptied
                        start_response("503 Service Unavailable",
                                       [("Content-Type", "text/plain")])
                        return [b"the test has ended"]
                    answer = application(environ, start_response)
                    try:
                        body = b"".join(answer)
                    finally:
                        close = getattr(answer, "close", None)
                        if close is not None:
                            close()  # request_finished: still under the lock
                return [body]

            super().set_app(serialised)

    original = LiveServerThread.server_class
    LiveServerThread.server_class = OneRequestAtATime
    yield gate
    LiveServerThread.server_class = original


class LiveServerGate:
    """Whether the live server may serve, and the lock its requests are served under."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open = True

    def close(self) -> None:
        """Refuse new requests, and return once the request being served has finished."""
        self.open = False
        with self.lock:
            pass


@pytest.fixture(autouse=True)
def _live_server_quiet_before_the_flush(request, _live_server_serves_one_request_at_a_time):
    """Close the live server to the ended test before its database is emptied.

    A page's images may still be loading when a test ends (the report's charts): the CI run
    of 2026-12-06 flushed the database while the server saved the session of a chart's
    request, on the shared SQLite connection, and every later test failed with it broken
    (1 failed, 147 errors). The database fixture is set up before this one, so it is torn
    down after it: the server is quiet when the flush runs.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    gate = _live_server_serves_one_request_at_a_time
    gate.open = True
    yield
    gate.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that do not test hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _name_keys_read_afresh():
    """Each test's searches read the name keys of its own registry, not an earlier test's."""
    from haven.registry import name_vocabulary  # noqa: PLC0415 - after Django is set up

    name_vocabulary.forget()


@pytest.fixture(autouse=True)
def _default_language():
    """Leave English active after each test: a request in Russian activates it for the thread."""
    yield
    from django.utils import translation  # noqa: PLC0415 - after Django is set up

    translation.activate("en")


@pytest.fixture(scope="session", autouse=True)
def _flush_may_erase_the_audit_log():
    """Let the flush between transactional tests empty the audit tables.

    The database refuses DELETE and TRUNCATE of audit events (haven.audit.erasure); a
    test run's wipe of the whole database is the one thing that may.
    """
    from django.core.management.commands import flush  # noqa: PLC0415 - Django is set up

    from haven.audit.erasure import audit_erasure  # noqa: PLC0415

    original = flush.Command.handle

    def handle(self, *args, **options):
        with audit_erasure():
            return original(self, *args, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original
