"""`haven trace match` (two files, no database) and `haven trace pfif` (PFIF 1.4 exchange)."""

# The engine (pandas, Splink) and Django are imported inside the commands, as in
# haven.cli.link: importing them here would slow every `haven` command.
# ruff: noqa: PLC0415

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from haven.cli.link import read_csv_strings, write_csv_atomically
from haven.cli.main import actor_named, django_command
from haven.cli.trace import trace

if TYPE_CHECKING:

    from haven.tracing.file_matching import Match


def _write_matches(matches: list[Match], output: Path) -> None:
    write_csv_atomically(output, ["request_id", "rank", "record_id", "score"], (
        [match.request_id, str(match.rank), match.record_id, f"{match.score:.6f}"]
        for match in matches))


@trace.command("match")
@click.option("--records", "records_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of records, with the columns of `haven link dedupe`.")
@click.option("--requests", "requests_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of tracing requests: request_id, given_name, family_name "
                   "[, patronymic, sex, birth_year, place_of_origin].")
@click.option("--output", "output_path", required=True,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="CSV to write: request_id, rank, record_id, score.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="At most this many records per request, best first.")
def match_command(*, records_path: Path, requests_path: Path, output_path: Path,
                  top: int) -> None:
    """Rank the records of one agency's list for each request of another's; no database.

    \b
    Example:
      haven trace match --records registered.csv --requests sought.csv \\
          --output matches.csv --top 10

    \b
    RECORDS.csv: record_id, given_name, family_name required; patronymic, sex,
      birth_date (YYYY-MM-DD, YYYY-MM or YYYY), place_of_origin, phone,
      document_number optional (the columns of `haven link dedupe`).
    REQUESTS.csv: request_id, given_name, family_name required; patronymic, sex,
      birth_year (YYYY), place_of_origin optional.
    Names may be in any script (Armenian, Cyrillic, Latin). The score is the linkage
    engine's match probability; a request may have no candidate at all.
    """
    from haven.tracing.file_matching import MatchInputError, match_requests

    records = read_csv_strings(records_path)
    requests = read_csv_strings(requests_path)
    with click.progressbar(length=100, label="Matching", file=sys.stderr,
                           show_percent=True) as bar:
        done = 0

        def progress(stage: str, fraction: float) -> None:
            nonlocal done
            bar.label = f"Matching: {stage}"
            step = int(fraction * 100) - done
            if step > 0:
                bar.update(step)
                done += step

        try:
            matches = match_requests(records, requests, top=top, progress=progress)
        except MatchInputError as exc:
            path = records_path if exc.which == "records" else requests_path
            raise click.ClickException(f"{path}: {exc}") from None
    _write_matches(matches, output_path)
    found = len({m.request_id for m in matches})
    click.echo(f"{len(requests)} requests, {len(records)} records: {found} requests with "
               f"candidates, {len(matches)} rows; wrote {output_path}", err=True)


@trace.group("pfif")
def pfif_group() -> None:
    """Exchange persons and notes with Person Finder and other systems as PFIF 1.4.

    \b
    Examples:
      haven trace pfif import persons.xml --user registrar-goris
      haven trace pfif import persons.xml --user coordinator --site goris
      haven trace pfif export --user tracing -o haven.pfif.xml
    """


@pfif_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, metavar="NAME",
              help="A user who may register persons (at the site).")
@click.option("--site", default=None, metavar="SLUG",
              help="The site to register the persons at [default: the user's one site].")
@django_command
def pfif_import_command(file: Path, username: str, site: str | None) -> None:
    """Register the persons of a PFIF file and keep its notes; a second run adds nothing."""
    from haven.tracing.pfif_exchange import pfif_import

    outcome = pfif_import(actor=actor_named(username), data=file.read_bytes(), site=site)
    click.echo(f"{outcome.persons_added} persons registered, {outcome.persons_skipped} "
               f"already known; {outcome.notes_added} notes added, {outcome.notes_skipped} "
               f"already known")


@pfif_group.command("export")
@click.option("--user", "username", required=True, metavar="NAME",
              help="A user who may read records; only persons they may see are written.")
@click.option("-o", "--output", "output_path", required=True,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="The PFIF 1.4 file to write.")
@django_command
def pfif_export_command(username: str, output_path: Path) -> None:
    """Write the persons the user may see and consent lets Haven share, with their notes."""
    from haven.tracing.pfif_exchange import pfif_export

    data = pfif_export(actor=actor_named(username))
    output_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = output_path.with_name(f".{output_path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, output_path)
    click.echo(f"wrote {output_path} ({data.count(b'<pfif:person>')} persons)", err=True)
