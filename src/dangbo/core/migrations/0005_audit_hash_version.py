"""Audit entries say how their hash was made: the rows already written keep the plain SHA-256
chain (version 1, the column's default when it is added, so no row is updated and the
append-only triggers are not touched on PostgreSQL); ``audit.record`` writes HMAC rows (2)."""

import importlib

from django.db import migrations, models

_APPEND_ONLY = importlib.import_module("dangbo.core.migrations.0003_audit_append_only")


def _reinstate_triggers(apps, schema_editor):
    """SQLite rebuilds the table to add (or drop) a column with a default, which drops its
    triggers: put them back."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in (*_APPEND_ONLY.SQLITE_DROP, *_APPEND_ONLY.SQLITE):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_scope")]

    operations = [
        # Reversed last, after the column is dropped (another rebuild on SQLite).
        migrations.RunPython(migrations.RunPython.noop, _reinstate_triggers),
        migrations.AddField(
            model_name="auditentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RunPython(_reinstate_triggers, migrations.RunPython.noop),
    ]
