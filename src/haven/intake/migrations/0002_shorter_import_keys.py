"""Shorten the stored source keys of imported rows to the 32 hex digits used from now on.

A row's new key is the first 32 digits of its old one, so a file imported before this
migration, imported again after it, still finds every row it stored.
"""

from django.db import migrations
from django.db.models.functions import Substr

SOURCE_KEY_LENGTH = 32


def shorten(apps, schema_editor):
    Submission = apps.get_model("intake", "Submission")
    Submission.objects.filter(source="import").update(key=Substr("key", 1, SOURCE_KEY_LENGTH))


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(shorten, migrations.RunPython.noop)]
