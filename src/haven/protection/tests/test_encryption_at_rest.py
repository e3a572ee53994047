"""A canary written through every encrypted field is nowhere in the database's bytes.

SQLite: the database file and its WAL, from a separate process writing a file database.
PostgreSQL: every stored column as the server holds it (each row as text), and the
table's files on disk (heap and TOAST) when this user may read them.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from haven.core.encryption import encrypted_fields
from haven.protection.tests.canary import write_canaries


def all_encrypted_columns() -> set[str]:
    return {f"{model._meta.db_table}.{field.column}" for model, field in encrypted_fields()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="scans SQLite's files")
def test_no_canary_in_the_sqlite_file_or_its_wal(tmp_path):
    canary = f"CANARY-{secrets.token_hex(8)}"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HAVEN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["HAVEN_VAR_DIR"] = str(tmp_path / "var")
    result = subprocess.run(
        [sys.executable, "-m", "haven.protection.tests.canary", canary, str(tmp_path / "snap")],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    # Every encrypted field took the canary and reads it back: a new encrypted field
    # (testimonies...) fails here until write_canaries writes it.
    written = set(result.stdout.split())
    assert written == all_encrypted_columns()
    files = [p for p in [*(tmp_path / "snap").iterdir(), *(tmp_path / "var").glob("haven*")]
             if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    assert sum(p.stat().st_size for p in files) > 100_000
    for path in files:
        data = path.read_bytes()
        for needle in (canary.encode(), canary.encode("utf-16-le")):
            assert needle not in data, path.name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's tables")
@pytest.mark.django_db(transaction=True)
def test_no_canary_in_postgresql_table_data():
    canary = f"CANARY-{secrets.token_hex(8)}"
    assert write_canaries(canary) == all_encrypted_columns()
    tables = sorted({column.split(".")[0] for column in all_encrypted_columns()})
    scanned_files = 0
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} AS t")  # noqa: S608
            rows = [row[0] for row in cursor.fetchall()]
            assert rows, table
            assert not any(canary in row for row in rows), table
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if cursor.fetchone()[0]:
            cursor.execute("CHECKPOINT")  # the rows reach the table files
        cursor.execute("SHOW data_directory")
        data_directory = Path(cursor.fetchone()[0])
        for table in tables:
            cursor.execute(
                "SELECT pg_relation_filepath(c.oid), pg_relation_filepath(c.reltoastrelid) "
                "FROM pg_class c WHERE c.relname = %s", [table])
            for relative in cursor.fetchone():
                if relative is None:
                    continue
                path = data_directory / relative
                try:
                    data = path.read_bytes()
                except OSError:
                    continue  # the server's files are not this user's to read
                scanned_files += 1
                assert canary.encode() not in data, table
    if os.access(data_directory, os.R_OK):
        assert scanned_files, "the table files were readable, yet none was scanned"
