"""Commands that run and check the server: serve, migrate, check."""

# Django and the app modules are imported inside the commands, after django.setup().
# ruff: noqa: PLC0415

from __future__ import annotations

import multiprocessing
from typing import Any

import click

from haven.cli.main import cli, django_command

# The access log's line: address, method, path (no query string), protocol, status, size,
# time. A query string can carry what a user typed (a name, a birth date, a phone: the
# pages send those by POST, but a bookmarked or hand-made URL may not); the path alone
# says what was asked for. Device tokens in ODK paths are redacted (RedactingLogger).
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 to serve the local network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=0, type=click.IntRange(0, 64),
              help="Worker processes [default: 2 per core + 1].")
@django_command
def serve(host: str, port: int, workers: int) -> None:
    """Serve Haven with gunicorn (a production server), static files included.

    Refuses to start while migrations are pending (run `haven migrate` first), and with
    HAVEN_HTTPS=1 without a strong HAVEN_FIELD_KEY (see `haven keys --help`).
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from gunicorn.app.base import BaseApplication

    from haven.core.encryption.checks import field_key_problems

    # Medical and protection details are encrypted with the field key: in production
    # (HTTPS on) a missing or weak key stops the server here, not after the first write.
    problems = field_key_problems(production=settings.HTTPS)
    if problems:
        raise click.ClickException("; ".join(f"{p.id}: {p.msg}" for p in problems))
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise click.ClickException("the database is not up to date: run `haven migrate` first")
    # Read the open tracing requests once, here: each worker starts with them (copy-on-write
    # after the fork) instead of reading them at its first registration (0.7 s for 10,000).
    from haven.tracing import open_requests

    open_requests.current()
    connection.close()  # each worker opens its own connection after the fork
    call_command("collectstatic", interactive=False, verbosity=0)
    # Import after collectstatic: WhiteNoise indexes the static folder when the app loads.
    from gunicorn.glogging import Logger

    from haven.config.wsgi import application
    from haven.core.redaction import redact

    class RedactingLogger(Logger):
        """Gunicorn's access log, without device tokens from ODK URLs (nor query strings)."""

        def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
            found: dict[str, Any] = super().atoms(resp, req, environ, request_time)
            return {k: redact(v) if isinstance(v, str) else v for k, v in found.items()}

    class Gunicorn(BaseApplication):
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers or multiprocessing.cpu_count() * 2 + 1,
                "accesslog": "-",
                "access_log_format": ACCESS_LOG_FORMAT,
                "timeout": 60,
                "graceful_timeout": 10,
                "forwarded_allow_ips": "127.0.0.1",
                "logger_class": RedactingLogger,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    click.echo(f"Haven is serving on http://{host}:{port}/  (Ctrl+C stops it)")
    Gunicorn().run()


@cli.command()
@django_command
def migrate() -> None:
    """Create or update the database tables (safe to run again)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    click.echo("The database is up to date.")


@cli.command()
@click.option("--deploy", is_flag=True,
              help="Also run the production checks (HTTPS, cookies, secret key, debug).")
@click.option("--integrity", is_flag=True,
              help="Check the stored data instead: the database's own integrity check and "
                   "foreign keys, then Haven's invariants (every person in a household with "
                   "an arrival, merges one level deep, files matching their digests, ...).")
@django_command
def check(deploy: bool, integrity: bool) -> None:
    """Check the configuration (or, with --integrity, the data); exit 1 on any problem."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    if integrity:
        from haven.core.integrity import integrity_run

        findings = integrity_run(progress=lambda name: click.echo(f"checking {name} ...",
                                                                  err=True))
        for finding in findings:
            click.echo(str(finding))
        if findings:
            raise SystemExit(1)
        click.echo("The data is sound: every integrity check passed.")
        return
    try:
        # With the database: some checks look at what it holds (haven.W022).
        call_command("check", deploy=deploy, fail_level="WARNING", databases=["default"])
    except SystemCheckError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
