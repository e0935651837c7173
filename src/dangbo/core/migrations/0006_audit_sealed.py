"""Audit entries may carry sealed (encrypted) sensitive before/after values. A nullable
column: no row is updated, the existing entries' hashes are unchanged (the digest covers
``sealed`` only when it is set), and the append-only triggers stay in place on PostgreSQL."""

import importlib

from django.db import migrations, models

_HASH_VERSION = importlib.import_module("dangbo.core.migrations.0005_audit_hash_version")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_hash_version")]

    operations = [
        # SQLite may rebuild the table (dropping its triggers): put them back either way.
        migrations.RunPython(migrations.RunPython.noop, _HASH_VERSION._reinstate_triggers),
        migrations.AddField(
            model_name="auditentry",
            name="sealed",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.RunPython(_HASH_VERSION._reinstate_triggers, migrations.RunPython.noop),
    ]
