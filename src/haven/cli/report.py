"""`haven report`: situation reports and open-data exports."""

# Django and the app modules are imported inside the commands, after django.setup().

from __future__ import annotations

from haven.cli.main import cli


@cli.group("report")
def report_group() -> None:
    """Produce situation reports and open-data exports."""
