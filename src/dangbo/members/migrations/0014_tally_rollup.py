"""``MemberTallyRollup``: the tally summed per province, kept by triggers on the tally.

PostgreSQL: statement-level triggers over transition tables, as the tally's own (an
``INSERT … ON CONFLICT`` into the tally fires both its INSERT and UPDATE statement
triggers, each with the rows it touched). SQLite: row triggers. The prefix of a path is its
first two segments ('1.2.' of '1.2.3.10.'), the root's own rows keeping '1.'.
"""

import dangbo.core.fields
from django.db import migrations, models


_PREFIX_PG = """CREATE OR REPLACE FUNCTION members_path_prefix(p text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT substring(p from '^[^.]+[.](?:[^.]+[.])?') $$"""

_UPSERT_PG = """
    INSERT INTO members_membertallyrollup (prefix, status, gender, n)
    SELECT members_path_prefix(d.path), d.status, d.gender, SUM(d.n)
    FROM ({rows}) d
    GROUP BY 1, 2, 3
    HAVING SUM(d.n) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (prefix, status, gender)
    DO UPDATE SET n = members_membertallyrollup.n + EXCLUDED.n
"""
_NEW = "SELECT path, status, gender, n FROM new_rows"
_OLD = "SELECT path, status, gender, -n AS n FROM old_rows"


def _pg_function(name: str, rows: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN {_UPSERT_PG.format(rows=rows)}; RETURN NULL; END; $$ LANGUAGE plpgsql"""


POSTGRES = [
    _PREFIX_PG,
    _pg_function("members_rollup_insert", _NEW),
    _pg_function("members_rollup_update", f"{_NEW} UNION ALL {_OLD}"),
    _pg_function("members_rollup_delete", _OLD),
    """CREATE TRIGGER members_rollup_insert AFTER INSERT ON members_membertally
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION members_rollup_insert()""",
    """CREATE TRIGGER members_rollup_update AFTER UPDATE ON members_membertally
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION members_rollup_update()""",
    """CREATE TRIGGER members_rollup_delete AFTER DELETE ON members_membertally
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
       EXECUTE FUNCTION members_rollup_delete()""",
    """INSERT INTO members_membertallyrollup (prefix, status, gender, n)
       SELECT members_path_prefix(path), status, gender, SUM(n) FROM members_membertally
       GROUP BY 1, 2, 3""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS members_rollup_insert ON members_membertally",
    "DROP TRIGGER IF EXISTS members_rollup_update ON members_membertally",
    "DROP TRIGGER IF EXISTS members_rollup_delete ON members_membertally",
    "DROP FUNCTION IF EXISTS members_rollup_insert()",
    "DROP FUNCTION IF EXISTS members_rollup_update()",
    "DROP FUNCTION IF EXISTS members_rollup_delete()",
    "DROP FUNCTION IF EXISTS members_path_prefix(text)",
]


def _prefix_sqlite(p: str) -> str:
    rest = f"substr({p}, instr({p}, '.') + 1)"
    return (
        f"(CASE WHEN instr({rest}, '.') > 0 "
        f"THEN substr({p}, 1, instr({p}, '.') + instr({rest}, '.')) ELSE {p} END)"
    )


def _add_sqlite(row: str, sign: str) -> str:
    return f"""INSERT INTO members_membertallyrollup (prefix, status, gender, n)
        VALUES ({_prefix_sqlite(row + ".path")}, {row}.status, {row}.gender, {sign}{row}.n)
        ON CONFLICT (prefix, status, gender) DO UPDATE SET n = n + excluded.n;"""


SQLITE = [
    f"""CREATE TRIGGER members_rollup_insert AFTER INSERT ON members_membertally
        BEGIN {_add_sqlite("NEW", "")} END""",
    f"""CREATE TRIGGER members_rollup_update AFTER UPDATE ON members_membertally
        BEGIN {_add_sqlite("OLD", "-")} {_add_sqlite("NEW", "")} END""",
    f"""CREATE TRIGGER members_rollup_delete AFTER DELETE ON members_membertally
        BEGIN {_add_sqlite("OLD", "-")} END""",
    f"""INSERT INTO members_membertallyrollup (prefix, status, gender, n)
        SELECT {_prefix_sqlite("path")}, status, gender, SUM(n) FROM members_membertally
        GROUP BY 1, 2, 3""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS members_rollup_insert",
    "DROP TRIGGER IF EXISTS members_rollup_update",
    "DROP TRIGGER IF EXISTS members_rollup_delete",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run



class Migration(migrations.Migration):

    dependencies = [
        ('members', '0013_org_status_covers_the_charts'),
    ]

    operations = [
        migrations.CreateModel(
            name='MemberTallyRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('prefix', dangbo.core.fields.BinaryCharField(max_length=255)),
                ('status', models.CharField(choices=[('probationary', 'Đảng viên dự bị'), ('official', 'Đảng viên chính thức'), ('struck_off', 'Đã xóa tên'), ('expelled', 'Đã khai trừ'), ('resigned', 'Xin ra khỏi Đảng'), ('deceased', 'Từ trần'), ('left', 'Chuyển ra ngoài hệ thống')], max_length=16)),
                ('gender', models.CharField(choices=[('M', 'Nam'), ('F', 'Nữ')], max_length=1)),
                ('n', models.BigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('prefix', 'status', 'gender'), name='tally_rollup_key')],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
