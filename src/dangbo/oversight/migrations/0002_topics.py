"""The starting list of opinion topics; offices adapt it with ``dangbo topics``."""

from django.db import migrations


def add(apps, schema_editor):
    from dangbo.oversight.topics import ensure_defaults

    ensure_defaults(apps.get_model("oversight", "OpinionTopic"))


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
