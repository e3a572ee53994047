"""`haven evidence`: export records with their files, manifest and custody; verify an export."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from haven.cli.main import cli, django_command


@cli.group("evidence")
def evidence_group() -> None:
    """Evidence for a right of return: ZIP archives a court or an archive can check.

    \b
    Examples:
      haven evidence export --user coordinator -o evidence.zip
      haven evidence export --user coordinator --heritage ID -o church.zip
      haven evidence verify evidence.zip
    """


@evidence_group.command("export")
@click.option("--user", "username", required=True, metavar="NAME",
              help="Who exports: the archive holds what this user may see.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--heritage", "heritage", multiple=True, metavar="ID",
              help="A heritage site to export (repeat for more).")
@click.option("--home", "homes", multiple=True, metavar="ID",
              help="A home of origin to export (repeat for more).")
@click.option("--testimony", "statements", multiple=True, metavar="ID",
              help="A testimony to export (with consent to legal use; repeat for more).")
@django_command
def export(username: str, output: Path, heritage: tuple[str, ...],
           homes: tuple[str, ...], statements: tuple[str, ...]) -> None:
    """Write everything USER may export (or the records chosen) as a ZIP with a manifest."""
    from haven.accounts.access import Actor
    from haven.accounts.models import User
    from haven.documentation.evidence import evidence_export

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.UsageError(f"no active user {username!r}")
    selection: dict[str, Sequence[str]] = {}
    if heritage:
        selection["heritage"] = list(heritage)
    if homes:
        selection["homes"] = list(homes)
    if statements:
        selection["testimonies"] = list(statements)
    done = evidence_export(actor=Actor(user=user, channel="cli"), selection=selection or None)
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(done.archive)
    partial.chmod(0o600)
    partial.replace(output)
    click.echo(f"{done.records} records and {done.files} files written to {output}; "
               f"manifest SHA-256 {done.manifest_sha256}")


@evidence_group.command("verify")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def verify(archive: Path) -> None:
    """Check every file of ARCHIVE against its manifest: exit 0 if all match, 1 naming each not."""
    from haven.documentation.manifest import evidence_verify

    problems = evidence_verify(archive)
    if problems:
        for problem in problems:
            click.echo(f"{problem.file}: {problem.message}", err=True)
        sys.exit(1)
    click.echo(f"{archive}: every file matches the manifest.")
