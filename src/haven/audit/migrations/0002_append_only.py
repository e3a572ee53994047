"""Make the audit log append-only in the database itself, not only in the code.

An UPDATE of an audit row fails on SQLite and PostgreSQL alike, whoever issues it.
Deletion is left to the retention job (an administrator's deliberate act, itself logged).
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_audittarget")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
            )
        elif vendor == "postgresql":
            schema_editor.execute(
                "CREATE OR REPLACE FUNCTION haven_audit_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION haven_audit_append_only();"
            )


def drop_triggers(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only"
                              + (f" ON {table}" if schema_editor.connection.vendor == "postgresql"
                                 else ""))


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
