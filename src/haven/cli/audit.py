"""The audit log from the command line: verify its hash chain."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import click

from haven.cli.main import cli, django_command


@cli.group("audit")
def audit_group() -> None:
    """The audit log: who read or changed which record, chained by SHA-256 (docs/security.md)."""


@audit_group.command("verify")
@django_command
def verify() -> None:
    """Recompute the audit log's hash chain; exit 1 naming the first broken event."""
    from haven.audit.chain import chain_verify

    checked, broken = chain_verify()
    if broken is not None:
        click.echo(f"The audit log's chain is broken: {broken}.", err=False)
        click.echo(f"{checked} events before it are intact.")
        raise SystemExit(1)
    click.echo(f"The audit log is intact: {checked} events, each following from the one "
               f"before it.")
