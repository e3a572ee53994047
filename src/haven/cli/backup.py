"""`haven backup` and `haven restore`: encrypted copies taken while clerks write."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

from pathlib import Path

import click

from haven.cli.main import cli, django_command


@cli.command("backup")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the backup file (default var/backups).")
@django_command
def backup(folder: Path | None) -> None:
    """Take an encrypted backup of the database and its files, while clerks go on working.

    \b
    The key: HAVEN_BACKUP_KEY (an age identity), else var/backup.key, made on first use.
    Keep a copy of the key apart from the backups. HAVEN_BACKUP_RECIPIENTS adds public
    keys of people who may restore elsewhere. Schedule it: docs/backups.md.
    """
    from haven.core.backups import backup_create

    done = backup_create(to=folder, progress=lambda stage: click.echo(f"{stage} ...", err=True))
    click.echo(f"Backup written: {done.path} ({done.size:,} bytes, {done.engine}, "
               f"{done.files} files besides the database).")


@cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--identity", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="The age identity file, when not HAVEN_BACKUP_KEY or "
                                 "var/backup.key (a restore on another machine).")
@django_command
def restore(file: Path, identity: Path | None) -> None:
    """Restore FILE into this installation, which must hold no records; then check it.

    \b
    On a new machine: set HAVEN_VAR_DIR (or HAVEN_DATABASE_URL to an empty database),
    run `haven migrate`, then `haven restore FILE --identity KEYFILE`.
    """
    from haven.core.backups import backup_restore
    from haven.core.integrity import integrity_run

    done = backup_restore(path=file, identity_file=identity,
                          progress=lambda stage: click.echo(f"{stage} ...", err=True))
    click.echo(f"Restored the {done.engine} backup of {done.created_at} "
               f"({done.files} files besides the database).")
    findings = integrity_run()
    for finding in findings:
        click.echo(str(finding), err=True)
    if findings:
        raise SystemExit(1)
    click.echo("The restored data passed every integrity check.")
