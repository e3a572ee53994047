"""Notifications: the in-app list and count, acknowledgement, escalation, delivery."""

import datetime as dt

import pytest
from click.testing import CliRunner
from django.test import override_settings

import haven.cli.notifications  # noqa: F401 - registers the group
from haven.cli.main import cli
from haven.core import clock
from haven.core.errors import NotFound
from haven.notifications import backends
from haven.notifications.backends import Outbox
from haven.notifications.models import Notification
from haven.notifications.selectors import unacknowledged_count
from haven.notifications.services import (
    notification_acknowledge,
    notifications_escalate,
    notify,
)
from haven.testing.factories import actor_for, signed_in

pytestmark = pytest.mark.django_db(transaction=True)
T0 = dt.datetime(2023, 9, 28, 8, 0, tzinfo=dt.UTC)


def test_the_menu_counts_what_waits_and_acknowledging_clears_it(users):
    officer = users["tracing_officer"]
    notify(user=officer, kind="test", message="Possible match for tracing request %(request)s",
           params={"request": "TR-1"}, link="/tracing/")
    page = signed_in(officer).get("/notifications/").content.decode()
    assert "Possible match for tracing request TR-1" in page
    assert 'data-count="1"' in page
    note = Notification.objects.get()
    signed_in(officer).post("/notifications/", {"notification": note.pk})
    assert unacknowledged_count(user=officer) == 0


def test_nobody_acknowledges_another_users_notification(users):
    note = notify(user=users["tracing_officer"], kind="test", message="x")
    with pytest.raises(NotFound):
        notification_acknowledge(actor=actor_for(users["coordinator"]), notification=note.pk)


@override_settings(NOTIFICATION_ESCALATE_MINUTES=60)
def test_unacknowledged_notifications_escalate_once_to_coordinators(users):
    with clock.frozen_at(T0):
        waiting = notify(user=users["tracing_officer"], kind="test", message="x")
        acknowledged = notify(user=users["tracing_officer"], kind="test", message="y")
        notification_acknowledge(actor=actor_for(users["tracing_officer"]),
                                 notification=acknowledged.pk)
    with clock.frozen_at(T0 + dt.timedelta(minutes=59)):
        assert notifications_escalate() == 0
    with clock.frozen_at(T0 + dt.timedelta(minutes=61)):
        assert notifications_escalate() == 1
        assert notifications_escalate() == 0  # once
    [escalation] = Notification.objects.filter(escalates=waiting)
    assert escalation.user == users["coordinator"]
    assert "tracing" in escalation.text  # names whose notification waited


@override_settings(NOTIFICATION_BACKEND="haven.notifications.backends.Outbox")
def test_the_deployments_backend_delivers_after_commit(users):
    backends._backend.cache_clear()
    Outbox.sent.clear()
    note = notify(user=users["tracing_officer"], kind="test", message="Hello")
    assert Outbox.sent == [("tracing", "Hello", "")]
    note.refresh_from_db()
    assert note.delivered_at is not None
    backends._backend.cache_clear()


def test_the_in_app_default_does_no_delivery_work_after_commit(users, monkeypatch):
    """With nothing to send out, notify() schedules nothing: each alert of a busy hub
    read its notification back for a backend that then did nothing."""
    delivered: list[int] = []
    monkeypatch.setattr("haven.notifications.services._deliver", delivered.append)
    notify(user=users["tracing_officer"], kind="test", message="Hello")
    assert delivered == []
    assert Notification.objects.get().delivered_at is None


def test_the_escalate_command(users):
    result = CliRunner().invoke(cli, ["notifications", "escalate"])
    assert result.exit_code == 0, result.output
    assert "Escalated 0" in result.output
