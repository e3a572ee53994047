"""A writer holding the lock past the busy timeout: 503 with Retry-After, never 500."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bench.server import Server, running
from django.db import OperationalError
from django.test import Client

from haven.intake.tests.test_openrosa_recordings import Device, collect_submission
from haven.registry.models import Household
from haven.testing.factories import signed_in

HOUSEHOLD = {"site": "goris", "members": [
    {"given_name": "Narine", "family_name": "Sargsyan", "sex": "female", "birth_date": "1990",
     "relationship": "head"}]}


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


@pytest.mark.django_db
def test_the_api_answers_503_with_retry_after(api, sites, monkeypatch):
    monkeypatch.setattr("haven.registry.services.registration.households_register", locked)
    response = api("registrar").post("/households", HOUSEHOLD)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"] == "busy"


@pytest.mark.django_db
def test_openrosa_answers_503_that_collect_retries(users, sites, monkeypatch):
    monkeypatch.setattr("haven.intake.openrosa.views.submission_receive", locked)
    response = Device(username="registrar-goris").submit(collect_submission())
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["X-OpenRosa-Version"] == "1.0"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "words"), [("en", "busy for a moment"),
                                                 ("ru", "Haven занят"), ("hy", "Haven-ը")])
def test_a_page_says_to_try_again_in_the_readers_language(users, sites, monkeypatch,
                                                         language, words):
    monkeypatch.setattr("haven.registry.services.registration.households_register", locked)
    client = Client(headers={"Accept-Language": language})
    client.force_login(users["registrar"])
    response = client.post("/households/new/", {
        "site": "goris", "members-0-given_name": "Narine", "members-0-family_name": "Sargsyan",
        "members-0-sex": "female", "members-0-relationship": "head"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert words in response.content.decode()


@pytest.mark.django_db
def test_any_other_database_error_is_not_dressed_up_as_busy(api, sites, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: registry_household")

    monkeypatch.setattr("haven.registry.services.registration.households_register", broken)
    client = api("registrar")
    with pytest.raises(OperationalError):
        client.post("/households", HOUSEHOLD)


@pytest.mark.django_db
def test_a_busy_session_refresh_does_not_break_a_page_that_was_read(users, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415

    client = signed_in(users["coordinator"])  # logged in: the session exists
    monkeypatch.setattr(SessionStore, "save", locked)  # now every refresh of it is refused
    assert client.get("/").status_code == 200


SETUP = """
import django; django.setup()
from haven.accounts.services import token_create, user_create
from haven.registry.models import Site
Site.objects.create(slug="goris", kind="reception_hub", name_en="Goris", settlement="Goris",
                    province="Syunik")
user_create(actor=None, username="registrar-goris", role="registrar", sites=["goris"],
            password=None)
print(token_create(actor=None, username="registrar-goris"))
"""


class QuickServer(Server):
    """A server with one site and one registrar: the demo's linkage run is not needed here."""

    def prepare(self) -> None:
        self._haven("migrate")
        done = subprocess.run([sys.executable, "-c", SETUP], env={
            **self.env, "DJANGO_SETTINGS_MODULE": "haven.config.settings"},
            capture_output=True, text=True, check=True, timeout=120)
        self.token = done.stdout.strip().splitlines()[-1]


def _post(url: str, body: dict, token: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(  # noqa: S310 - the test's own server on localhost
        url, json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - localhost
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), json.loads(refused.read())


@pytest.mark.skipif(bool(os.environ.get("HAVEN_DATABASE_URL")), reason="SQLite's one writer")
def test_a_lock_held_past_the_timeout_on_a_real_server(monkeypatch):
    """`haven serve` on SQLite, a second process holding the write lock: 503, then 201 once."""

    server = QuickServer(Path(sys.executable).with_name("haven"), workers=1, keep=False,
                         label="busy test")
    server.env["HAVEN_DB_BUSY_SECONDS"] = "1"
    with running(server):
        url = f"http://{server.host}:{server.port}/api/v1/households"
        holder = sqlite3.connect(server.database, timeout=5, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        status, headers, body = _post(url, HOUSEHOLD, server.token)
        holder.execute("ROLLBACK")
        assert status == 503, body
        assert headers["Retry-After"] == "5"
        assert body["error"] == "busy"
        status, _headers, body = _post(url, HOUSEHOLD, server.token)
        assert status == 201, body
        holder.close()
        stored = sqlite3.connect(server.database)
        assert stored.execute("SELECT count(*) FROM registry_household WHERE "
                              "created_by_id = (SELECT id FROM accounts_user WHERE "
                              "username = 'registrar-goris') AND channel = 'api'"
                              ).fetchone() == (1,)
        stored.close()
        assert server.locked_lines() >= 0  # the log is readable; nothing crashed
        assert "Traceback" not in server.stderr_path.read_text(errors="replace")
    assert Household  # the model the counts above read
