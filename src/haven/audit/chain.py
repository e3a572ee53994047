"""The audit log's hash chain: each event carries SHA-256(previous event's hash, itself).

An event's hash covers when, who (user, role, site, channel, address), what (action,
outcome, target type and count) and the ids of every record it names, and the hash of
the event before it (by id). Changing, removing or inserting an event anywhere but at
the end changes every hash after it, so `haven audit verify` (and `haven check
--integrity`) finds the first event whose stored hash no longer follows. The database
already refuses UPDATE and DELETE on the audit tables (migrations/_append_only.py); the
chain is what still tells when someone with the database's owner rights went around
that. It cannot tell that the newest events were cut off the end (docs/security.md).

The functions here take plain values, so the migration that hashed the events written
before the chain existed uses the same serialisation as the service.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first event
LOCK = "audit.chain"  # haven.core.locks.serialized: one writer extends the chain at a time
FIELDS = ("at", "actor_id", "username", "role", "site", "action", "outcome", "target_type",
          "target_count", "channel", "client_address")
BATCH = 2_000


def event_hash(previous: str, values: dict[str, Any], targets: Sequence[str]) -> str:
    """Return the hash of one event: SHA-256 over the previous hash and its values."""
    at: dt.datetime = values["at"]
    payload = [at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
               *(values[name] for name in FIELDS[1:]), list(targets)]
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    """The first event whose stored hash does not follow from the chain before it."""

    event_id: int
    at: dt.datetime
    action: str
    username: str

    def __str__(self) -> str:
        return (f"event {self.event_id} ({self.at:%Y-%m-%d %H:%M:%S} UTC, {self.action}, "
                f"{self.username or '-'}) does not follow from the events before it: it, or "
                f"one before it, was changed, removed or inserted")


def _events(event_model: Any, target_model: Any) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Yield every event's values (with its stored hash) and target ids, in id order."""
    after = 0
    while True:
        rows = list(event_model.objects.filter(id__gt=after).order_by("id")
                    .values("id", "chain_hash", *FIELDS)[:BATCH])
        if not rows:
            return
        targets: dict[int, list[str]] = {}
        for event_id, target_id in (target_model.objects
                                    .filter(event_id__in=[r["id"] for r in rows])
                                    .order_by("event_id", "id")
                                    .values_list("event_id", "target_id")):
            targets.setdefault(event_id, []).append(target_id)
        for row in rows:
            yield row, targets.get(row["id"], [])
        after = rows[-1]["id"]


def chain_verify(event_model: Any = None,
                 target_model: Any = None) -> tuple[int, BrokenLink | None]:
    """Recompute the chain; return how many events were checked and the first broken one."""
    if event_model is None:
        from haven.audit.models import AuditEvent, AuditTarget  # noqa: PLC0415

        event_model, target_model = AuditEvent, AuditTarget
    previous, checked = GENESIS, 0
    for values, targets in _events(event_model, target_model):
        expected = event_hash(previous, values, targets)
        if values["chain_hash"] != expected:
            return checked, BrokenLink(values["id"], values["at"], values["action"],
                                       values["username"])
        previous, checked = expected, checked + 1
    return checked, None


def chain_fill(event_model: Any, target_model: Any) -> int:
    """Hash the events written before the chain existed (a migration's step); return how many."""
    previous, done = GENESIS, 0
    for values, targets in _events(event_model, target_model):
        previous = event_hash(previous, values, targets)
        event_model.objects.filter(id=values["id"]).update(chain_hash=previous)
        done += 1
    return done
