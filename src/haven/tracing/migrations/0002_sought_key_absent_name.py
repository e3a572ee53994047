"""Give each sought person known by one name the ABSENT key of the other.

A registration now meets a sought person on both names (haven.tracing.alerts); a person
sought by a family name alone meets on it through the ABSENT key of the given name, which
requests opened before this migration lack.
"""

from django.db import migrations

ABSENT = "*"  # haven.tracing.keys.ABSENT, copied: a migration keeps its own values


def absent_keys_add(apps, schema_editor):
    SoughtPerson = apps.get_model("tracing", "SoughtPerson")
    SoughtKey = apps.get_model("tracing", "SoughtKey")
    for field in ("g", "f"):
        keyed = SoughtKey.objects.filter(field=field).values("sought_id")
        SoughtKey.objects.bulk_create(
            [SoughtKey(sought_id=pk, field=field, key=ABSENT)
             for pk in SoughtPerson.objects.exclude(pk__in=keyed).values_list("pk", flat=True)
             .iterator()], batch_size=500)


def absent_keys_remove(apps, schema_editor):
    apps.get_model("tracing", "SoughtKey").objects.filter(key=ABSENT).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("tracing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(absent_keys_add, absent_keys_remove),
    ]
