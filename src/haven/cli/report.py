"""`haven report`: situation reports and open-data exports."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from haven.cli.main import cli, django_command
from haven.core.files import file_write_whole

if TYPE_CHECKING:
    from haven.accounts.access import Actor

FORMATS = ("pdf", "html", "csv", "xlsx", "json")


@cli.group("report")
def report_group() -> None:
    """Produce situation reports and open-data exports."""


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


@report_group.command("sitrep")
@click.option("--date", "date", callback=_date, metavar="YYYY-MM-DD",
              help="The local day the report is for (default: today in HAVEN_TIME_ZONE).")
@click.option("--from", "start", callback=_date, metavar="YYYY-MM-DD",
              help="For pdf and html: the first day of the series shown (default: the first "
                   "day with arrivals). Without --date and --from, pdf and html cover the days "
                   "that have arrivals.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True,
              help="pdf and html: the printable report, exact figures; csv and xlsx: the "
                   "open-data table with HXL hashtags, small counts suppressed; json: the "
                   "figures for machines, exact.")
@click.option("--site", "sites", multiple=True, metavar="SLUG",
              help="Only these sites (repeat the option); default: every site.")
@click.option("--table", type=click.Choice(["sites", "dtm"]), default="sites",
              show_default=True,
              help="For csv and xlsx: per-site totals, or the per-site, per-day DTM series.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: sitrep-DATE.FORMAT in the current folder; "
                   "'-' writes to standard output).")
@click.option("--user", "username", default=None,
              help="Report as this user, within their sites (default: every site). A user "
                   "without exact figures (viewer) gets the published figures.")
@click.option("--bom", is_flag=True,
              help="For csv: start the file with a UTF-8 byte-order mark, so that Excel "
                   "reads Armenian and Cyrillic right.")
@django_command
def sitrep_command(*, date: dt.date | None, start: dt.date | None, fmt: str,
                   sites: tuple[str, ...], table: str, output: Path | None,
                   username: str | None, bom: bool) -> None:
    """Write the situation report for one day.

    \b
    Examples:
      haven report sitrep --date 2023-09-29 --format pdf
      haven report sitrep --date 2023-09-29 --format json -o - | jq .days
      haven report sitrep --date 2023-09-29 --format csv --site goris --site vayk
      haven report sitrep --date 2023-10-03 --format xlsx --table dtm
      haven report sitrep --date 2023-10-03 --format csv --bom

    Persons are counted once after de-duplication (records merged by linkage count as
    the person they were merged into), next to raw registrations. Days are local dates
    in HAVEN_TIME_ZONE.
    """
    from haven.core.errors import PermissionDenied
    from haven.reports import exports
    from haven.reports.params import report_today
    from haven.reports.publication import open_data_table
    from haven.reports.published import sitrep_answer
    from haven.reports.rendering import sitrep_html, sitrep_pdf
    from haven.reports.services import report_period, sitrep_build

    actor = _actor(username)
    day = date or report_today()
    first: dt.date | None = None
    if fmt in {"pdf", "html"}:  # the printed report: the period with data, a few pages
        period = report_period(actor=actor, sites=list(sites) or None,
                               start=start.isoformat() if start else None,
                               end=date.isoformat() if date else None)
        day, first = period.end, period.start
    report = sitrep_build(actor=actor, date=day, sites=list(sites) or None, start=first)
    content: bytes
    if fmt in {"pdf", "html"} and not actor.policy.exact_figures:
        raise PermissionDenied(f"{actor.user.username} receives the published tables only: "
                               f"use --format csv, xlsx or json.")
    if fmt == "pdf":
        content = sitrep_pdf(report)
    elif fmt == "html":
        content = sitrep_html(report).encode()
    elif fmt == "json":
        answer = sitrep_answer(actor=actor, date=day, sites=list(sites) or None)
        content = (json.dumps(answer, ensure_ascii=False, indent=2) + "\n").encode()
    else:
        open_table = open_data_table(actor=actor, date=day, table=table,
                                     sites=list(sites) or None)
        content = (exports.table_csv(open_table, bom=bom).encode() if fmt == "csv"
                   else exports.table_xlsx(open_table))
    if output is not None and str(output) == "-":
        with click.open_file("-", "wb") as stdout:
            stdout.write(content)
        return
    suffix = f"-{table}" if fmt in {"csv", "xlsx"} and table != "sites" else ""
    target = output or Path(f"sitrep-{day.isoformat()}{suffix}.{fmt}")
    file_write_whole(target, content)
    click.echo(f"Wrote {target} ({len(content):,} bytes): {report.arrivals:,} persons, "
               f"{report.registrations:,} registrations up to {day.isoformat()}.")


def _actor(username: str | None) -> Actor:
    """Return the actor the report runs as: a named user, or the command line's own view."""
    from haven.accounts.access import Actor
    from haven.accounts.models import User
    from haven.core.errors import ValidationFailed

    if username is None:
        # The operator at the server's console sees every site's figures, as a coordinator.
        user = User(username="cli", role="coordinator")
        return Actor(user=user, channel="cli")
    found = User.objects.filter(username=username).first()
    if found is None:
        raise ValidationFailed.single("user", f"no user {username!r}")
    return Actor(user=found, channel="cli")
