"""`haven link` commands on the live registry: run, and what follows a run."""

# Django and the app modules are imported inside the commands, after django.setup().

from __future__ import annotations

from haven.cli.link import link_group  # noqa: F401
