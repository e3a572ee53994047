"""The demo command."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import click

from haven.cli.main import cli, django_command


@cli.command()
@django_command
def demo() -> None:
    """Load the demo sites (Kornidzor, Goris, Vayk), users and households.

    Running it again changes nothing. Every demo user's password is printed below;
    never load the demo into a deployment that holds real people's data.
    """
    from haven.registry.demo import DEMO_PASSWORD, USERS, demo_load

    summary = demo_load()
    click.echo(f"Demo loaded: {summary.sites_created} sites, {summary.users_created} users, "
               f"{summary.households_created} households created "
               f"(0 means they were already there).")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, role, sites in USERS:
        click.echo(f"  {username:<22} {role:<20} {', '.join(sites) or 'all sites'}")
