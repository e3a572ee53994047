"""The action column without choices (apps add actions without a migration of this table).

The column also grows to 40 characters. On SQLite that rebuilds the table, and a rebuild
drops the table's triggers: put the append-only triggers back after it.
"""

from django.db import migrations, models

from haven.audit.migrations import _append_only


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_linkage_actions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(max_length=40),
        ),
        migrations.RunPython(_append_only.recreate_triggers, migrations.RunPython.noop),
    ]
