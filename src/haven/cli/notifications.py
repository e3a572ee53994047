"""`haven notifications`: escalate what nobody acknowledged in time."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import click

from haven.cli.main import cli, django_command


@cli.group()
def notifications() -> None:
    """Notifications: the escalation sweep (run it from a timer every few minutes)."""


@notifications.command()
@django_command
def escalate() -> None:
    """Tell the coordinators of every notification unacknowledged for too long.

    \b
    HAVEN_NOTIFICATION_ESCALATE_MINUTES sets how long (default 120). Each notification
    is escalated once. Example, from cron every five minutes:
      haven notifications escalate
    """
    from haven.notifications.services import notifications_escalate

    count = notifications_escalate()
    click.echo(f"Escalated {count} notification(s).")
