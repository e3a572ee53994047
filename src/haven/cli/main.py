"""`haven`: run, set up and administer Haven from the command line."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def django_command(func: F) -> F:
    """Set Django up before the command runs and turn domain errors into one-line messages."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings")
        import django

        django.setup()
        from haven.core.errors import HavenError, ValidationFailed

        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            details = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.errors.items())
            raise click.ClickException(details) from None
        except HavenError as exc:
            raise click.ClickException(exc.message) from None

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


def main() -> None:
    from haven.cli import demo, server, users  # noqa: F401  (registers the commands)

    cli(prog_name="haven")


if __name__ == "__main__":
    sys.exit(main())
