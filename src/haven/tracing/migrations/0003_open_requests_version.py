"""The token that tells each process its in-memory open requests are out of date.

Triggers renew it on every change to a sought person or its keys, on a request's deletion,
and when a request enters or leaves the active statuses (haven.tracing.open_requests). A
random token, not a counter: a rolled-back transaction returns the row to an older value,
which a counter could reach again with other contents. The triggers upsert, so the row
comes back after a flush that emptied the table.
"""

# The SQL is built from this module's constants, never from input.
# ruff: noqa: S608
import uuid

from django.db import migrations, models

# haven.tracing.vocabulary.ACTIVE_STATUSES, copied: a migration keeps its own values (a test
# checks that the two agree).
ACTIVE = ("open", "possible_match")
_ACTIVE_SQL = ", ".join(f"'{status}'" for status in ACTIVE)
TABLE = "tracing_openrequestsversion"

SQLITE_RENEW = f"INSERT OR REPLACE INTO {TABLE} (id, token) VALUES (1, lower(hex(randomblob(16))));"
SQLITE = [
    *(f"CREATE TRIGGER tracing_{table}_{event.lower()} AFTER {event} ON tracing_{table} "
      f"BEGIN {SQLITE_RENEW} END;"
      for table in ("soughtperson", "soughtkey") for event in ("INSERT", "UPDATE", "DELETE")),
    f"CREATE TRIGGER tracing_tracingrequest_delete AFTER DELETE ON tracing_tracingrequest "
    f"BEGIN {SQLITE_RENEW} END;",
    f"CREATE TRIGGER tracing_tracingrequest_activity AFTER UPDATE OF status, created_at "
    f"ON tracing_tracingrequest WHEN (OLD.status IN ({_ACTIVE_SQL})) <> "
    f"(NEW.status IN ({_ACTIVE_SQL})) OR OLD.created_at <> NEW.created_at "
    f"BEGIN {SQLITE_RENEW} END;",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS tracing_{table}_{event}"
      for table in ("soughtperson", "soughtkey") for event in ("insert", "update", "delete")),
    "DROP TRIGGER IF EXISTS tracing_tracingrequest_delete",
    "DROP TRIGGER IF EXISTS tracing_tracingrequest_activity",
]

POSTGRESQL = [
    f"""CREATE FUNCTION tracing_open_requests_renew() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {TABLE} (id, token)
        VALUES (1, md5(random()::text || clock_timestamp()::text || pg_backend_pid()::text))
        ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
        RETURN NULL;
    END $$""",
    # Once per statement: a bulk insert of thousands of keys renews the token once.
    *(f"CREATE TRIGGER tracing_{table}_changed AFTER INSERT OR UPDATE OR DELETE "
      f"ON tracing_{table} FOR EACH STATEMENT EXECUTE FUNCTION tracing_open_requests_renew()"
      for table in ("soughtperson", "soughtkey")),
    "CREATE TRIGGER tracing_tracingrequest_delete AFTER DELETE ON tracing_tracingrequest "
    "FOR EACH STATEMENT EXECUTE FUNCTION tracing_open_requests_renew()",
    f"CREATE TRIGGER tracing_tracingrequest_activity AFTER UPDATE OF status, created_at "
    f"ON tracing_tracingrequest FOR EACH ROW WHEN ((OLD.status IN ({_ACTIVE_SQL})) "
    f"IS DISTINCT FROM (NEW.status IN ({_ACTIVE_SQL})) "
    f"OR OLD.created_at IS DISTINCT FROM NEW.created_at) "
    f"EXECUTE FUNCTION tracing_open_requests_renew()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS tracing_soughtperson_changed ON tracing_soughtperson",
    "DROP TRIGGER IF EXISTS tracing_soughtkey_changed ON tracing_soughtkey",
    "DROP TRIGGER IF EXISTS tracing_tracingrequest_delete ON tracing_tracingrequest",
    "DROP TRIGGER IF EXISTS tracing_tracingrequest_activity ON tracing_tracingrequest",
    "DROP FUNCTION IF EXISTS tracing_open_requests_renew()",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise RuntimeError(f"no open-requests triggers for the {vendor} database")
    for statement in statements[vendor]:
        schema_editor.execute(statement)


def triggers_create(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})
    apps.get_model("tracing", "OpenRequestsVersion").objects.update_or_create(
        id=1, defaults={"token": uuid.uuid4().hex})


def triggers_drop(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):

    dependencies = [
        ("tracing", "0002_sought_key_absent_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenRequestsVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=40)),
            ],
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
