"""Indexes PostgreSQL never used on the members table (PostgreSQL only).

Read off ``pg_stat_user_indexes`` after the benchmark suite at national scale (issue 17):
``sort_key`` (both its indexes: on PostgreSQL names are ordered by the ICU index, the key
serves SQLite), ``search_name``'s plain index (its ``varchar_pattern_ops`` twin serves the
prefixes, the trigram index the words) — no scan at all — and ``org_id``'s own index, which
the (org, status) index serves as well. Each costs every import and admission a write.
Django's model state keeps them (SQLite uses them); its schema editor finds indexes by
introspection, so a later change to these fields is not confused by their absence here."""

from django.db import migrations

UNUSED = {
    "members_member_sort_key_62b9d12f": "(sort_key)",
    "members_member_sort_key_62b9d12f_like": "(sort_key varchar_pattern_ops)",
    "members_member_search_name_943cae1c": "(search_name)",
    "members_member_org_id_b6aaec52": "(org_id)",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in UNUSED:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in UNUSED.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON members_member {columns}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0011_name_search_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
