"""Care and protection from the command line: the day's overdue follow-ups."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import click

from haven.cli.main import cli, django_command


@cli.group()
def protection() -> None:
    """Care and protection: referrals, casualties, people left behind (docs/protection.md)."""


@protection.command()
@click.option("--user", "username", required=True, metavar="NAME",
              help="Whose sites to look at (a protection officer or a coordinator).")
@django_command
def overdue(username: str) -> None:
    """List overdue referral follow-ups per site and per officer, and overdue welfare checks.

    \b
    Example, each morning at Goris:
      haven protection overdue --user protection-goris
    Only records at the user's sites are listed; persons appear by code only.
    """
    from haven.accounts.access import Actor
    from haven.accounts.models import User
    from haven.protection.selectors import LeftBehindFilters, left_behind_list, referral_overdue
    from haven.protection.services.common import local_today

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.UsageError(f"no active user {username!r}")
    actor = Actor(user=user, channel="cli")
    today = local_today()
    found = referral_overdue(actor=actor, today=today)
    click.echo(f"Referral follow-ups overdue on {today}: {found.total}")

    def line(view: object) -> str:
        referral = view.referral  # type: ignore[attr-defined]
        person = view.person.code if view.person else "-"  # type: ignore[attr-defined]
        return (f"    due {referral.follow_up_on}  {person}  {referral.service}  "
                f"{referral.from_site.slug} -> {referral.to_site.slug}  {referral.status}  "
                f"{referral.id}")

    for heading, groups in (("per site", [(s.slug, v) for s, v in found.by_site]),
                            ("per officer", [(u.username, v) for u, v in found.by_officer])):
        if groups:
            click.echo(f"  {heading}:")
        for key, views in groups:
            click.echo(f"  {key} ({len(views)})")
            for view in views:
                click.echo(line(view))
    if user.policy.read_left_behind:
        checks = left_behind_list(actor=actor, filters=LeftBehindFilters(overdue=True),
                                  today=today, per_page=200)
        click.echo(f"Welfare checks overdue: {checks.total}")
        for entry in checks.items:
            click.echo(f"    due {entry.next_check_on}  {entry.site.slug}  {entry.id}")
