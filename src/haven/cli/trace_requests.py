"""`haven trace requests` and `haven trace search`: the tracing desk from the command line."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from haven.cli.main import actor_named, django_command
from haven.cli.trace import trace

if TYPE_CHECKING:
    pass


@trace.command("requests")
@click.option("--user", "username", required=True, metavar="NAME",
              help="The tracing officer (or coordinator) whose sites to list.")
@click.option("--status", default="", help="open, possible_match, confirmed, reunified, closed")
@django_command
def requests_list(username: str, status: str) -> None:
    """List tracing requests at the user's sites: code, status, priority, site, new alerts.

    \b
    Example:
      haven trace requests --user tracing --status possible_match
    No names are printed: open the request's page for them.
    """
    from haven.tracing.selectors import request_list

    for r in request_list(actor=actor_named(username), status=status):
        click.echo(f"{r.code}\t{r.status}\t{r.priority}\t{r.site.slug}\t{r.owner.username}\t"
                   f"{r.new_alerts}")  # type: ignore[attr-defined]


@trace.command("search")
@click.option("--user", "username", required=True, metavar="NAME")
@click.option("--request", "request_id", required=True, metavar="ID",
              help="The tracing request the search serves (recorded in the audit log).")
@click.option("--birth-year", type=int, default=None)
@click.option("--age", type=int, default=None)
@click.option("--origin", default=None, help="Settlement of origin, any script.")
@click.option("--sex", default=None, type=click.Choice(["female", "male"]))
@click.option("--limit", default=20, show_default=True)
@django_command
def search(username: str, request_id: str, birth_year: int | None, age: int | None,  # noqa: PLR0917 - one per click option
           origin: str | None, sex: str | None, limit: int) -> None:
    """Search the registry for a tracing request; the name is read from standard input.

    \b
    The name is read from stdin, not the command line, so it stays out of shell
    history and process lists. A second detail (birth year, age, origin, sex) is required.
    Example:
      echo "Anahid Vartanian" | haven trace search --user tracing --request 12 --birth-year 1948
    Prints rank, code, score, site and the reasons, best first.
    """
    from haven.tracing.services import tracing_search

    name = sys.stdin.readline().strip()
    hits = tracing_search(actor=actor_named(username), request=request_id, name=name,
                          birth_year=birth_year, origin=origin, sex=sex, age=age, limit=limit)
    for rank, hit in enumerate(hits, 1):
        click.echo(f"{rank}\t{hit.person.code}\t{hit.score:.1f}\t"
                   f"{hit.person.household.registered_at.slug}\t{'; '.join(hit.reasons)}")
    if not hits:
        click.echo("no match", err=True)
