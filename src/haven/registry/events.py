"""What the registry tells other apps: persons registered or arrived, after the commit.

Apps observe the registry instead of the registry calling them (the arrows point down:
registry ← capabilities). An app subscribes once, in its AppConfig.ready():

    from haven.registry.events import registry_observe
    registry_observe("tracing", on_registry_event)

Every channel registers through `households_register` and records arrivals through
`arrival_record` / `arrivals_record` (web, API, ODK, import, scenario replay, reception
arrivals and transfers, protection's transfers of people left behind), and those
services fire the event with `registry_event_fire` inside their transaction: it runs the
observers once the transaction commits, so a rolled-back registration tells nobody. An
observer that fails is logged and does not undo the registration, nor stop the others.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegistryEvent:
    """Persons newly registered (`kind` "registered") or arrived at a site ("arrived")."""

    kind: str  # "registered" or "arrived"
    person_ids: tuple[uuid.UUID, ...]
    household_ids: tuple[uuid.UUID, ...]
    channel: str  # web, api, odk, cli, import, scenario...
    username: str  # who recorded it; observers act as the system, not as this user


RegistryObserver = Callable[[RegistryEvent], None]
_OBSERVERS: dict[str, RegistryObserver] = {}


def registry_observe(name: str, observer: RegistryObserver) -> None:
    """Call `observer` with every registry event after its transaction commits.

    `name` makes it idempotent (ready() may run twice in tests).
    """
    _OBSERVERS[name] = observer


def registry_event_fire(event: RegistryEvent) -> None:
    """Run the observers on commit of the current transaction (at once outside one)."""
    if not event.person_ids:
        return
    transaction.on_commit(lambda: _notify(event))


def _notify(event: RegistryEvent) -> None:
    for name, observer in list(_OBSERVERS.items()):
        try:
            observer(event)
        except Exception:  # an observer's failure must not fail a registration already stored
            # Ids and counts only: nothing personal goes to the log.
            logger.exception("registry observer %s failed on %s of %d persons", name,
                             event.kind, len(event.person_ids))
