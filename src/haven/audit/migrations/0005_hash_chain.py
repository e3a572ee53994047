"""Chain the audit events by hash, and refuse DELETE (and TRUNCATE) of the audit tables.

The events already written are hashed in id order: the UPDATE that stores their hashes
runs between dropping the append-only triggers and creating them again, DELETE and
TRUNCATE triggers included (haven.audit.chain, _append_only).
"""

from django.db import migrations, models

from haven.audit.chain import chain_fill
from haven.audit.migrations import _append_only


def hash_existing_events(apps, schema_editor):
    _append_only.drop_triggers(apps, schema_editor)
    chain_fill(apps.get_model("audit", "AuditEvent"), apps.get_model("audit", "AuditTarget"))
    _append_only.recreate_triggers(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_action_without_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(hash_existing_events, migrations.RunPython.noop),
    ]
