"""`haven aid`: exchange rates, contributions still to be delivered, the FTS export."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from haven.cli.main import actor_named, cli, django_command

if TYPE_CHECKING:
    pass


@cli.group("aid")
def aid_group() -> None:
    """Aid from donors: exchange rates, what is still to be delivered, the FTS export.

    \b
    Examples:
      haven aid rate EUR 2023-09-27 1.0502 --user admin
      haven aid undelivered --user coordinator
      haven aid export --user coordinator -o contributions.csv
    """


@aid_group.command("rate")
@click.argument("currency")
@click.argument("date", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("usd_per_unit")
@click.option("--user", "username", required=True, metavar="NAME",
              help="An administrator (who keeps the rate table).")
@django_command
def rate(currency: str, date: dt.datetime, usd_per_unit: str, username: str) -> None:
    """Set the US dollars one unit of CURRENCY was worth from DATE on."""
    from haven.aid.records import plain
    from haven.aid.services import exchange_rate_set

    saved = exchange_rate_set(actor=actor_named(username), currency=currency, date=date.date(),
                              usd_per_unit=usd_per_unit)
    click.echo(f"{saved.currency} from {saved.date}: {plain(saved.usd_per_unit)} USD")


@aid_group.command("undelivered")
@click.option("--user", "username", required=True, metavar="NAME")
@django_command
def undelivered(username: str) -> None:
    """List the contributions with something still to be delivered."""
    from haven.aid.records import plain
    from haven.aid.selectors import contribution_list

    views = contribution_list(actor=actor_named(username), undelivered=True)
    if not views:
        click.echo("Everything pledged has been delivered.")
        return
    for v in views:
        c = v.contribution
        what = (f"{plain(c.amount or Decimal(0))} {c.currency}" if c.kind == "cash"
                else f"{plain(c.quantity or Decimal(0))} {c.unit} {c.item}")
        click.echo(f"{c.pk}  {c.donor.name:<28} {c.status:<10} {what:<30} "
                   f"delivered {plain(v.delivered)}, remaining {plain(v.remaining)}")


@aid_group.command("export")
@click.option("--user", "username", required=True, metavar="NAME")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("--bom", is_flag=True, help="CSV: start with a byte-order mark (for Excel).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@django_command
def export(username: str, fmt: str, bom: bool, output: Path) -> None:
    """Write every contribution as an HXL table (OCHA FTS style): #org+name, #value+usd, ..."""
    from haven.aid.exports import fts_csv, fts_xlsx
    from haven.aid.selectors import fts_rows

    rows = fts_rows(actor=actor_named(username))
    partial = output.with_name(output.name + ".partial")
    if fmt == "csv":
        partial.write_text(fts_csv(rows, bom=bom), encoding="utf-8")
    else:
        partial.write_bytes(fts_xlsx(rows))
    partial.replace(output)
    click.echo(f"{len(rows)} contributions written to {output}")
