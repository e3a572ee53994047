"""`haven link`: find the records that are the same person.

The group is defined here; `dedupe` (any CSV file) lives in this module and the
commands on the live registry (`run`, ...) in `haven.cli.link_registry`.
"""

# Django and the app modules are imported inside the commands, after django.setup().

from __future__ import annotations

from haven.cli.main import cli


@cli.group("link")
def link_group() -> None:
    """Find records of the same person, across scripts and spellings."""
