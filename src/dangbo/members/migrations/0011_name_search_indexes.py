"""Name search indexes (PostgreSQL only): the name order carries the status and the folded
name; the folded name's words get a GIN index.

A search for a common name ("nguyen van": a million members) walks the members in name order
and keeps those whose folded name has the words. With the status and ``search_name`` in the
index the walk is an index-only scan: 35 ms instead of 0.4–5 s of heap reads at national
scale (issue 17). It replaces 0005's index, which it serves in every other use.

A rare full name ("Lý Trung Cường") is found by its words, ``string_to_array(search_name,
' ') @> '{ly,trung,cuong}'``: 4 ms through the word index, 150 ms through the trigram one.
ANALYZE gives the planner the words' frequencies, so that it walks the name order for a
common name and asks the word index for a rare one."""

from django.db import migrations

COVERING = (
    "CREATE INDEX IF NOT EXISTS members_member_icu_name_cover ON members_member ("
    'given_name COLLATE "vi-VN-x-icu", family_name COLLATE "vi-VN-x-icu", '
    'middle_name COLLATE "vi-VN-x-icu", id) INCLUDE (status, search_name)'
)
WORDS = (
    "CREATE INDEX IF NOT EXISTS members_member_search_words ON members_member "
    "USING gin (string_to_array(search_name::text, ' '))"
)
PLAIN = (
    "CREATE INDEX IF NOT EXISTS members_member_icu_name ON members_member ("
    'given_name COLLATE "vi-VN-x-icu", family_name COLLATE "vi-VN-x-icu", '
    'middle_name COLLATE "vi-VN-x-icu", id)'
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COVERING)
        schema_editor.execute("DROP INDEX IF EXISTS members_member_icu_name")
        schema_editor.execute(WORDS)
        schema_editor.execute("ANALYZE members_member")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLAIN)
        schema_editor.execute("DROP INDEX IF EXISTS members_member_icu_name_cover")
        schema_editor.execute("DROP INDEX IF EXISTS members_member_search_words")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_member_recognition_unknown"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
