"""Load the programme kinds and their default rules (data/kinds.json)."""

from django.db import migrations


def load(apps, schema_editor):
    from edureg.programmes.data.loader import load_kinds_into

    load_kinds_into(apps.get_model("programmes", "ProgrammeKind"), apps.get_model("programmes", "ProgrammeRule"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
