"""The field keys that encrypt medical and protection details at rest: generate, status, rotate."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import click

from haven.cli.main import cli, django_command


@cli.group()
def keys() -> None:
    """Field keys: encryption at rest of referral notes, casualty details, welfare checks.

    \b
    Keys come from HAVEN_FIELD_KEY, or on a laptop from var/field_keys (made on first use,
    mode 0600). docs/security.md says which fields are encrypted and why.
    \b
    Rotate on a laptop (key file):  haven keys rotate
    Rotate with HAVEN_FIELD_KEY:    set HAVEN_FIELD_KEY="$(haven keys generate),<old key>",
                                    restart, run `haven keys rotate`, then drop the old key.
    """


@keys.command()
def generate() -> None:
    """Print a new random key (32 bytes, URL-safe base64) for HAVEN_FIELD_KEY."""
    from haven.core.encryption.keys import key_generate

    click.echo(key_generate())


@keys.command()
@django_command
def status() -> None:
    """Show where the keys come from and how many stored values each key encrypted."""
    from haven.core.encryption import keyring
    from haven.core.encryption.rotation import values_by_key

    ring = keyring()
    click.echo(f"Keys from {ring.source}: current {ring.primary.id}"
               + (f", also {', '.join(k.id for k in ring.retired)}" if ring.retired else ""))
    for column, counts in values_by_key().items():
        described = ", ".join(f"{n} under {k}" for k, n in sorted(counts.items())) or "empty"
        click.echo(f"  {column}: {described}")
    if ring.retired and not ring.from_environment:
        click.echo("A rotation is under way: run `haven keys rotate` to finish it.")


@keys.command()
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="Values re-encrypted per transaction.")
@django_command
def rotate(batch_size: int) -> None:
    """Re-encrypt every stored value under a new key; safe to interrupt and run again.

    With the key file, a new key is added first and the old one dropped at the end; run
    again after an interruption, it carries on with the same new key. With HAVEN_FIELD_KEY,
    values are re-encrypted under its first key; remove the old keys after it reports done.
    """
    from haven.audit.models import AuditAction
    from haven.audit.services import audit_record
    from haven.core.encryption import keyring
    from haven.core.encryption.rotation import field_keys_rotate

    ring = keyring()
    if ring.from_environment and not ring.retired:
        click.echo("HAVEN_FIELD_KEY holds one key: re-encrypting any value under another key "
                   "fails. To rotate, put a new key (`haven keys generate`) first in "
                   "HAVEN_FIELD_KEY and the old one after it.")

    def progress(column: str, done: int, todo: int) -> None:
        click.echo(f"  {column}: {done:,} of {todo:,}")

    outcome = field_keys_rotate(batch_size=batch_size, progress=progress)
    audit_record(actor=None, action=AuditAction.FIELD_KEYS_ROTATE, target_type="field key",
                 target_ids=[outcome.primary], username="haven keys rotate", channel="cli")
    click.echo(("Started a rotation: new key " if outcome.started else "Current key ")
               + f"{outcome.primary}; re-encrypted {outcome.total:,} values.")
    if outcome.retired:
        click.echo(f"Every value is under {outcome.primary}; dropped old key(s) "
                   f"{', '.join(outcome.retired)} from the key file.")
    elif ring.from_environment and keyring().retired:
        click.echo(f"Every value is under {outcome.primary}: remove the other keys from "
                   f"HAVEN_FIELD_KEY.")
