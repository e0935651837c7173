"""The schemes of 2008–2013, 2014–2017 (TSVM), QĐ 132, QĐ 124 and QĐ 366, with their documents."""

from django.db import migrations


def add(apps, schema_editor):
    from dangbo.reviews.schemes import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
