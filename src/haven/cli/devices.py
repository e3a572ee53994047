"""Commands for ODK device credentials: `haven device list|create|revoke`."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import click

from haven.cli.main import cli, django_command


@cli.group()
def device() -> None:
    """Credentials for ODK Collect devices: forms and submissions for one site only.

    The devices page (/devices/) does the same and shows the QR code to scan.

    \b
    Examples:
      haven device create --site goris --label "tablet 3" --server https://haven.example.org
      haven device list --site goris
      haven device revoke 12
    """


@device.command("create")
@click.option("--site", required=True, metavar="SLUG", help="The site the device registers at.")
@click.option("--label", required=True, help="Which phone this is, e.g. 'tablet 3, triage'.")
@click.option("--server", required=True, metavar="URL",
              help="Haven's address as the phone reaches it, e.g. https://haven.example.org.")
@click.option("--qr/--no-qr", default=True, show_default=True,
              help="Draw the settings QR code in the terminal for Collect to scan.")
@django_command
def device_create_command(site: str, label: str, server: str, qr: bool) -> None:
    """Issue device credentials and print the server address (shown only once)."""
    import segno

    from haven.accounts.services import collect_settings, collect_settings_code, device_create

    issued = device_create(actor=None, site=site, label=label)
    server_url = f"{server.rstrip('/')}/openrosa/key/{issued.secret}/{site}"
    click.echo(f"Device {issued.credential.pk} ({issued.username}) for {site}: {label}")
    click.echo(f"Server URL for ODK Collect: {server_url}")
    click.echo(f"Or, over HTTPS: {server.rstrip('/')}/openrosa/{site} with user name "
               f"{issued.username} and password {issued.secret}")
    if qr:
        code = collect_settings_code(collect_settings(
            server_url=server_url, username=issued.username, password=issued.secret,
            project=f"Haven · {issued.credential.site.name}"))
        segno.make(code, error="m").terminal(compact=True)


@device.command("list")
@click.option("--site", required=True, metavar="SLUG", help="The site whose devices to list.")
@django_command
def device_list_command(site: str) -> None:
    """List a site's device credentials: number, name, label, issued, last used, state."""
    from django.utils import timezone

    from haven.accounts.selectors import device_list
    from haven.core.errors import NotFound
    from haven.registry.selectors import site_by_slug

    found = site_by_slug(site)
    if found is None:
        raise NotFound(f"No site {site!r}.")
    devices = device_list(actor=None, site=found)
    if not devices:
        click.echo(f"No devices at {site} yet: `haven device create --site {site} ...`.")
        return
    for d in devices:
        state = "revoked" if d.revoked_at else "active"
        used = timezone.localtime(d.last_used_at).strftime("%Y-%m-%d %H:%M") \
            if d.last_used_at else "never used"
        click.echo(f"{d.pk:>5}  {d.user.username:<24} {d.label:<30} "
                   f"{timezone.localtime(d.created_at):%Y-%m-%d}  {used:<16}  {state}")


@device.command("revoke")
@click.argument("number", type=int)
@django_command
def device_revoke_command(number: int) -> None:
    """Revoke the device credentials NUMBER (from `haven device list`): a lost phone."""
    from haven.accounts.services import device_revoke

    revoked = device_revoke(actor=None, device=number)
    click.echo(f"Revoked device {number} ({revoked.label}); it can no longer send.")
