"""Personal data stays out of every log: a canary name registered, hinted and searched
through `haven serve` (gunicorn) appears in no line of the access, error or app log.

Names, birth dates and phones go by POST (registration, the registration hint, list
searches); the access log's format has no query string, so even a name put in a URL by
hand is not written.
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CANARY_GIVEN = "Zvartnotsikanary"
CANARY_FAMILY = "Qanaryanbirdyan"
CANARY_BIRTH = "1937-04-19"
CANARY_PHONE = "+37499731937"
PASSWORD = "a-long-test-passphrase"
SETUP = """
import django; django.setup()
from haven.accounts.services import user_create
from haven.registry.services import SiteInput, site_create
from haven.accounts.access import Actor
admin = user_create(actor=None, username="root", role="administrator", sites=[],
                    password="a-long-test-passphrase")
site_create(actor=Actor(user=admin, channel="cli"), site=SiteInput(
    slug="goris", kind="reception_hub", name_en="Goris", settlement="Goris", province="Syunik"))
user_create(actor=None, username="clerk", role="registrar", sites=["goris"],
            password="a-long-test-passphrase")
"""


def _environment(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HAVEN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(HAVEN_VAR_DIR=str(var), HAVEN_INSECURE_COOKIES="1", HAVEN_LOG_LEVEL="INFO",
               DJANGO_SETTINGS_MODULE="haven.config.settings")
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Browser:
    """A cookie-keeping client that sends Django's CSRF token with each POST."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={  # noqa: S310
            "X-CSRFToken": self._csrf(), "Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.fixture
def server(tmp_path):
    var = tmp_path / "var"
    env = _environment(var)
    haven = [sys.executable, "-m", "haven.cli.main"]
    subprocess.run([*haven, "migrate"], env=env, check=True, capture_output=True, timeout=600)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, capture_output=True,
                   timeout=120)
    port = _free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen([*haven, "serve", "--port", str(port), "--workers", "1"],
                                   env=env, stdout=stdout, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1500):  # collectstatic and the first worker: seconds, minutes if busy
            try:
                urllib.request.urlopen(base + "/login/", timeout=2).close()  # noqa: S310
                break
            except OSError:  # refused, reset or timed out while the worker starts
                time.sleep(0.2)
        yield base, out, err
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_canary_name_reaches_no_log_line(server):
    base, out, err = server
    browser = Browser(base)
    browser.get("/login/")
    status, _ = browser.post("/login/", {"username": "clerk", "password": PASSWORD})
    assert status == 200  # followed the redirect home
    browser.get("/households/new/")
    member = {"members-0-given_name": CANARY_GIVEN, "members-0-family_name": CANARY_FAMILY,
              "members-0-birth_date": CANARY_BIRTH, "members-0-sex": "female",
              "members-0-relationship": "head"}
    # The hint as htmx asks for it while the clerk types, then the registration itself.
    status, _hint = browser.post("/households/new/hint/", {"row": "0", **member,
                                                           "phone": CANARY_PHONE})
    assert status == 200
    status, page = browser.post("/households/new/", {"site": "goris", "phone": CANARY_PHONE,
                                                      **member})
    assert status == 200
    assert CANARY_FAMILY in page  # the household's page, after the redirect
    # Search for the person in both lists, and page through the results.
    for path in ("/persons/", "/households/"):
        status, found = browser.post(path, {"q": CANARY_FAMILY})
        assert status == 200
        assert CANARY_FAMILY in found
        assert browser.get(f"{path}?page=1")[0] == 200
    # A name put into a URL by hand is not a search, and not logged either.
    assert browser.get(f"/persons/?q={CANARY_GIVEN}&page=1")[0] == 200
    # A search that fails (a malformed date beside the name) is not logged either.
    assert browser.post("/persons/", {"q": CANARY_FAMILY, "arrived_from": "x"})[0] == 422
    time.sleep(1)  # let gunicorn flush its log lines
    logs = out.read_text() + err.read_text()
    assert 'POST /households/new/hint/ HTTP/1.1" 200' in logs  # the requests were logged
    assert 'GET /persons/ HTTP/1.1" 200' in logs
    for secret in (CANARY_GIVEN, CANARY_FAMILY, CANARY_BIRTH, CANARY_PHONE, "19370419",
                   CANARY_PHONE.removeprefix("+"), urllib.parse.quote(CANARY_PHONE)):
        assert secret not in logs, [line for line in logs.splitlines() if secret in line]
