"""Triggers that keep ``MemberTally`` right whatever writes ``members_member``.

PostgreSQL: statement-level triggers over transition tables — one grouped upsert per
statement, so a COPY of a million members costs one aggregate, not a million upserts.
SQLite has only row triggers; its imports are smaller. A change of an organisation's path
(re-parenting) is copied into its tally rows.
"""

from django.db import migrations

_UPSERT_PG = """
    INSERT INTO members_membertally (org_id, path, status, gender, n)
    SELECT d.org_id, o.path, d.status, d.gender, SUM(d.c)
    FROM ({rows}) d JOIN orgs_organisation o ON o.id = d.org_id
    GROUP BY d.org_id, o.path, d.status, d.gender
    HAVING SUM(d.c) <> 0
    ORDER BY d.org_id, d.status, d.gender
    ON CONFLICT (org_id, status, gender) DO UPDATE SET n = members_membertally.n + EXCLUDED.n
"""
_NEW = "SELECT org_id, status, gender, COUNT(*) AS c FROM new_rows GROUP BY 1, 2, 3"
_OLD = "SELECT org_id, status, gender, -COUNT(*) AS c FROM old_rows GROUP BY 1, 2, 3"


def _pg_function(name: str, rows: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN {_UPSERT_PG.format(rows=rows)}; RETURN NULL; END; $$ LANGUAGE plpgsql"""


POSTGRES = [
    _pg_function("members_tally_insert", _NEW),
    _pg_function("members_tally_update", f"{_NEW} UNION ALL {_OLD}"),
    _pg_function("members_tally_delete", _OLD),
    """CREATE TRIGGER members_tally_insert AFTER INSERT ON members_member
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION members_tally_insert()""",
    """CREATE TRIGGER members_tally_update AFTER UPDATE ON members_member
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION members_tally_update()""",
    """CREATE TRIGGER members_tally_delete AFTER DELETE ON members_member
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
       EXECUTE FUNCTION members_tally_delete()""",
    """CREATE OR REPLACE FUNCTION members_tally_path() RETURNS trigger AS $$
       BEGIN UPDATE members_membertally SET path = NEW.path WHERE org_id = NEW.id;
       RETURN NULL; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER members_tally_path AFTER UPDATE OF path ON orgs_organisation
       FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
       EXECUTE FUNCTION members_tally_path()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS members_tally_insert ON members_member",
    "DROP TRIGGER IF EXISTS members_tally_update ON members_member",
    "DROP TRIGGER IF EXISTS members_tally_delete ON members_member",
    "DROP TRIGGER IF EXISTS members_tally_path ON orgs_organisation",
    "DROP FUNCTION IF EXISTS members_tally_insert()",
    "DROP FUNCTION IF EXISTS members_tally_update()",
    "DROP FUNCTION IF EXISTS members_tally_delete()",
    "DROP FUNCTION IF EXISTS members_tally_path()",
]

_ADD_SQLITE = """INSERT INTO members_membertally (org_id, path, status, gender, n)
    VALUES (NEW.org_id, (SELECT path FROM orgs_organisation WHERE id = NEW.org_id),
            NEW.status, NEW.gender, 1)
    ON CONFLICT (org_id, status, gender) DO UPDATE SET n = n + 1;"""
_SUB_SQLITE = """UPDATE members_membertally SET n = n - 1
    WHERE org_id = OLD.org_id AND status = OLD.status AND gender = OLD.gender;"""

SQLITE = [
    f"CREATE TRIGGER members_tally_insert AFTER INSERT ON members_member BEGIN {_ADD_SQLITE} END",
    f"""CREATE TRIGGER members_tally_update AFTER UPDATE OF org_id, status, gender
        ON members_member BEGIN {_SUB_SQLITE} {_ADD_SQLITE} END""",
    f"CREATE TRIGGER members_tally_delete AFTER DELETE ON members_member BEGIN {_SUB_SQLITE} END",
    """CREATE TRIGGER members_tally_path AFTER UPDATE OF path ON orgs_organisation
       WHEN OLD.path IS NOT NEW.path
       BEGIN UPDATE members_membertally SET path = NEW.path WHERE org_id = NEW.id; END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS members_tally_insert",
    "DROP TRIGGER IF EXISTS members_tally_update",
    "DROP TRIGGER IF EXISTS members_tally_delete",
    "DROP TRIGGER IF EXISTS members_tally_path",
]

REBUILD = """INSERT INTO members_membertally (org_id, path, status, gender, n)
    SELECT m.org_id, o.path, m.status, m.gender, COUNT(*)
    FROM members_member m JOIN orgs_organisation o ON o.id = m.org_id
    GROUP BY m.org_id, o.path, m.status, m.gender"""


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("members", "0003_member_tally"), ("orgs", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
        # Members already there (an existing installation) are counted once, here.
        migrations.RunSQL(REBUILD, "DELETE FROM members_membertally"),
    ]
