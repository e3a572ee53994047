"""Commands that bring records in from outside: `haven import households`."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from haven.cli.main import cli, django_command

if TYPE_CHECKING:
    from haven.intake.models import ImportJob

EXIT_REFUSED_ROWS = 1
EXIT_UNREADABLE = 2


@cli.group("import")
def import_group() -> None:
    """Import records from files."""


@import_group.command("households")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--site", required=True, metavar="SLUG",
              help="The site the households are registered at, e.g. --site goris.")
@click.option("--user", "username", required=True, metavar="NAME",
              help="The user the import is recorded as; their role must allow registering "
                   "at the site.")
@click.option("--dry-run", is_flag=True,
              help="Check every row and report the problems; store nothing.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the report of refused rows (CSV: row, column, problem) "
                   "[default: FILE's name with -report.csv, beside it, if any row is "
                   "refused].")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 5000),
              help="Households stored per transaction.")
@click.option("--processes", default=2, show_default=True, type=click.IntRange(1, 2),
              help="2: a second process reads and checks rows while this one stores them "
                   "(about twice as fast on two or more cores); 1: all in one process.")
@django_command
def import_households_command(  # noqa: PLR0917 - one parameter per click option
        file: Path, site: str, username: str, dry_run: bool, report_path: Path | None,
        batch_size: int, processes: int) -> None:
    """Import households from FILE: CSV or XLSX, one row per person, or a form's export.

    \b
    Columns and their aliases, encodings and limits: docs/import.md. Rows already
    imported (from this file or an overlapping one) are skipped, so an interrupted
    import can simply be run again.

    \b
    Exports of Haven's household form are read as the tools write them: a KoboToolbox
    XLSX export (households and members sheets, XML names or labels) or ODK Central's
    "CSV with repeats" ZIP. Each submission is stored once, also when it was received
    from ODK Collect before or is imported again in another export.

    \b
    Exit status: 0 every row stored or imported before; 1 some rows refused (see the
    report); 2 the file cannot be read at all.

    \b
    Examples:
      haven import households arrivals.csv --site goris --user registrar-goris --dry-run
      haven import households kobo-export.xlsx --site goris --user registrar-goris
      haven import households household_registration.zip --site goris --user coordinator
    """
    from haven.accounts.access import Actor
    from haven.accounts.models import User
    from haven.core.bulk import bulk_allocation, bulk_writing
    from haven.core.errors import ValidationFailed
    from haven.intake.importing.reading import FileRefused
    from haven.intake.importing.services import import_households

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.UsageError(f"no active user {username!r}")
    actor = Actor(user=user, channel="import")
    report = report_path or file.with_name(f"{file.stem}-report.csv")
    if report.is_file():
        report.unlink()  # the report describes this run only
    bar = _ProgressBar(file.name)
    try:
        with bulk_allocation(), bulk_writing():
            job = import_households(actor=actor, path=file, site=site, dry_run=dry_run,
                                    progress=bar.update, report_path=report,
                                    batch_size=batch_size, processes=processes)
    except FileRefused as exc:
        bar.close()
        click.echo(f"Error: {file.name}: {exc.message}", err=True)
        if report.is_file():
            click.echo(f"Report: {report}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except ValidationFailed as exc:
        if "site" in exc.errors:
            raise click.BadParameter("; ".join(exc.errors["site"]), param_hint="--site") \
                from None
        raise
    finally:
        bar.close()
    click.echo(job.message)
    if job.rows_refused:
        click.echo(f"Report of refused rows: {report}", err=True)
        sys.exit(EXIT_REFUSED_ROWS)


class _ProgressBar:
    """A click progress bar on standard error, counting rows once their number is known."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._shown = 0

    def update(self, job: ImportJob) -> None:
        if job.status == "validating" and self._bar is None:
            click.echo(f"Checking {self.label} ...", err=True)
        if job.rows_total and self._bar is None:
            self._bar = click.progressbar(length=job.rows_total, label="Importing rows",
                                          file=sys.stderr, show_pos=True, show_eta=True)
            self._bar.__enter__()
        if self._bar is not None and job.rows_done > self._shown:
            self._bar.update(job.rows_done - self._shown)
            self._shown = job.rows_done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
