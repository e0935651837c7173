"""Name search on PostgreSQL through a trigram index (pg_trgm): "every word contained"
(LIKE '%word%') is answered from the index instead of a scan of millions of rows.

pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. Where
it cannot be created, the migration says so and search keeps working, by scanning.
"""

from django.db import migrations, transaction

INDEX = (
    "CREATE INDEX IF NOT EXISTS members_member_search_trgm "
    "ON members_member USING gin (search_name gin_trgm_ops)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - a missing privilege must not block the upgrade
        print(f"\n  pg_trgm không tạo được ({exc}); tìm theo tên sẽ quét toàn bảng.")
        return
    schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS members_member_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("members", "0005_name_parts")]
    operations = [migrations.RunPython(forwards, backwards)]
