"""`haven`: run, set up and administer Haven from the command line."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from haven.accounts.access import Actor

F = TypeVar("F", bound=Callable[..., Any])


def django_command(func: F) -> F:
    """Set Django up before the command runs and turn domain errors into one-line messages."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
        import django

        django.setup()
        from django.db import DatabaseError

        from haven.core.errors import HavenError, ValidationFailed

        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            details = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.errors.items())
            raise click.ClickException(details) from None
        except HavenError as exc:
            raise click.ClickException(exc.message) from None
        except (DatabaseError, OSError) as exc:
            from haven.core.disk_full import is_disk_full

            if is_disk_full(exc):
                raise click.ClickException(
                    "the disk holding Haven's data is full: what was not reported done "
                    "was not stored; free some space and run the command again") from None
            if not isinstance(exc, DatabaseError):
                raise
            first_line = (str(exc).strip() or type(exc).__name__).splitlines()[0]
            raise click.ClickException(
                f"database error: {first_line} (check HAVEN_DATABASE_URL; "
                f"has `haven migrate` been run?)"
            ) from None

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="haven")
def cli() -> None:
    """Haven: register, count and protect people in a mass displacement.

    \b
    First run on a laptop:
      haven migrate && haven demo && haven serve
    Then open http://127.0.0.1:8000 and log in with a demo account.

    Configuration comes from HAVEN_* environment variables (see docs/configuration.md):
    HAVEN_DATABASE_URL selects PostgreSQL instead of the SQLite file under var/.
    """


def actor_named(username: str) -> Actor:
    """Return the acting user of a command (`--user NAME`): an active account, or a usage error.

    Every command acts as a named user, so the same roles, sites and audit apply as on the
    pages and the API.
    """
    from haven.accounts.access import Actor
    from haven.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.UsageError(f"no active user {username!r}")
    return Actor(user=user, channel="cli")


def main() -> None:
    """Run the `haven` command group with every command registered."""
    # Importing the command modules registers their commands on haven.cli.main's group.
    # Under `python -m haven.cli.main` this module is __main__, not haven.cli.main, so
    # run the group the commands were registered on.
    from haven.cli import (  # noqa: F401
        aid,
        audit,
        backup,
        demo,
        devices,
        evidence,
        intake,
        keys,
        link,
        link_registry,
        notifications,
        protection,
        reception,
        report,
        rights,
        scenario,
        server,
        trace,
        trace_exchange,
        trace_requests,
        users,
    )
    from haven.cli.main import cli as group

    group(prog_name="haven")


if __name__ == "__main__":
    main()
