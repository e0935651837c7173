"""The new-rural criteria sets of QĐ 491 (2009), 1980 (2016), 318 (2022) and 51/2025, with
their decisions (``indicators/ntm_sets.py``)."""

from django.db import migrations


def add(apps, schema_editor):
    from dangbo.indicators.ntm_sets import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial"), ("core", "0007_document_register")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
