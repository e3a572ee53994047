"""insert_rows stores exactly what the ORM would, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection

from haven.core.bulk import bulk_writing, insert_rows, insert_values
from haven.registry.models import Household, RecordChange
from haven.testing.factories import member

pytestmark = pytest.mark.django_db


def test_rows_read_back_equal_to_what_was_inserted(users, make_household):
    household = make_household(members=[member()])
    moment = dt.datetime(2023, 9, 29, 18, 30, 15, tzinfo=dt.UTC)
    changes = [RecordChange(household=household, at=moment, changed_by=users["coordinator"],
                            action="updated", changes={"phone": [None, "+374 97 1"], "n": [1, 2]})
               for _ in range(3)]
    insert_rows(changes)
    stored = RecordChange.objects.filter(action="updated")
    assert stored.count() == 3
    first = stored.first()
    assert first is not None
    assert first.at == moment
    assert first.changes == {"phone": [None, "+374 97 1"], "n": [1, 2]}
    assert first.household_id == household.id


def test_inserted_objects_count_as_saved(users, sites):
    household = Household(registered_at=sites["goris"], size=1, created_by=users["coordinator"],
                          channel="import", created_at=dt.datetime.now(dt.UTC),
                          updated_at=dt.datetime.now(dt.UTC))
    insert_rows([household])
    household.phone = "+374 97 123456"
    household.save(update_fields=["phone"])  # an UPDATE, not a second INSERT
    assert Household.objects.get(pk=household.pk).phone == "+374 97 123456"


def test_nothing_to_insert_is_fine(db):
    insert_rows([])


def test_insert_values_refuses_rows_that_leave_a_field_out(db):
    with pytest.raises(ValueError, match="missing"):
        insert_values(RecordChange, ("household_id", "at"), [("x", "y")])


def _wal_autocheckpoint() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write-ahead log")
def test_a_bulk_load_checkpoints_rarely_then_restores_the_setting(db):
    before = _wal_autocheckpoint()
    with bulk_writing():
        assert _wal_autocheckpoint() == 262_144  # 1 GiB of pages
    assert _wal_autocheckpoint() == before
    with pytest.raises(RuntimeError), bulk_writing():
        raise RuntimeError  # an import that fails half-way
    assert _wal_autocheckpoint() == before


def test_bulk_writing_is_harmless_on_any_database(users, make_household):
    with bulk_writing():
        make_household(members=[member()])
    assert Household.objects.count() == 1
