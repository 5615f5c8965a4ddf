"""Load the shipped instruments (data/instruments/*.json) into the database.
Later versions are added by `manage.py load_instruments`, or a migration like this."""

from django.db import migrations


def load(apps, schema_editor):
    from bearing.insight.instruments import instruments_load

    instruments_load(
        apps.get_model("insight", "Instrument"),
        apps.get_model("insight", "Competency"),
        apps.get_model("insight", "Item"),
    )


class Migration(migrations.Migration):
    dependencies = [("insight", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
