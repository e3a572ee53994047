"""`haven check --deploy` fails on the demo's published password and on HAVEN_ALLOWED_HOSTS=*."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from haven.core.checks import check_allowed_hosts
from haven.registry.checks import check_demo_passwords
from haven.registry.demo import DEMO_PASSWORD


def _deploy_check_ids() -> str:
    """Run Django's deploy checks with the database, as `haven check --deploy` does."""
    try:
        call_command("check", deploy=True, fail_level="ERROR", databases=["default"])
    except SystemCheckError as exc:
        return str(exc)
    return ""


@pytest.mark.django_db
def test_a_demo_user_with_the_published_password_fails_the_deploy_check(users):
    users["viewer"].set_password(DEMO_PASSWORD)
    users["viewer"].save()
    errors = check_demo_passwords(None, databases=["default"])
    assert [e.id for e in errors] == ["haven.E041"]
    assert "viewer" in errors[0].msg
    assert "haven.E041" in _deploy_check_ids()


@pytest.mark.django_db
def test_a_changed_or_deactivated_demo_user_passes(users):
    assert check_demo_passwords(None, databases=["default"]) == []  # their own passwords
    users["administrator"].set_password(DEMO_PASSWORD)
    users["administrator"].is_active = False
    users["administrator"].save()
    assert check_demo_passwords(None, databases=["default"]) == []
    assert "haven.E041" not in _deploy_check_ids()


@pytest.mark.django_db
def test_the_check_leaves_the_password_hash_alone(users):
    """A check is read-only: verifying the demo password must not rehash and save it."""
    users["auditor"].set_password(DEMO_PASSWORD)
    users["auditor"].save()
    before = type(users["auditor"]).objects.get(pk=users["auditor"].pk).password
    check_demo_passwords(None, databases=["default"])
    assert type(users["auditor"]).objects.get(pk=users["auditor"].pk).password == before


def test_allowed_hosts_star_fails(settings):
    settings.ALLOWED_HOSTS = ["haven.example.org"]
    assert check_allowed_hosts(None) == []
    settings.ALLOWED_HOSTS = ["haven.example.org", "*"]
    assert [e.id for e in check_allowed_hosts(None)] == ["haven.E040"]
