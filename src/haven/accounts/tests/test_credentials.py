"""Credentials die when they should: tokens expire and are revoked; deactivation and
"sign out everywhere" end sessions and tokens at once."""

import datetime as dt

import pytest
from django.test import Client, override_settings

from haven.accounts.models import ApiToken
from haven.accounts.selectors import token_list, token_status
from haven.accounts.services import (
    token_authenticate,
    token_create,
    token_revoke,
    user_deactivate,
    user_reactivate,
    user_sign_out,
)
from haven.audit.models import AuditAction, AuditEvent
from haven.core import clock
from haven.core.errors import NotFound, ValidationFailed
from haven.testing.factories import PASSWORD, actor_for, signed_in

pytestmark = pytest.mark.django_db

ISSUED = dt.datetime(2023, 9, 28, 8, 0, tzinfo=dt.UTC)


def api_status(token: str) -> int:
    return Client().get("/api/v1/sites", headers={"Authorization": f"Bearer {token}"}).status_code


def logged_in(username: str) -> Client:
    """A browser that logged in through the login page, as a person does."""
    browser = Client()
    response = browser.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return browser


def test_a_token_expires_after_the_configured_days(users):
    """Ninety days by default: the day before it works, at the ninetieth day it is refused."""
    with clock.frozen_at(ISSUED):
        token = token_create(actor=None, username="registrar-goris")
    assert ApiToken.objects.get().expires_at == ISSUED + dt.timedelta(days=90)
    with clock.frozen_at(ISSUED + dt.timedelta(days=89, hours=23)):
        assert token_authenticate(token) == users["registrar"]
        assert api_status(token) == 200
    with clock.frozen_at(ISSUED + dt.timedelta(days=90)):
        assert token_authenticate(token) is None
        assert api_status(token) == 401
        assert token_status(ApiToken.objects.get()) == "expired"


@override_settings(TOKEN_DAYS=7)
def test_the_setting_caps_every_token_s_life(users):
    with clock.frozen_at(ISSUED):
        token_create(actor=None, username="registrar-goris")
        token_create(actor=None, username="registrar-goris", days=2)
        with pytest.raises(ValidationFailed) as refused:
            token_create(actor=None, username="registrar-goris", days=8)
    assert "days" in refused.value.errors
    lives = sorted(t.expires_at - t.created_at for t in ApiToken.objects.all())
    assert lives == [dt.timedelta(days=2), dt.timedelta(days=7)]


def test_a_revoked_token_is_refused_by_the_api(users):
    token = token_create(actor=None, username="registrar-goris")
    assert api_status(token) == 200
    revoked = token_revoke(actor=None, ref=token[:12])
    assert revoked.revoked_at is not None
    assert api_status(token) == 401
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert [t.target_id for t in event.targets.all()] == [str(revoked.pk)]


def test_users_revoke_their_own_tokens_but_not_another_s(users):
    mine = token_create(actor=None, username="registrar-goris")
    theirs = token_create(actor=None, username="registrar-vayk")
    goris = actor_for(users["registrar"])
    with pytest.raises(NotFound):
        token_revoke(actor=goris, ref=theirs[:12])
    assert AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE).outcome == "denied"
    assert api_status(theirs) == 200
    token_revoke(actor=goris, ref=mine[:12])
    assert api_status(mine) == 401
    # An administrator revokes anyone's.
    token_revoke(actor=actor_for(users["administrator"]), ref=theirs[:12])
    assert api_status(theirs) == 401


def test_token_list_shows_one_s_own_and_a_manager_the_managed(users):
    token_create(actor=None, username="registrar-goris", label="mine")
    token_create(actor=None, username="auditor", label="auditor's")
    goris = token_list(actor=actor_for(users["registrar"]))
    assert [t.label for t in goris] == ["mine"]
    # A coordinator manages registrars, not auditors.
    assert [t.label for t in token_list(actor=actor_for(users["coordinator"]))] == ["mine"]
    assert {t.label for t in token_list(actor=actor_for(users["administrator"]))} == {
        "mine", "auditor's"}


def test_deactivation_ends_an_open_session_and_every_token_at_once(users):
    browser = logged_in("registrar-goris")
    token = token_create(actor=None, username="registrar-goris")
    assert browser.get("/households/").status_code == 200
    assert api_status(token) == 200
    user_deactivate(actor=actor_for(users["administrator"]), username="registrar-goris")
    # The very next request, on the same session cookie, is a visitor's.
    response = browser.get("/households/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert api_status(token) == 401
    assert ApiToken.objects.get().revoked_at is not None
    # Coming back does not bring the old tokens back.
    user_reactivate(actor=actor_for(users["administrator"]), username="registrar-goris")
    assert api_status(token) == 401
    assert logged_in("registrar-goris").get("/households/").status_code == 200
    actions = list(AuditEvent.objects.filter(action__startswith="user.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["user.deactivate", "user.reactivate"]


def test_sign_out_everywhere_ends_every_session_and_token_but_not_the_account(users):
    laptop, phone = logged_in("registrar-goris"), logged_in("registrar-goris")
    token = token_create(actor=None, username="registrar-goris")
    assert user_sign_out(actor=actor_for(users["registrar"]), username="registrar-goris") == 1
    for browser in (laptop, phone):
        assert browser.get("/households/").status_code == 302
    assert api_status(token) == 401
    assert logged_in("registrar-goris").get("/households/").status_code == 200


def test_sign_out_everywhere_from_the_tokens_page(users):
    browser = logged_in("registrar-goris")
    other = logged_in("registrar-goris")
    response = browser.post("/tokens/", {"action": "sign_out"})
    assert response.status_code == 302
    assert other.get("/households/").status_code == 302
    assert browser.get("/households/").status_code == 302


def test_a_session_opened_before_session_versions_survives_their_arrival(users):
    """Version 0 hashes as Django always has: upgrading Haven logs nobody out."""
    user = users["registrar"]
    assert user.session_version == 0
    assert user.get_session_auth_hash() == user._get_session_auth_hash()


def test_the_tokens_page_lists_and_revokes(users):
    token_create(actor=None, username="registrar-goris", label="export script")
    page = signed_in(users["registrar"]).get("/tokens/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "export script" in text
    stored = ApiToken.objects.get()
    assert stored.prefix in text
    response = signed_in(users["registrar"]).post("/tokens/", {"token": str(stored.pk)})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.revoked_at is not None


def test_the_tokens_page_cannot_revoke_another_user_s_token(users):
    token_create(actor=None, username="registrar-vayk", label="vayk's")
    stored = ApiToken.objects.get()
    signed_in(users["registrar"]).post("/tokens/", {"token": str(stored.pk)})
    stored.refresh_from_db()
    assert stored.revoked_at is None
    page = signed_in(users["registrar"]).get("/tokens/?all=1").content.decode()
    assert "vayk's" not in page


def test_a_token_lifetime_that_is_not_a_number_of_days_is_a_configuration_error(settings):
    from django.core.checks import run_checks  # noqa: PLC0415 - after Django is set up

    settings.TOKEN_DAYS = 0  # what settings.py makes of HAVEN_TOKEN_DAYS=abc, 0 or 99999
    assert "haven.E030" in [e.id for e in run_checks()]
    settings.TOKEN_DAYS = 90
    assert "haven.E030" not in [e.id for e in run_checks()]
