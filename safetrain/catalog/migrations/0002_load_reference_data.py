from django.db import migrations


def load(apps, schema_editor):
    from safetrain.catalog.services import catalog_load

    catalog_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
