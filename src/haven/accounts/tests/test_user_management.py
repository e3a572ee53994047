"""Managing users: nobody grants a role above their own; every change and refusal is audited;
a reset password must be changed; a locked account is unlocked."""

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import grantable_roles, role_may_grant
from haven.accounts.services import (
    device_create,
    user_create,
    user_deactivate,
    user_password_set,
    user_unlock,
    user_update,
)
from haven.audit.models import AuditAction, AuditEvent
from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.testing.factories import PASSWORD, actor_for, signed_in

pytestmark = pytest.mark.django_db


def test_the_order_of_roles():
    """Administrators grant everything; a coordinator only roles within its own powers."""
    assert grantable_roles("administrator") == [
        "administrator", "coordinator", "registrar", "tracing_officer", "protection_officer",
        "auditor", "viewer"]
    assert grantable_roles("coordinator") == ["coordinator", "registrar", "tracing_officer",
                                              "viewer"]
    for role in ("registrar", "tracing_officer", "protection_officer", "auditor", "viewer",
                 "device"):
        assert grantable_roles(role) == [], role
    assert not role_may_grant("administrator", "device")  # devices come from their page


@pytest.mark.parametrize("role", ["administrator", "auditor", "protection_officer"])
def test_a_coordinator_cannot_create_a_user_above_them(users, role):
    before = User.objects.count()
    with pytest.raises(PermissionDenied):
        user_create(actor=actor_for(users["coordinator"]), username="climber", role=role,
                    sites=["goris"], password=None)
    assert User.objects.count() == before
    event = AuditEvent.objects.get(action=AuditAction.USER_CREATE)
    assert (event.username, event.outcome) == ("coordinator", "denied")


def test_a_coordinator_creates_a_registrar(users):
    created = user_create(actor=actor_for(users["coordinator"]), username="anna",
                          role="registrar", sites=["goris"], password=None)
    assert (created.role, [s.slug for s in created.sites.all()]) == ("registrar", ["goris"])


def test_nobody_promotes_anyone_above_their_own_role(users):
    coordinator = actor_for(users["coordinator"])
    with pytest.raises(PermissionDenied):
        user_update(actor=coordinator, username="registrar-goris", role="administrator")
    assert User.objects.get(username="registrar-goris").role == "registrar"
    # Nor acts on a user above them: not even to demote, reset or deactivate them.
    for attempt in (lambda: user_update(actor=coordinator, username="admin", role="viewer"),
                    lambda: user_password_set(actor=coordinator, username="admin"),
                    lambda: user_deactivate(actor=coordinator, username="auditor")):
        with pytest.raises(PermissionDenied):
            attempt()
    assert User.objects.get(username="admin").role == "administrator"
    assert User.objects.get(username="auditor").is_active
    denied = AuditEvent.objects.filter(outcome="denied").values_list("action", flat=True)
    assert sorted(denied) == ["user.deactivate", "user.password_reset", "user.update",
                              "user.update"]


def test_nobody_changes_their_own_role_or_deactivates_themselves(users):
    admin = actor_for(users["administrator"])
    with pytest.raises(ValidationFailed):
        user_update(actor=admin, username="admin", role="viewer")
    with pytest.raises(ValidationFailed):
        user_deactivate(actor=admin, username="admin")
    assert User.objects.get(username="admin").is_active


def test_roles_without_user_management_are_refused(users):
    for role in ("registrar", "auditor", "viewer", "protection_officer", "tracing_officer"):
        with pytest.raises(PermissionDenied):
            user_update(actor=actor_for(users[role]), username="viewer", sites=["goris"])


def test_changing_role_and_sites_is_audited(users):
    user_update(actor=actor_for(users["administrator"]), username="registrar-goris",
                role="protection_officer", sites=["goris", "vayk"])
    changed = User.objects.get(username="registrar-goris")
    assert changed.role == "protection_officer"
    assert sorted(s.slug for s in changed.sites.all()) == ["goris", "vayk"]
    event = AuditEvent.objects.get(action=AuditAction.USER_UPDATE)
    assert [t.target_id for t in event.targets.all()] == [str(changed.pk)]
    with pytest.raises(ValidationFailed) as refused:
        user_update(actor=actor_for(users["administrator"]), username="registrar-goris",
                    sites=["atlantis"])
    assert "sites" in refused.value.errors


def test_device_identities_are_not_managed_as_users(users):
    issued = device_create(actor=None, site="goris", label="phone")
    with pytest.raises(NotFound):
        user_update(actor=actor_for(users["administrator"]), username=issued.username,
                    role="coordinator")


def test_a_reset_password_must_be_changed_at_the_next_login(users):
    temporary = user_password_set(actor=actor_for(users["administrator"]),
                                  username="registrar-goris")
    assert len(temporary) == 19
    browser = Client()
    response = browser.post("/login/", {"username": "registrar-goris", "password": temporary})
    assert response.status_code == 302
    # Every page leads to the change form, the API refuses the session.
    for path in ("/", "/households/", "/persons/", "/tokens/"):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/password/"), path
    assert browser.get("/api/v1/households").status_code == 401
    assert browser.get("/account/password/").status_code == 200
    refused = browser.post("/account/password/", {"current": temporary, "new": "short",
                                                  "repeat": "short"})
    assert refused.status_code == 422
    changed = browser.post("/account/password/?next=/households/", {
        "current": temporary, "new": "a much longer passphrase",
        "repeat": "a much longer passphrase", "next": "/households/"})
    assert changed.status_code == 302
    assert changed["Location"] == "/households/"
    assert browser.get("/households/").status_code == 200  # the session goes on
    user = User.objects.get(username="registrar-goris")
    assert not user.must_change_password
    assert user.check_password("a much longer passphrase")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.password_reset", "user.password_change"} <= actions


def test_a_reset_ends_the_user_s_open_sessions(users):
    browser = Client()
    browser.post("/login/", {"username": "registrar-goris", "password": PASSWORD})
    assert browser.get("/households/").status_code == 200
    user_password_set(actor=None, username="registrar-goris")
    assert browser.get("/households/").status_code == 302


def test_a_locked_account_is_unlocked(users, settings):
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post("/login/", {"username": "registrar-goris", "password": "wrong-guess"})
    locked = browser.post("/login/", {"username": "registrar-goris", "password": PASSWORD})
    assert locked.status_code == 429
    page = signed_in(users["administrator"]).get("/users/registrar-goris/").content.decode()
    assert "Locked out after failed logins" in page
    assert user_unlock(actor=actor_for(users["administrator"]),
                       username="registrar-goris") >= 1
    unlocked = browser.post("/login/", {"username": "registrar-goris", "password": PASSWORD})
    assert unlocked.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.USER_UNLOCK)
    assert event.username == "admin"
