"""API tokens: shown once, stored as a digest, refused when wrong, revoked or orphaned."""

import datetime as dt
import json

import pytest
from django.test import Client

from haven.accounts.models import ApiToken
from haven.accounts.services import TOKEN_PREFIX, token_authenticate, token_create
from haven.audit.models import AuditAction, AuditEvent, AuditTarget
from haven.core import clock
from haven.core.errors import NotFound, PermissionDenied
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def test_a_token_is_returned_once_and_only_its_digest_is_kept(users):
    """The token itself is in no column of the token table nor of the audit log."""
    token = token_create(actor=None, username="registrar-goris", label="tablet 3 at Goris")
    assert token.startswith(TOKEN_PREFIX)
    assert len(token) > 40
    stored = ApiToken.objects.get()
    assert (stored.user, stored.label, stored.prefix) == (users["registrar"],
                                                          "tablet 3 at Goris", token[:12])
    everything = json.dumps([*ApiToken.objects.values(), *AuditEvent.objects.values(),
                             *AuditTarget.objects.values()], default=str)
    assert token not in everything
    assert token[12:] not in everything


def test_issuing_a_token_is_audited(users):
    """The audit log names the user the token was issued for, and the command line."""
    token_create(actor=None, username="registrar-goris")
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_CREATE)
    assert (event.channel, event.username, event.actor) == ("cli", "", None)
    assert [t.target_id for t in event.targets.all()] == [str(users["registrar"].pk)]


def test_the_right_token_authenticates_its_user(users):
    """A fresh token finds its user; two tokens differ."""
    token = token_create(actor=None, username="registrar-goris")
    assert token_authenticate(token) == users["registrar"]
    assert token_create(actor=None, username="registrar-goris") != token


@pytest.mark.parametrize("wrong", ["", "hvn_", "hvn_nope", "Bearer hvn_x", "x" * 20,
                                   TOKEN_PREFIX + "a" * 200])
def test_wrong_tokens_authenticate_nobody(users, wrong):
    """Anything but an issued token is None."""
    token_create(actor=None, username="registrar-goris")
    assert token_authenticate(wrong) is None


def test_a_revoked_token_or_a_deactivated_user_is_refused(users):
    """Revoking the token, or deactivating its user, ends its use; the API answers 401."""
    revoked = token_create(actor=None, username="registrar-goris")
    ApiToken.objects.update(revoked_at=clock.now())
    assert token_authenticate(revoked) is None
    response = Client().get("/api/v1/persons", headers={"Authorization": f"Bearer {revoked}"})
    assert response.status_code == 401
    token = token_create(actor=None, username="registrar-vayk")
    users["registrar_vayk"].is_active = False
    users["registrar_vayk"].save(update_fields=["is_active"])
    assert token_authenticate(token) is None


def test_tokens_are_issued_only_for_active_users(users):
    """An unknown or deactivated user gets NotFound."""
    with pytest.raises(NotFound):
        token_create(actor=None, username="nobody")
    users["viewer"].is_active = False
    users["viewer"].save(update_fields=["is_active"])
    with pytest.raises(NotFound):
        token_create(actor=None, username="viewer")


def test_only_administrators_issue_tokens_for_others(users):
    """A registrar may not mint tokens; an administrator may."""
    with pytest.raises(PermissionDenied):
        token_create(actor=actor_for(users["registrar"]), username="registrar-goris")
    assert token_create(actor=actor_for(users["administrator"]), username="registrar-goris")


def test_last_use_is_recorded_to_the_minute(users):
    """The first use is stored; uses within a minute write nothing; a later use moves it."""
    start = dt.datetime(2023, 9, 29, 8, 0, tzinfo=dt.UTC)
    token = token_create(actor=None, username="registrar-goris")
    for seconds, expected in [(0, 0), (30, 0), (61, 61), (90, 61)]:
        with clock.frozen_at(start + dt.timedelta(seconds=seconds)):
            token_authenticate(token)
        assert ApiToken.objects.get().last_used_at == start + dt.timedelta(seconds=expected)
