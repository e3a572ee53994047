"""The migrations leave exactly the indexes the registry's queries and imports need."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# Foreign keys nothing looks up by: an index on any of them is paid on every import row.
UNINDEXED = {
    "registry_arrival": ["site_id", "recorded_by_id"],
    "registry_household": ["created_by_id", "registered_at_id", "first_site_id",
                           "second_site_id", "last_site_id"],
    "registry_person": ["registered_at_id", "first_site_id", "second_site_id", "last_site_id",
                        "birth_year"],
    "intake_submission": ["received_by_id", "replaced_by_id"],
}


def _indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: list(c["columns"] or []) for name, c in constraints.items() if c["index"]}


@pytest.mark.parametrize("table", sorted(UNINDEXED))
def test_no_column_nothing_looks_up_by_has_an_index_of_its_own(table):
    alone = {columns[0] for columns in _indexes(table).values() if len(columns) == 1}
    assert alone, "the table's other indexes are found"
    assert not alone & set(UNINDEXED[table])


def test_arrivals_are_still_found_by_site():
    """The (site, person) and (site, arrived_at) indexes serve what the site index did."""
    assert {("site_id", "person_id"), ("site_id", "arrived_at")} <= {
        tuple(columns) for columns in _indexes("registry_arrival").values()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's indexes on expressions")
def test_sqlite_has_the_situation_reports_tally_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                       "AND name IN ('registry_person_tally', 'registry_household_tally')")
        assert sorted(name for (name,) in cursor.fetchall()) == [
            "registry_household_tally", "registry_person_tally"]
