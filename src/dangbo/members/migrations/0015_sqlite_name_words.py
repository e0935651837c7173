"""SQLite: a full-text index of the folded names (FTS5), so that a rare name is found
without reading every member (issue 17: 1.7 s per search at 1.1 M members).

An external-content FTS5 table over ``members_member.search_name``, kept by triggers (as
``MemberTally`` is), filled once here. PostgreSQL has its own word index (0011) and gets
nothing. A SQLite built without FTS5 gets nothing either: the search then reads the names
(``members.queries``). A later migration that rebuilds ``members_member`` on SQLite drops
its triggers and must put these back (tests/orgs/test_aggregates.py checks they exist).
"""

from django.db import migrations

TABLE = "members_member_words"

CREATE = [
    f"""CREATE VIRTUAL TABLE {TABLE} USING fts5(
        search_name, content='members_member', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER members_words_insert AFTER INSERT ON members_member BEGIN
        INSERT INTO {TABLE}(rowid, search_name) VALUES (new.id, new.search_name); END""",
    f"""CREATE TRIGGER members_words_delete AFTER DELETE ON members_member BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, search_name)
        VALUES ('delete', old.id, old.search_name); END""",
    f"""CREATE TRIGGER members_words_update AFTER UPDATE OF search_name ON members_member
        BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, search_name)
        VALUES ('delete', old.id, old.search_name);
        INSERT INTO {TABLE}(rowid, search_name) VALUES (new.id, new.search_name); END""",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS members_words_insert",
    "DROP TRIGGER IF EXISTS members_words_delete",
    "DROP TRIGGER IF EXISTS members_words_update",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _has_fts5(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        return any(row[0] == "ENABLE_FTS5" for row in cursor.fetchall())


def _run(statements):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "sqlite" or not _has_fts5(connection):
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("members", "0014_tally_rollup")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
