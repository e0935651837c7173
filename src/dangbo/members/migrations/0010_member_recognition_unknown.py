"""An official member whose recognition date is not known (a roll imported without it).

SQLite adds the column by rebuilding the table, which drops its triggers: the tally triggers
are put back as 0005 does after its own rebuild."""

import importlib

from django.db import migrations, models

_0005 = importlib.import_module("dangbo.members.migrations.0005_name_parts")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_icelandic_eth_as_d_with_stroke"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="recognition_unknown",
            field=models.BooleanField(
                db_default=False,
                default=False,
                verbose_name="chưa rõ ngày công nhận chính thức",
            ),
        ),
        migrations.RunPython(_0005.recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
