"""The day cache is only a cache: rows written before the employment-form breakdown existed have
no `forms`, so drop them; the next view (or `safetrain dashboards warm`) recomputes them."""

from django.db import migrations


def clear(apps, schema_editor):
    apps.get_model("dashboards", "Day").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0002_enterpriseday_forms")]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
