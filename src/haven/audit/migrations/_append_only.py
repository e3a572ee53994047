"""The append-only triggers of the audit tables, for migrations to (re)create.

UPDATE is refused always; DELETE (and TRUNCATE on PostgreSQL) unless a whole-database
wipe asked for it (haven.audit.erasure). SQLite drops a table's triggers when a
migration rebuilds the table (any AlterField there), so a migration that alters an
audit table must call `recreate_triggers` after.
"""

TABLES = ("audit_auditevent", "audit_audittarget")
NO_UPDATE = "the audit log is append-only"
NO_DELETE = "the audit log is append-only: its events cannot be deleted"


def drop_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        for suffix in ("append_only", "no_delete", "no_truncate"):
            if postgres:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}")
            elif suffix != "no_truncate":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")


def recreate_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    drop_triggers(apps, schema_editor)
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION haven_audit_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{NO_UPDATE}'; END; $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION haven_audit_no_erasure() RETURNS trigger AS $$ "
            "BEGIN IF current_setting('haven.audit_erasure', true) = 'on' THEN "
            "IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF; RETURN NULL; END IF; "
            f"RAISE EXCEPTION '{NO_DELETE}'; END; $$ LANGUAGE plpgsql;"
        )
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{NO_UPDATE}'); END;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"WHEN haven_audit_erasable() = 0 "
                f"BEGIN SELECT RAISE(ABORT, '{NO_DELETE}'); END;"
            )
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION haven_audit_append_only();"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION haven_audit_no_erasure();"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION haven_audit_no_erasure();"
            )
