"""What a member import looks up, by index; what it writes twice, once (PostgreSQL only).

An import asks, for every row, whether a member of the same folded name and birth date is
already on the roll (the same person again, or a near match to show). Without an index on
both, each 5,000-row chunk read every member of its 5,000 cells (0.2-1 s per chunk at
national scale, a fifth of the import; issue 17). The folded name's ``varchar_pattern_ops``
index becomes (name, birth date): prefix searches still use its first column, and the
import's look-up is one probe per row.

Three single-column indexes repeat the first column of a composite index on the same table
(``member_id`` of the events and the memberships, ``org_id`` of the memberships): every
look-up they served, foreign-key checks included, the composite serves, and each cost every
admission and every imported row a write. Django's model state keeps them; its schema editor
finds indexes by introspection, so a later change to these fields is not confused.
"""

from django.db import migrations

NAME_DOB = "members_member_name_dob"
REPLACED = {
    "members_member_search_name_943cae1c_like": (
        "members_member",
        "(search_name varchar_pattern_ops)",
    ),
    "members_memberevent_member_id_0cf90450": ("members_memberevent", "(member_id)"),
    "members_membership_member_id_a8e689cf": ("members_membership", "(member_id)"),
    "members_membership_org_id_1006520d": ("members_membership", "(org_id)"),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME_DOB} ON members_member "
        "(search_name varchar_pattern_ops, date_of_birth)"
    )
    for name in REPLACED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, columns) in REPLACED.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME_DOB}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0015_sqlite_name_words"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
