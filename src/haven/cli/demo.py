"""The demo command."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import click

from haven.cli.main import cli, django_command


@cli.command()
@click.option("--scenario", metavar="NAME", default=None,
              help="Instead of the demo households, replay a scenario (see `haven scenario "
                   "list`), e.g. karabakh-2023.")
@click.option("--scale", type=click.FloatRange(0, 10, min_open=True), default=1.0,
              show_default=True, help="With --scenario: the share of its people to replay.")
@django_command
def demo(scenario: str | None, scale: float) -> None:
    """Load the demo sites (Kornidzor, Goris, Vayk), users and households.

    Running it again changes nothing. Every demo user's password is printed below;
    never load the demo into a deployment that holds real people's data.
    """
    from haven.core.errors import Conflict
    from haven.registry.demo import DEMO_PASSWORD, USERS, demo_load

    if scenario:
        from haven.cli.scenario import replay_with_progress

        try:  # the replay's households take the place of the demo's own
            replay_with_progress(name=scenario, scale=scale, seed=None,
                                 clerk_password=DEMO_PASSWORD)
        except Conflict as exc:
            click.echo(f"The scenario was not replayed: {exc.message}.")
    summary = demo_load()
    from haven.aid.demo import aid_demo_load

    if aid_demo_load():
        click.echo("Aid: the 2023 pledges of Iran, the UK, the EU and USAID recorded.")
    from haven.documentation.demo import documentation_demo_load

    if documentation_demo_load():
        click.echo("Return: heritage sites of Nagorno-Karabakh with dated observations.")
    click.echo(f"Demo loaded: {summary.sites_created} sites, {summary.users_created} users, "
               f"{summary.households_created} households created "
               f"(0 means they were already there).")
    if summary.households_created and not scenario:
        _link_demo()
    from haven.protection.demo import protection_demo_load

    protection = protection_demo_load()
    if protection.created:
        click.echo(f"Care and protection: {protection.casualties} casualties of 2023 in the "
                   f"register, {protection.referrals} referrals, {protection.left_behind} "
                   f"people left behind; hospital logins protection-burns, "
                   f"protection-goris-medical.")
    if not scenario:  # a scenario follows the 2023 tallies: the buses would add to them
        _reception_demo()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, role, sites in USERS:
        click.echo(f"  {username:<22} {role:<20} {', '.join(sites) or 'all sites'}")
    click.echo("Administrators, coordinators and the auditor set up two-factor authentication "
               "at their first login: scan the QR code with an authenticator app, or type the "
               "key shown under it (docs/security.md, 'Two-factor authentication').")


def _reception_demo() -> None:
    """Shelter units, and the buses and ambulances of 28 September 2023 (haven.reception)."""
    from haven.reception.demo import reception_demo_load

    done = reception_demo_load()
    click.echo(f"Reception: {done.units_created} shelter units, {done.bus_runs_created} bus "
               f"runs and {done.ambulance_runs_created} ambulance runs of 28 September 2023 "
               f"created (0 means they were already there).")


def _link_demo() -> None:
    """Link the demo's people, so that its second registrations show merged or in review."""
    from haven.accounts.access import Actor
    from haven.accounts.models import User
    from haven.linkage.services import linkage_run

    coordinator = User.objects.get(username="coordinator")
    run = linkage_run(actor=Actor(user=coordinator, channel="cli"))
    click.echo(f"Linked the demo's {run.records} records: {run.auto_merged} merged as the same "
               f"person, {run.queued} pairs to review at /matches/.")
