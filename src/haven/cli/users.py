"""Commands for users and API tokens: `haven user …`, `haven token …`, `haven createuser`.

The command line is run by whoever operates the server: it may manage every user, and
each change is written to the audit log with the channel `cli`.
"""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import sys

import click

from haven.accounts.roles import PERSON_ROLES
from haven.cli.main import cli, django_command

ROLES = list(PERSON_ROLES)
STATUSES = ["active", "inactive", "locked", "must_change_password"]


def _read_password(password_stdin: bool) -> str | None:
    return sys.stdin.readline().rstrip("\r\n") if password_stdin else None


def _when(moment: object) -> str:
    from django.utils import timezone

    if moment is None:
        return "—"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


@cli.command()
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES),
              help="What the user may do; see docs/roles.md.")
@click.option("--site", "sites", multiple=True, metavar="SLUG",
              help="A site the user acts for (repeat for several), e.g. --site goris.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (at least 10 characters). "
                   "Without it the user cannot log in to the web, only use API tokens.")
@django_command
def createuser(name: str, role: str, sites: tuple[str, ...], password_stdin: bool) -> None:
    """Create the user NAME with a role and the sites they act for (as `haven user create`).

    \b
    Example:
      echo 'a long passphrase' \\
        | haven createuser anna --role registrar --site goris --password-stdin
    """
    from haven.accounts.services import user_create

    user = user_create(actor=None, username=name, role=role, sites=list(sites),
                       password=_read_password(password_stdin))
    where = ", ".join(sites) if sites else "no site"
    click.echo(f"Created {user.username} ({role}, {where}).")


@cli.group()
def user() -> None:
    """List, create and change users; deactivate, unlock, set passwords.

    \b
    Examples:
      haven user list --role registrar --site goris
      haven user create anna --role registrar --site goris --temporary-password
      haven user update anna --role tracing_officer
      haven user deactivate anna        # her sessions end and her tokens are revoked
      haven user unlock anna            # after five failed logins
      haven user set-password anna      # prints a temporary password to hand over
    """


@user.command("list")
@click.option("--role", type=click.Choice(ROLES), help="Only users with this role.")
@click.option("--site", metavar="SLUG", default="", help="Only users acting for this site.")
@click.option("--status", type=click.Choice(STATUSES),
              help="Only active, deactivated, locked-out users, or those with a temporary "
                   "password.")
@click.option("--name", "query", default="", help="Only user names starting with this.")
@django_command
def user_list_command(role: str | None, site: str, status: str | None, query: str) -> None:
    """List users: name, role, sites, and whether they are active or locked out."""
    from haven.accounts.selectors import UserFilters, locked_usernames, user_list

    filters = UserFilters(query=query, role=role or "", site=site, status=status or "")
    found, number = [], 1
    while True:
        page = user_list(actor=None, filters=filters, page=number, per_page=200)
        found += page.items
        if not page.has_next:
            break
        number += 1
    locked = locked_usernames([u.username for u in found])
    rows = []
    for person in found:
        state = "active" if person.is_active else "inactive"
        if person.username in locked:
            state += ", locked"
        if person.must_change_password:
            state += ", temporary password"
        sites = ",".join(sorted(s.slug for s in person.sites.all())) or "—"
        rows.append((person.username, person.role, sites, state, _when(person.last_login)))
    if not rows:
        click.echo("No users match.")
        return
    widths = [max(len(r[i]) for r in [("user", "role", "sites", "state", "last login"),
                                      *rows]) for i in range(5)]
    for row in [("user", "role", "sites", "state", "last login"), *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                   .rstrip())


@user.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES),
              help="What the user may do; see docs/roles.md.")
@click.option("--site", "sites", multiple=True, metavar="SLUG",
              help="A site the user acts for (repeat for several).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (at least 10 characters).")
@click.option("--temporary-password", is_flag=True,
              help="Make up a password, print it, and have the user change it at the first "
                   "login.")
@django_command
def user_create_command(name: str, role: str, sites: tuple[str, ...], password_stdin: bool,
                        temporary_password: bool) -> None:
    """Create the user NAME. Without a password option they can only use API tokens."""
    from haven.accounts import services

    if password_stdin and temporary_password:
        raise click.UsageError("give --password-stdin or --temporary-password, not both")
    password = services.temporary_password() if temporary_password \
        else _read_password(password_stdin)
    created = services.user_create(actor=None, username=name, role=role, sites=list(sites),
                                   password=password, must_change_password=temporary_password)
    where = ", ".join(sites) if sites else "no site"
    click.echo(f"Created {created.username} ({role}, {where}).")
    if temporary_password:
        click.echo(f"Temporary password (changed at the first login): {password}")


@user.command("update")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), help="The new role.")
@click.option("--site", "sites", multiple=True, metavar="SLUG",
              help="The user's sites from now on (repeat for several); replaces the old ones.")
@click.option("--no-sites", is_flag=True, help="Take every site away.")
@django_command
def user_update_command(name: str, role: str | None, sites: tuple[str, ...],
                        no_sites: bool) -> None:
    """Change the role or the sites of the user NAME."""
    from haven.accounts.services import user_update

    if sites and no_sites:
        raise click.UsageError("give --site or --no-sites, not both")
    if role is None and not sites and not no_sites:
        raise click.UsageError("nothing to change: give --role, --site or --no-sites")
    changed = user_update(actor=None, username=name, role=role,
                          sites=list(sites) if sites or no_sites else None)
    where = ", ".join(sorted(s.slug for s in changed.sites.all())) or "no site"
    click.echo(f"Updated {changed.username} ({changed.role}, {where}).")


@user.command("deactivate")
@click.argument("name")
@django_command
def user_deactivate_command(name: str) -> None:
    """Deactivate NAME: their sessions end and their API tokens are revoked at once.

    Device credentials they issued keep working (a phone belongs to its site): revoke
    those with `haven device revoke` if they must stop too.
    """
    from haven.accounts.services import user_deactivate

    user_deactivate(actor=None, username=name)
    click.echo(f"Deactivated {name}; their sessions ended and their tokens were revoked.")


@user.command("reactivate")
@click.argument("name")
@django_command
def user_reactivate_command(name: str) -> None:
    """Let the deactivated user NAME log in again (old tokens stay revoked)."""
    from haven.accounts.services import user_reactivate

    user_reactivate(actor=None, username=name)
    click.echo(f"Reactivated {name}.")


@user.command("unlock")
@click.argument("name")
@django_command
def user_unlock_command(name: str) -> None:
    """Clear the failed logins that lock NAME out (five in fifteen minutes)."""
    from haven.accounts.services import user_unlock

    cleared = user_unlock(actor=None, username=name)
    click.echo(f"Unlocked {name} ({cleared} failed-login record(s) cleared).")


@user.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the new password from standard input; otherwise one is made up and "
                   "printed.")
@click.option("--permanent", is_flag=True,
              help="The user keeps this password; without it they must change it at their "
                   "next login.")
@django_command
def user_set_password_command(name: str, password_stdin: bool, permanent: bool) -> None:
    """Set the password of NAME; every session of theirs ends.

    \b
    Examples:
      haven user set-password anna                        # prints a temporary password
      echo 'a long passphrase' | haven user set-password ops --password-stdin --permanent
    """
    from haven.accounts.services import user_password_set

    password = user_password_set(actor=None, username=name,
                                 password=_read_password(password_stdin),
                                 temporary=not permanent)
    if not password_stdin:
        click.echo(f"New password for {name}: {password}")
    if not permanent:
        click.echo(f"{name} must change it at the next login.")
    else:
        click.echo(f"Password of {name} set.")


@user.command("sign-out")
@click.argument("name")
@django_command
def user_sign_out_command(name: str) -> None:
    """End every session of NAME and revoke all their API tokens, in one step."""
    from haven.accounts.services import user_sign_out

    revoked = user_sign_out(actor=None, username=name)
    click.echo(f"Ended every session of {name} and revoked {revoked} token(s).")


@user.command("reset-2fa")
@click.argument("name")
@django_command
def user_reset_two_factor(name: str) -> None:
    """Remove NAME's authenticator and recovery codes (a lost phone); end their sessions.

    They set up two-factor authentication again at their next login.
    """
    from haven.accounts.services.two_factor import otp_reset

    otp_reset(actor=None, username=name)
    click.echo(f"Reset the two-factor authentication of {name}; their sessions ended.")


@cli.group()
def token() -> None:
    """API tokens for scripts and integrations (ODK devices use device credentials).

    \b
    Examples:
      haven token create anna --label "nightly export" --days 30
      haven token list --user anna
      haven token revoke hvn_AbCdEfGh
    """


@token.command("create")
@click.argument("name")
@click.option("--label", default="", help="What the token is for, e.g. 'nightly export'.")
@click.option("--days", type=int, default=None,
              help="Days the token lives (default and longest: HAVEN_TOKEN_DAYS, 90).")
@django_command
def token_create_command(name: str, label: str, days: int | None) -> None:
    """Issue a bearer token for the user NAME and print it (it is shown only once).

    \b
    Use it as:  curl -H "Authorization: Bearer <token>" http://127.0.0.1:8000/api/v1/sites
    """
    from haven.accounts.services import token_create

    click.echo(token_create(actor=None, username=name, label=label, days=days))


@token.command("list")
@click.option("--user", "username", default="", metavar="NAME", help="Only NAME's tokens.")
@click.option("--all", "include_inactive", is_flag=True,
              help="Also expired and revoked tokens.")
@django_command
def token_list_command(username: str, include_inactive: bool) -> None:
    """List tokens: number, prefix, holder, label, issued, expires, last used, state."""
    from haven.accounts.selectors import token_list, token_status

    tokens = token_list(actor=None, username=username, include_inactive=include_inactive)
    if not tokens:
        click.echo("No tokens." if include_inactive else "No live tokens (--all shows "
                                                         "expired and revoked ones).")
        return
    header = ("#", "prefix", "user", "label", "issued", "expires", "last used", "state")
    rows = [(str(t.pk), f"{t.prefix}…", t.user.username, t.label or "—", _when(t.created_at),
             _when(t.expires_at), _when(t.last_used_at), token_status(t)) for t in tokens]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


@token.command("revoke")
@click.argument("token_ref", metavar="TOKEN", required=False)
@click.option("--user", "username", default="", metavar="NAME",
              help="Revoke every token of NAME (and end their sessions) instead.")
@django_command
def token_revoke_command(token_ref: str | None, username: str) -> None:
    """Revoke TOKEN, given by its number or prefix from `haven token list`."""
    from haven.accounts.services import token_revoke, user_sign_out

    if bool(token_ref) == bool(username):
        raise click.UsageError("give a TOKEN or --user NAME")
    if username:
        revoked = user_sign_out(actor=None, username=username)
        click.echo(f"Revoked {revoked} token(s) of {username} and ended their sessions.")
        return
    found = token_revoke(actor=None, ref=token_ref or "")
    click.echo(f"Revoked {found.prefix}… of {found.user.username}.")
