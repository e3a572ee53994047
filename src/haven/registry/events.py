"""What the registry tells other apps: persons registered or arrived, after the commit.

Apps observe the registry instead of the registry calling them (the arrows point down:
registry ← capabilities). An app subscribes once, in its AppConfig.ready():

    from haven.registry.events import registry_observe
    registry_observe("tracing", on_registry_event)

Every channel registers through `households_register` and records arrivals through
`arrival_record` / `arrivals_record` (web, API, ODK, import, scenario replay, reception
arrivals and transfers, protection's transfers of people left behind), and those
services fire the event with `registry_event_fire` inside their transaction. An observer
runs either once the transaction commits, or (`in_transaction=True`) at once, inside it,
in a savepoint of its own. Either way a rolled-back registration tells nobody, and an
observer that fails is logged and does not undo the registration, nor stop the others.

Inside the transaction is for an observer that writes what must not be lost: its rows
commit with the registration or not at all (a process killed between a registration's
commit and an after-commit observer loses that observer's work), and on SQLite they
need no second write transaction, whose lock every clerk's registration waits for.
Tracing's match alerts are written so.
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
_IN_TRANSACTION: dict[str, RegistryObserver] = {}


def registry_observe(name: str, observer: RegistryObserver, *,
                     in_transaction: bool = False) -> None:
    """Call `observer` with every registry event: after its transaction commits, or inside it.

    `name` makes it idempotent (ready() may run twice in tests).
    """
    _OBSERVERS.pop(name, None)
    _IN_TRANSACTION.pop(name, None)
    (_IN_TRANSACTION if in_transaction else _OBSERVERS)[name] = observer


def registry_event_fire(event: RegistryEvent) -> None:
    """Run the in-transaction observers now, the others on commit (at once outside one)."""
    if not event.person_ids:
        return
    for name, observer in list(_IN_TRANSACTION.items()):
        try:
            # A savepoint: a failing observer's writes are undone, the registration's kept.
            with transaction.atomic():
                observer(event)
        except Exception:  # an observer's failure must not fail the registration
            _failed(name, event)
    transaction.on_commit(lambda: _notify(event))


def _notify(event: RegistryEvent) -> None:
    for name, observer in list(_OBSERVERS.items()):
        try:
            observer(event)
        except Exception:  # an observer's failure must not fail a registration already stored
            _failed(name, event)


def _failed(name: str, event: RegistryEvent) -> None:
    # Ids and counts only: nothing personal goes to the log.
    logger.exception("registry observer %s failed on %s of %d persons", name, event.kind,
                     len(event.person_ids))
