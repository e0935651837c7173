"""The starting catalogue of indicators (``indicators/catalogue.py``)."""

from django.db import migrations


def add(apps, schema_editor):
    from dangbo.indicators.catalogue import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_ntm_sets"), ("core", "0007_document_register")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
