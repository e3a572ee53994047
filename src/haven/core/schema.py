"""Schema changes Django's own operations make too dearly, for the migrations to share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations


def foreign_key_indexes_dropped(app_label: str,
                                fields: Sequence[tuple[str, str]]) -> migrations.RunPython:
    """Return an operation dropping the indexes of these (model, field) foreign keys.

    For `SeparateDatabaseAndState`'s database side, beside the fields' AlterField
    (db_index=False) on the state side. AlterField would drop the index on PostgreSQL,
    but on SQLite it rebuilds the whole table (minutes at a million rows) for a change
    of index alone. The index is named as Django named it on either database; the
    reverse creates it again.
    """

    def index(apps: Any, schema_editor: Any, model_name: str,
              field_name: str) -> tuple[str, str, str]:
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        column = model._meta.get_field(field_name).column
        return table, column, schema_editor._create_index_name(table, [column], suffix="")

    def drop(apps: Any, schema_editor: Any) -> None:
        quote = schema_editor.quote_name
        for model_name, field_name in fields:
            _table, _column, name = index(apps, schema_editor, model_name, field_name)
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")

    def create(apps: Any, schema_editor: Any) -> None:
        quote = schema_editor.quote_name
        for model_name, field_name in fields:
            table, column, name = index(apps, schema_editor, model_name, field_name)
            schema_editor.execute(
                f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")

    return migrations.RunPython(drop, create)
