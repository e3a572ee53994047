"""Administrative codes on sites; existing sites get their province's ISO 3166-2 code."""

from django.db import migrations, models

# A copy of haven.registry.provinces.ARMENIA as it was when this migration was written:
# a migration must not change when the application's table does.
ARMENIA = {
    "AM-AG": ("aragatsotn", "արագածոտն", "арагацотн"),
    "AM-AR": ("ararat", "արարատ", "арарат"),
    "AM-AV": ("armavir", "արմավիր", "армавир"),
    "AM-ER": ("yerevan", "երևան", "ереван", "երեվան"),
    "AM-GR": ("gegharkunik", "գեղարքունիք", "гегаркуник"),
    "AM-KT": ("kotayk", "կոտայք", "котайк", "kotayq"),
    "AM-LO": ("lori", "լոռի", "лори"),
    "AM-SH": ("shirak", "շիրակ", "ширак"),
    "AM-SU": ("syunik", "սյունիք", "сюник", "siunik"),
    "AM-TV": ("tavush", "տավուշ", "тавуш"),
    "AM-VD": ("vayots dzor", "վայոց ձոր", "вайоц дзор"),
}


def province_codes(apps, schema_editor):
    site_model = apps.get_model("registry", "Site")
    by_name = {name: code for code, names in ARMENIA.items() for name in names}
    for site in site_model.objects.filter(province_code=""):
        code = by_name.get(" ".join(site.province.casefold().replace("-", " ").split()))
        if code:
            site.province_code = code
            site.save(update_fields=["province_code"])


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0004_report_tally_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='site',
            name='pcode',
            field=models.CharField(blank=True, max_length=20, verbose_name='site p-code (OCHA COD)'),
        ),
        migrations.AddField(
            model_name='site',
            name='province_code',
            field=models.CharField(blank=True, max_length=10, verbose_name='province code (ISO 3166-2)'),
        ),
        migrations.AddField(
            model_name='site',
            name='province_pcode',
            field=models.CharField(blank=True, max_length=20, verbose_name='province p-code (OCHA COD)'),
        ),
        migrations.RunPython(province_codes, migrations.RunPython.noop),
    ]
