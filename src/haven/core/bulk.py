"""Insert many model rows at once, for the paths that register tens of thousands a day.

`bulk_create` compiles SQL and runs every value through the ORM's insert compiler
object by object, which was two thirds of an import's time. This keeps the parts that
matter (each field's own conversion to the database's form, so UUIDs, aware datetimes
and JSON are stored exactly as the ORM would) and sends the rows with one
`executemany` per table. Like `bulk_create`, it sends no signals.
"""

from __future__ import annotations

import contextlib
import gc
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import AutoField, BigAutoField, Model, SmallAutoField

_DATABASE_ASSIGNED = (AutoField, BigAutoField, SmallAutoField)


# Young objects allowed before a collection; CPython's default is 700.
_BULK_GC_THRESHOLD = (50_000, 50, 1_000)


@contextlib.contextmanager
def bulk_allocation() -> Iterator[None]:
    """Collect garbage rarely while a long batch job runs in this process.

    An import of a million rows makes tens of millions of short-lived objects, and
    CPython's collector, run every 700 allocations, walked every object of Django and
    the app each time: measured, 40% of reading and checking rows and 90% of receiving
    a batch from the reading process. The objects alive now are frozen out of the
    collector's walks and collections come every 50,000 allocations; both are undone
    on exit. For the command line: the setting is process-wide.
    """
    threshold = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*_BULK_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


# Pages SQLite's WAL may hold before it is folded into the database during a bulk load:
# 1 GiB of 4 KiB pages, against 64 MiB (the settings' wal_autocheckpoint) otherwise.
_BULK_WAL_PAGES = 262_144


@contextlib.contextmanager
def bulk_writing(using: str = "default") -> Iterator[None]:
    """Checkpoint SQLite's write-ahead log rarely while a bulk load writes, then fold it in.

    A million-row import touches index pages all over the database (person and household
    codes, source keys, name keys, phones are random), so each batch adds thousands of
    pages to the WAL, and every 64 MiB a checkpoint copies them into the database and
    syncs it: measured, nearly half the storing process's time between 900,000 and
    1,000,000 rows. Rarer checkpoints copy a page rewritten by many batches once. Readers
    and durability are unchanged (synchronous=NORMAL in WAL mode either way); the log
    grows to at most 1 GiB and is truncated at the end. For the command line: the setting
    is the connection's, restored on exit. PostgreSQL: nothing to do.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        row = cursor.fetchone()
        before = int(row[0]) if row else 1000
        cursor.execute(f"PRAGMA wal_autocheckpoint={_BULK_WAL_PAGES:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={before:d}")
            if not connection.in_atomic_block:  # SQLite checkpoints outside transactions
                # Waits (busy_timeout) for readers of older snapshots; if they outlast
                # it the log simply stays until the next checkpoint.
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def insert_rows(objects: Sequence[Model]) -> None:
    """Insert `objects`, all of one model, in one batch; database-assigned ids stay unset."""
    if not objects:
        return
    model = type(objects[0])
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, _DATABASE_ASSIGNED)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)  # concrete: never None
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model, values bound
    converters = [(f.attname, f.get_db_prep_save) for f in fields]
    rows = [[prepare(getattr(obj, attname), connection) for attname, prepare in converters]
            for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    for obj in objects:  # as bulk_create does: these are stored rows now, not new ones
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_values(model: type[Model], attnames: Sequence[str],
                  rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` of values already in the database's form, one per `attnames` order.

    For the hottest paths, where building a model instance per row costs more than the
    insert: the caller converts each value as the field would (`field.get_db_prep_save`,
    done once where a value repeats, such as the same timestamp for every row). Every
    concrete field but a database-assigned id must be named, so a field added to the
    model later cannot silently be left out.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    required = {f.attname for f in model._meta.concrete_fields
                if not isinstance(f, _DATABASE_ASSIGNED)}
    if set(attnames) != required or len(attnames) != len(required):
        missing = sorted(required - set(attnames))
        unknown = sorted(set(attnames) - required)
        raise ValueError(f"{model.__name__}: columns missing {missing}, unknown {unknown}")
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(by_attname[a].column)) for a in attnames)
    placeholders = ", ".join(["%s"] * len(attnames))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model, values bound
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def db_converter(model: type[Model], attname: str) -> Callable[[Any], Any]:
    """The conversion the ORM applies to `model.attname` on save, for the write database."""
    connection = connections[router.db_for_write(model)]
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    prepare = field.get_db_prep_save
    return lambda value: prepare(value, connection)


def uuid_converter(model: type[Model]) -> Callable[[uuid.UUID], Any]:
    """`UUIDField`'s conversion of a UUID for the write database, without the per-call checks.

    PostgreSQL takes the UUID itself; the others store its 32 hex digits.
    """
    connection = connections[router.db_for_write(model)]
    if connection.features.has_native_uuid_field:
        return _same
    return _hex


def _same(value: uuid.UUID) -> uuid.UUID:
    return value


def _hex(value: uuid.UUID) -> str:
    return value.hex
