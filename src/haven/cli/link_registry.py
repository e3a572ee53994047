"""`haven link` commands on the live registry: run, and what follows a run."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

import click

from haven.cli.link import link_group
from haven.cli.main import actor_named, django_command

if TYPE_CHECKING:
    pass


class _Stages:
    """Show the engine's stages on standard error: a bar on a terminal, lines otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = ""

    def __call__(self, stage: str, fraction: float) -> None:
        if self.tty:
            filled = int(max(0.0, min(1.0, fraction)) * 30)
            click.echo(f"\r[{'#' * filled}{'.' * (30 - filled)}] {stage:<40}", err=True,
                       nl=False)
        elif stage != self.last:
            click.echo(f"{stage} ...", err=True)
        self.last = stage

    def close(self) -> None:
        if self.tty:
            click.echo("", err=True)


@link_group.command("run")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True, help="DuckDB on this machine; Spark for very large registries.")
@click.option("--incremental", is_flag=True,
              help="Link only the records created since the last run, with its stored model.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]), default=None,
              help="With --incremental: link the records created from this local date or "
                   "time (default: since the last run started).")
@click.option("--user", "username", required=True, metavar="NAME",
              help="The coordinator the run is recorded as.")
@django_command
def link_run_command(engine: str, incremental: bool, since: dt.datetime | None,
                     username: str) -> None:
    """Find the registry's records of one person and merge them; queue the doubtful pairs.

    \b
    A full run scores every record (Splink, parameters trained by EM) and merges each
    cluster above HAVEN_LINK_AUTO_THRESHOLD into its earliest-registered record; pairs
    between HAVEN_LINK_REVIEW_THRESHOLD and that go to the review queue (/matches/).
    Decisions taken in review are kept: confirmed pairs stay merged, rejected and
    unmerged ones are never merged again.

    \b
    Examples:
      haven link run --user coordinator
      haven link run --incremental --user coordinator   # since the last run
      haven link run --incremental --since 2023-09-29 --user coordinator
    """
    from django.utils import timezone

    from haven.linkage import services

    if since is not None and not incremental:
        raise click.UsageError("--since goes with --incremental")
    actor = actor_named(username)
    stages = _Stages()
    try:
        if incremental:
            run = services.linkage_link_new(
                actor=actor, engine=engine, progress=stages,
                since=timezone.make_aware(since) if since is not None else None)
        else:
            run = services.linkage_run(actor=actor, engine=engine, progress=stages)
    finally:
        stages.close()
    scope = "new records" if incremental else "records"
    click.echo(f"Linked {run.records:,} {scope} in {run.seconds:.1f} s ({run.engine}): "
               f"{run.clusters:,} clusters of one person, {run.auto_merged:,} records merged "
               f"automatically, {run.queued:,} pairs queued for review, "
               f"{run.closed:,} tickets closed as moot.")


@link_group.command("unmerge")
@click.argument("person", metavar="CODE")
@click.option("--user", "username", required=True, metavar="NAME",
              help="The reviewer the unmerge is recorded as.")
@django_command
def link_unmerge_command(person: str, username: str) -> None:
    """Split a merged record from the person it was merged into (restored exactly).

    \b
    Example:
      haven link unmerge HVN-7K4Q-MX2P-RT3C --user coordinator
    """
    from haven.linkage import services

    services.person_unmerge(actor=actor_named(username), person=person)
    click.echo(f"Unmerged {person}.")
