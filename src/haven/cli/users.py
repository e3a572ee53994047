"""Commands for users and API tokens."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import sys

import click

from haven.accounts.roles import Role
from haven.cli.main import cli, django_command

ROLES = list(Role.values)


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
    """Create the user NAME with a role and the sites they act for.

    \b
    Example:
      echo 'a long passphrase' \\
        | haven createuser anna --role registrar --site goris --password-stdin
    """
    from haven.accounts.services import user_create

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    user = user_create(actor=None, username=name, role=role, sites=list(sites),
                       password=password)
    where = ", ".join(sites) if sites else "no site"
    click.echo(f"Created {user.username} ({role}, {where}).")


@cli.group()
def token() -> None:
    """API tokens for devices and scripts."""


@token.command("create")
@click.argument("name")
@click.option("--label", default="", help="What the token is for, e.g. 'tablet 3 at Goris'.")
@django_command
def token_create_command(name: str, label: str) -> None:
    """Issue a bearer token for the user NAME and print it (it is shown only once).

    \b
    Use it as:  curl -H "Authorization: Bearer <token>" http://127.0.0.1:8000/api/v1/sites
    """
    from haven.accounts.services import token_create

    click.echo(token_create(actor=None, username=name, label=label))
