"""Creating users: a role, the sites they act for, a strong password or none."""

import pytest

from haven.accounts.models import User
from haven.accounts.services import user_create
from haven.audit.models import AuditAction, AuditEvent
from haven.core.errors import PermissionDenied, ValidationFailed
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def test_a_user_gets_a_role_sites_and_a_hashed_password(sites, settings):
    """The password is stored as an Argon2 hash, and the creation is audited."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = user_create(actor=None, username="anna", role="registrar", sites=["goris", "vayk"],
                       password="a long passphrase")
    assert (user.role, sorted(s.slug for s in user.sites.all())) == (
        "registrar", ["goris", "vayk"])
    assert user.password.startswith("argon2")
    assert user.check_password("a long passphrase")
    event = AuditEvent.objects.get(action=AuditAction.USER_CREATE)
    assert (event.channel, [t.target_id for t in event.targets.all()]) == ("cli", [str(user.pk)])


def test_a_user_without_a_password_cannot_log_in(sites):
    """Device users authenticate with tokens only."""
    user = user_create(actor=None, username="tablet-3", role="registrar", sites=["goris"],
                       password=None)
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"password": "short-pw9"},
         "password", "This password is too short. It must contain at least 10 characters."),
        ({"password": "1234567890123"}, "password", "This password is entirely numeric."),
        ({"password": "password1234"}, "password", "This password is too common."),
        ({"username": "anna karenina"}, "username",
         "use letters, digits and @ . + - _ (at most 150)"),
        ({"username": ""}, "username", "use letters, digits and @ . + - _ (at most 150)"),
        ({"username": "Registrar-Goris"}, "username", "a user with this name exists"),
        ({"role": "superuser"}, "role", "must be one of: administrator, coordinator, registrar, "
                                        "tracing_officer, protection_officer, auditor, viewer"),
        ({"sites": ["goris", "stepanakert"]}, "sites", "unknown site 'stepanakert'"),
    ],
)
def test_bad_users_are_refused_by_field(users, values, field, message):
    """Each problem names its field; no user is created."""
    before = User.objects.count()
    arguments = {"username": "anna", "role": "registrar", "sites": ["goris"],
                 "password": "a long passphrase", **values}
    with pytest.raises(ValidationFailed) as refused:
        user_create(actor=None, **arguments)
    assert message in refused.value.errors[field]
    assert User.objects.count() == before


def test_only_user_managers_create_users(users):
    """A registrar is refused; an administrator is not (docs/roles.md, "Who manages whom")."""
    with pytest.raises(PermissionDenied):
        user_create(actor=actor_for(users["registrar"]), username="anna", role="viewer",
                    sites=[], password=None)
    created = user_create(actor=actor_for(users["administrator"]), username="anna",
                          role="viewer", sites=[], password=None)
    event = AuditEvent.objects.get(action=AuditAction.USER_CREATE)
    assert (event.username, event.channel) == ("admin", "web")
    assert [t.target_id for t in event.targets.all()] == [str(created.pk)]
