"""`haven person export|erase` and `haven retention run`: people's rights over their data."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from haven.cli.main import actor_named, cli, django_command

if TYPE_CHECKING:
    pass


@cli.group()
def person() -> None:
    """One person's record: export it for them, or erase it (docs/retention.md)."""


@person.command("export")
@click.argument("code")
@click.option("--user", "username", required=True, metavar="NAME",
              help="Who produces the export (a role with subject access: a coordinator).")
@click.option("--format", "format_", type=click.Choice(["pdf", "json"]), default="pdf",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (it holds personal data: hand it over, then delete it).")
@django_command
def person_export(code: str, username: str, format_: str, output: Path) -> None:
    """Write everything Haven stores about person CODE, and who read it, to a file.

    \b
    Example:
      haven person export HVN-7K3Q-M2XD --user coordinator --format pdf -o record.pdf
    The export is written to the audit log.
    """
    from haven.rights.document import record_document
    from haven.rights.record import person_record

    record = person_record(actor=actor_named(username), code=code)
    content, _type, _name = record_document(record, format_)
    output.write_bytes(content)
    output.chmod(0o600)
    click.echo(f"Wrote {output} ({len(content):,} bytes, {len(record.sections)} kinds of "
               f"record, {len(record.audit)} audit events).")


@person.command("erase")
@click.argument("code")
@click.option("--user", "username", required=True, metavar="NAME",
              help="Who erases (a role allowed to erase records: a coordinator).")
@click.option("--reason", required=True,
              help="The legal or mission ground (no names): it is kept with the erasure.")
@click.option("--confirm", default=None, metavar="CODE",
              help="The person's code again, to erase without the question (scripts).")
@django_command
def person_erase_command(code: str, username: str, reason: str, confirm: str | None) -> None:
    """Erase person CODE and everything about them, where the law and the mission allow it.

    \b
    First shows what would go, then asks for the code again. Example:
      haven person erase HVN-7K3Q-M2XD --user coordinator --reason "subject's request 2026-14"
    The situation report keeps counting them (anonymous sums); the audit log keeps that
    an erasure happened. Backups taken before it still hold them until they expire.
    """
    from haven.rights.erasure import person_erase, person_erase_plan

    actor = actor_named(username)
    plan = person_erase_plan(actor=actor, code=code)
    click.echo(f"Erasing {plan.code} removes {plan.persons} person record(s) and "
               f"{plan.households} household(s):")
    for label, n in plan.rows.items():
        click.echo(f"  {label}: {n}")
    if confirm is None:
        confirm = click.prompt("Type the person's code again to erase", default="",
                               show_default=False)
    done = person_erase(actor=actor, code=code, reason=reason, confirm=confirm)
    click.echo(f"Erased (erasure {done.erasure.pk}); {done.scrubbed}.")


@person.command("scrub")
@click.option("--full", is_flag=True,
              help="PostgreSQL: VACUUM FULL (rewrites the tables; clerks wait meanwhile).")
@django_command
def person_scrub(full: bool) -> None:
    """Clear what deleted rows left in the database files (after an erasure).

    \b
    SQLite: secure_delete, WAL checkpoint(TRUNCATE), VACUUM — run by every erasure;
    run it again if the erasure said a reader kept the WAL busy.
    PostgreSQL: VACUUM; with --full, VACUUM FULL (docs/retention.md).
    """
    from haven.rights.erasure import database_scrub

    click.echo(database_scrub(full=full))


@cli.group()
def retention() -> None:
    """Delete data past its retention period (docs/retention.md)."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@django_command
def retention_run_command(dry_run: bool) -> None:
    """Delete records, import files, exports, reports and backups past their period.

    \b
    The periods: HAVEN_RETAIN_RECORDS_DAYS (0: kept), HAVEN_RETAIN_IMPORT_FILES_DAYS,
    HAVEN_RETAIN_EXPORTS_DAYS, HAVEN_RETAIN_BACKUPS_DAYS. Run it daily, e.g. from cron:
      15 3 * * *  haven retention run
    """
    from haven.rights.retention import retention_run

    result = retention_run(dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    for kind, n in result.counts.items():
        click.echo(f"{verb} {n} {kind.replace('_', ' ')}")
