"""Logging in: throttled, locked after repeated failures, the same answer for unknown users."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditAction, AuditEvent
from haven.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def test_a_correct_password_logs_in_and_is_audited(users):
    client = Client()
    response = login(client, "registrar-goris", PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, username="registrar-goris").exists()


def _without_echo(content: bytes, username: str) -> bytes:
    """Drop what legitimately differs between two answers: the CSRF token and typed name."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    content = re.sub(rb'"X-CSRFToken": "[^"]+"', b"", content)
    return content.replace(username.encode(), b"USERNAME")


def test_unknown_user_and_wrong_password_get_the_same_answer(users):
    wrong = login(Client(), "registrar-goris", "not-the-password")
    unknown = login(Client(), "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert _without_echo(wrong.content, "registrar-goris") == \
        _without_echo(unknown.content, "nobody-here")
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 2


@pytest.mark.parametrize("username", ["registrar-goris", "nobody-here"])
def test_five_failures_lock_the_account_even_with_the_right_password(users, username):
    client = Client()
    for _ in range(5):
        login(client, username, "not-the-password")
    locked = login(client, username, PASSWORD)
    assert locked.status_code == 429
    assert b"locked" in locked.content
    assert "_auth_user_id" not in client.session


def test_the_session_is_an_idle_timeout(users, settings):
    """Each request pushes the expiry 30 minutes ahead: it measures idleness, not age."""
    client = Client()
    login(client, "registrar-goris", PASSWORD)
    key = client.cookies["sessionid"].value
    nearly_idle = timezone.now() + dt.timedelta(minutes=2)
    Session.objects.filter(session_key=key).update(expire_date=nearly_idle)
    assert client.get("/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed - timezone.now() > dt.timedelta(minutes=29)
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_an_expired_session_must_log_in_again(users):
    client = Client()
    login(client, "registrar-goris", PASSWORD)
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get("/persons/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_forms_without_a_csrf_token_are_refused(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["registrar"])
    response = client.post("/households/new/", {"site": "goris"})
    assert response.status_code == 403


def test_logout_needs_a_post_and_is_audited(users):
    client = Client()
    client.force_login(users["registrar"])
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()
    assert client.get("/").status_code == 302


def test_pages_with_personal_data_are_not_cached(users, make_household):
    household = make_household()
    client = Client()
    client.force_login(users["coordinator"])
    response = client.get(f"/households/{household.code}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
