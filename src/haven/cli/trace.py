"""`haven trace`: family tracing from the command line."""

from __future__ import annotations

from haven.cli.main import cli


@cli.group()
def trace() -> None:
    """Family tracing: requests, PFIF exchange, and matching lists between agencies."""
