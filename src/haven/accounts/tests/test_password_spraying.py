"""Password spraying: one address trying a password over many user names is stopped.

Five failures for one user name from one address lock that pair (django-axes); an
address is also stopped after HAVEN_ADDRESS_FAILURE_LIMIT failures over any names,
with its own message, audited as `login.address_locked`.
"""

from __future__ import annotations

import pytest
from django.test import Client

from haven.audit.models import AuditAction, AuditEvent
from haven.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str, address: str = "10.0.0.7"):
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_spraying_many_user_names_locks_the_address(users, settings):
    settings.ADDRESS_FAILURE_LIMIT = 8
    client = Client()
    # Two guesses per name: far below the five that lock a name; the eighth in all locks
    # the address (as the fifth for one name locks that name).
    answers = [login(client, f"clerk-{n}", "Spring2023!").status_code
               for n in range(4) for _ in range(2)]
    assert answers == [200] * 7 + [429]
    # The right password of a real user, from that address: refused, with its own words.
    refused = login(client, "registrar-goris", PASSWORD)
    assert refused.status_code == 429
    assert b"from this address, over several user names" in refused.content
    assert "_auth_user_id" not in client.session
    events = AuditEvent.objects.filter(action=AuditAction.LOGIN_ADDRESS_LOCKED).order_by("id")
    assert [(e.outcome, e.username, e.client_address) for e in events] == [
        ("denied", "clerk-3", "10.0.0.7"), ("denied", "registrar-goris", "10.0.0.7")]
    # Another address is not affected.
    assert login(Client(), "registrar-goris", PASSWORD, address="10.0.0.8").status_code == 302


def test_failures_below_the_address_limit_do_not_lock(users, settings):
    settings.ADDRESS_FAILURE_LIMIT = 8
    client = Client()
    for n in range(7):
        login(client, f"clerk-{n}", "Spring2023!")
    assert login(client, "registrar-goris", PASSWORD).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN_ADDRESS_LOCKED).exists()


def test_the_default_limit_is_a_setting_of_twenty(settings):
    assert settings.ADDRESS_FAILURE_LIMIT == 20
