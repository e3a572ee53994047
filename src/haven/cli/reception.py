"""`haven reception`: shelter units and occupancy, placing households, runs, cards."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from haven.cli.main import actor_named, cli, django_command
from haven.core.files import file_write_whole

if TYPE_CHECKING:
    pass

USER = click.option("--user", "username", required=True, metavar="NAME",
                    help="Act as this user, with their role and sites (every step is audited).")


@cli.group("reception")
def reception_group() -> None:
    """Shelters and their beds, placing households, transport runs, household cards.

    \b
    Examples:
      haven reception unit-add goris "Hall A" --beds 120 --accessible-beds 10 --user coordinator
      haven reception occupancy --user coordinator
      haven reception place HVN-7K4Q-MX2P-RT3C --site goris --user registrar-goris
      haven reception cards HVN-7K4Q-MX2P-RT3C -o card.pdf --user registrar-goris
      haven reception runs --user registrar-goris
      haven reception arrive RUN-ID --absent HVN-... --user registrar-goris
    """


@reception_group.command("unit-add")
@click.argument("site")
@click.argument("name")
@click.option("--beds", type=click.IntRange(1), required=True, help="Beds in the unit.")
@click.option("--accessible-beds", type=click.IntRange(0), default=0, show_default=True,
              help="Of them, beds a wheelchair user can reach.")
@USER
@django_command
def unit_add(site: str, name: str, beds: int, accessible_beds: int, username: str) -> None:
    """Add a room, hall or tent with its beds to a shelter site."""
    from haven.reception.services import UnitInput, unit_create

    unit = unit_create(actor=actor_named(username), site=site,
                       unit=UnitInput(name=name, beds=beds, accessible_beds=accessible_beds))
    click.echo(f"Added {unit.name} to {site}: {unit.beds} beds, {unit.accessible_beds} "
               f"accessible.")


@reception_group.command("occupancy")
@click.argument("site", required=False)
@USER
@django_command
def occupancy(site: str | None, username: str) -> None:
    """Print beds, people present and expected, and free beds, per site and unit."""
    from haven.reception.selectors import shelters_occupancy, site_occupancy

    actor = actor_named(username)
    found = [site_occupancy(actor=actor, site=site)] if site else \
        shelters_occupancy(actor=actor)
    if not found:
        click.echo("No site within your reach has shelter units; add some with unit-add.")
    for shelter in found:
        click.echo(f"{shelter.site.slug}: {shelter.capacity} beds, {shelter.present} present, "
                   f"{shelter.expected} expected, {shelter.free} free "
                   f"({shelter.free_accessible} accessible)")
        for room in shelter.units:
            closed = "" if room.unit.is_active else " (closed)"
            click.echo(f"  {room.unit.name}{closed}: {room.unit.beds} beds, {room.present} "
                       f"present, {room.expected} expected, {room.free} free")


@reception_group.command("place")
@click.argument("household")
@click.option("--site", required=True, metavar="SLUG", help="The shelter site.")
@click.option("--unit", default=None, help="A unit's name or id (default: Haven chooses).")
@USER
@django_command
def place(household: str, site: str, unit: str | None, username: str) -> None:
    """Place a household, all its members together; refused when it does not fit."""
    from haven.reception.services import placement_create

    placed = placement_create(actor=actor_named(username), household=household, site=site,
                              unit=unit)
    stays = list(placed.placement.stays.select_related("unit"))
    units = sorted({s.unit.name for s in stays})
    verb = "Placed" if placed.created else "Already placed:"
    click.echo(f"{verb} {len(stays)} people of {household} at {site} ({', '.join(units)}); "
               f"placement {placed.placement.id}")


@reception_group.command("cards")
@click.argument("households", nargs=-1, required=True)
@click.option("--site", default="", metavar="SLUG", help="The issuing site printed on them.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="The PDF to write.")
@USER
@django_command
def cards(households: tuple[str, ...], site: str, output: Path, username: str) -> None:
    """Print household cards: one household on A6, several on A4 sheets of four."""
    from haven.reception.cards import cards_pdf

    document = cards_pdf(actor=actor_named(username), households=list(households), site=site)
    file_write_whole(output, document.pdf)
    click.echo(f"Wrote {document.cards} cards of {document.households} households to {output}.")


@reception_group.command("runs")
@click.option("--status", default="", help="planned, departed, arrived or cancelled.")
@USER
@django_command
def runs(status: str, username: str) -> None:
    """List the transport runs from or to your sites, latest first."""
    from haven.reception.selectors import run_list

    page = run_list(actor=actor_named(username), status=status, per_page=200)
    if not page.items:
        click.echo("No runs.")
    for summary in page.items:
        run = summary.run
        origin = run.origin_site.slug if run.origin_site else run.origin_place
        click.echo(f"{run.id}  {run.vehicle.plate:<10} {origin} -> {run.destination.slug}  "
                   f"{run.status:<9} {summary.passengers} passengers, {summary.arrived} "
                   f"arrived, {summary.no_shows} did not  {run.reference}")


@reception_group.command("arrive")
@click.argument("run")
@click.option("--absent", multiple=True, metavar="CODE",
              help="A passenger who did not arrive (card code or manifest number); repeat.")
@USER
@django_command
def arrive(run: str, absent: tuple[str, ...], username: str) -> None:
    """Record a run's arrival: every passenger not absent arrives at its destination."""
    from haven.reception.services import run_arrive

    done = run_arrive(actor=actor_named(username), run=run, absent=list(absent))
    click.echo(f"Arrived at {done.run.destination.slug}: {len(done.arrived)} recorded, "
               f"{len(done.to_register)} to register, {len(done.no_shows)} flagged for tracing.")
