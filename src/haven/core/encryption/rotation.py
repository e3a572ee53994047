"""Re-encrypt every stored value under the current field key, resumably (`haven keys rotate`).

With the key file, a rotation first writes a new key at the head of the file, keeping the
old ones after it; it then re-encrypts values in batches, each committed on its own, and
drops the old keys from the file once no value needs them. Interrupted at any point, it
leaves every value readable (each is under the old key or the new one, both in the
file), and running it again carries on: a file with more than one key is a rotation
under way, so no further key is added.

With HAVEN_FIELD_KEY the operator makes the new key: put it first in the variable, keep
the old ones after it, run the rotation, then remove the old ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from haven.core.encryption.cipher import FORMAT_PREFIX, decrypt, encrypt, key_id_of
from haven.core.encryption.fields import EncryptedTextField, encrypted_fields
from haven.core.encryption.keys import (
    Keyring,
    _key_texts,
    key_file_path,
    key_file_write,
    key_generate,
    keyring,
)

BATCH_SIZE = 500

Progress = Callable[[str, int, int], None]  # (model.field, re-encrypted so far, to do)


@dataclass
class RotationOutcome:
    primary: str  # the id of the key every value is now under
    started: bool  # True if this run added the new key (False: it carried on, or env keys)
    reencrypted: dict[str, int] = field(default_factory=dict)  # "table.column" -> values
    retired: list[str] = field(default_factory=list)  # key ids dropped from the key file

    @property
    def total(self) -> int:
        return sum(self.reencrypted.values())


def _column(model: type, f: EncryptedTextField) -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    meta = model._meta  # type: ignore[attr-defined]
    return quote(meta.db_table), quote(f.column or f.name), quote(meta.pk.column)


def values_by_key() -> dict[str, dict[str, int]]:
    """Return, per encrypted column, how many stored values each key id encrypted."""
    counts: dict[str, dict[str, int]] = {}
    for model, f in encrypted_fields():
        assert isinstance(f, EncryptedTextField)  # noqa: S101 - encrypted_fields' contract
        table, column, _pk = _column(model, f)
        per_key: dict[str, int] = {}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table} "  # noqa: S608 - quoted names
                           f"WHERE {column} IS NOT NULL AND {column} <> ''")
            for (value,) in cursor.fetchall():
                found = key_id_of(str(value)) or "clear"
                per_key[found] = per_key.get(found, 0) + 1
        counts[f.encryption_context()] = per_key
    return counts


def _rotate_column(model: type, f: EncryptedTextField, ring: Keyring, batch_size: int,
                   progress: Progress | None) -> int:
    table, column, pk = _column(model, f)
    context = f.encryption_context()
    current = f"{FORMAT_PREFIX}{ring.primary.id}$%"
    pending = f"{column} IS NOT NULL AND {column} <> '' AND {column} NOT LIKE %s"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {pending}",  # noqa: S608
                       [current])
        todo = int(cursor.fetchone()[0])
    done = 0
    last: Any = None
    while True:
        after = "" if last is None else f" AND {pk} > %s"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk}, {column} FROM {table} WHERE {pending}{after} "  # noqa: S608
                f"ORDER BY {pk} LIMIT {int(batch_size)}",
                [current] if last is None else [current, last])
            rows = cursor.fetchall()
            for key, value in rows:
                fresh = encrypt(decrypt(value, context=context, ring=ring), context=context,
                                ring=ring)
                # Only if unchanged since read: a value written meanwhile is already new.
                cursor.execute(f"UPDATE {table} SET {column} = %s "  # noqa: S608
                               f"WHERE {pk} = %s AND {column} = %s", [fresh, key, value])
        if not rows:
            return done
        last = rows[-1][0]
        done += len(rows)
        if progress is not None:
            progress(context, done, todo)


def field_keys_rotate(*, batch_size: int = BATCH_SIZE,
                      progress: Progress | None = None) -> RotationOutcome:
    """Re-encrypt every stored value under a new key (the key file) or the first key
    (HAVEN_FIELD_KEY); resumable. Raise FieldKeyError if a value needs a key not in force.
    """
    ring = keyring()
    started = False
    if not ring.from_environment and not ring.retired:
        path = key_file_path()
        key_file_write(path, [key_generate(), *_key_texts(path.read_text())])
        ring = keyring()
        started = True
    outcome = RotationOutcome(primary=ring.primary.id, started=started)
    for model, f in encrypted_fields():
        assert isinstance(f, EncryptedTextField)  # noqa: S101 - encrypted_fields' contract
        outcome.reencrypted[f.encryption_context()] = _rotate_column(model, f, ring,
                                                                     batch_size, progress)
    left = {k for counts in values_by_key().values() for k in counts if k != ring.primary.id}
    if not left and not ring.from_environment and ring.retired:
        key_file_write(key_file_path(), [_key_texts(key_file_path().read_text())[0]])
        outcome.retired = [k.id for k in ring.retired]
    return outcome
